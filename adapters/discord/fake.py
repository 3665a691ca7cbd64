"""A faithful fake of Discord's webhook API: execute, read, edit, delete one webhook's messages.

Enforced as Discord documents (README.md in this folder has the sources):
- The token in the URL: unknown webhook id → 404 code 10015, wrong token → 401 code 50027.
- ``wait``: without it (or false) 204 and no body; ``wait=true`` → 200 and the message,
  snowflake ids as strings.
- ``content`` ≤ 2,000 code points; ≤ 10 embeds; embed title 256, description 4,096,
  footer 2,048, author 256, ≤ 25 fields (name 256, value 1,024); the embeds' text fields
  together ≤ 6,000, counted after trimming white space; an empty message → 400 code 50006;
  field errors nested with ``_errors`` under code 50035 "Invalid Form Body".
- Messages can be read, edited (PATCH, partial) and deleted only through the webhook
  that made them; another id → 404 code 10008 "Unknown Message".
- A per-webhook bucket of 5 requests per 2 s with every ``X-RateLimit-*`` header; 429
  with ``Retry-After`` and ``retry_after`` (float seconds) in the body.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx

from syndicate.sandbox.base import Clock, Fake, SandboxContext, json_response

WEBHOOK_ID = "1180000000000000001"
WEBHOOK_TOKEN = "sandbox-discord-webhook-token"
CHANNEL_ID = "1180000000000000002"
GUILD_ID = "1180000000000000003"
BUCKET, WINDOW = 5, 2.0
EMBED_LIMITS = {"title": 256, "description": 4096}


def discord_error(status: int, code: int, message: str, errors: Any = None,
                  headers: dict[str, str] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return json_response(status, body, headers)


def too_long(limit: int) -> dict[str, Any]:
    return {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                         "message": f"Must be {limit} or fewer in length."}]}


class FakeDiscord:
    name = "discord"

    def __init__(self, *, clock: Clock = time.time) -> None:
        self.clock = clock
        self.messages: dict[str, dict[str, Any]] = {}
        self.hits: list[float] = []
        self.serial = 0

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        wait = float(max(retry_after, 1))
        return json_response(429, {"message": "You are being rate limited.", "retry_after": wait,
                                   "global": False}, {
            "Retry-After": str(int(wait)), "X-RateLimit-Limit": str(BUCKET),
            "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": str(wait),
            "X-RateLimit-Scope": "user"})

    def records(self) -> list[dict[str, Any]]:
        return [{"id": m["id"], "title": (m["embeds"][0].get("title") if m["embeds"] else None)
                 or m["content"].split("\n")[0],
                 "url": f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{m['id']}"}
                for m in self.messages.values()]

    def dump(self) -> dict[str, Any]:
        return {"messages": self.messages, "serial": self.serial}

    def load(self, data: dict[str, Any]) -> None:
        self.messages = dict(data.get("messages", {}))
        self.serial = int(data.get("serial", 0))

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        match = re.fullmatch(r"/api(?:/v\d+)?/webhooks/(\d+)/([^/]+)(?:/messages/(\d+))?/?", path)
        if match is None:
            return discord_error(404, 0, "404: Not Found")
        hook, token, message_id = match.groups()
        if hook != WEBHOOK_ID:
            return discord_error(404, 10015, "Unknown Webhook")
        if token != WEBHOOK_TOKEN:
            return discord_error(401, 50027, "Invalid Webhook Token")
        now = self.clock()
        self.hits = [t for t in self.hits if t > now - WINDOW]
        if len(self.hits) >= BUCKET:
            wait = round(self.hits[0] + WINDOW - now, 3)
            return json_response(429, {"message": "You are being rate limited.",
                                       "retry_after": wait, "global": False}, {
                "Retry-After": str(max(1, round(wait))), "X-RateLimit-Limit": str(BUCKET),
                "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": str(wait),
                "X-RateLimit-Bucket": "sandbox", "X-RateLimit-Scope": "user"})
        self.hits.append(now)
        headers = {"X-RateLimit-Limit": str(BUCKET),
                   "X-RateLimit-Remaining": str(BUCKET - len(self.hits)),
                   "X-RateLimit-Reset": f"{self.hits[0] + WINDOW:.3f}",
                   "X-RateLimit-Reset-After": f"{self.hits[0] + WINDOW - now:.3f}",
                   "X-RateLimit-Bucket": "sandbox"}
        response = self.route(request, message_id)
        response.headers.update(headers)
        return response

    def route(self, request: httpx.Request, message_id: str | None) -> httpx.Response:
        if message_id is None:
            if request.method == "GET":
                return json_response(200, {"id": WEBHOOK_ID, "type": 1, "name": "Sandbox",
                                           "channel_id": CHANNEL_ID, "guild_id": GUILD_ID})
            if request.method != "POST":
                return discord_error(405, 0, "405: Method Not Allowed")
            return self.execute(request)
        message = self.messages.get(message_id)
        if message is None:
            return discord_error(404, 10008, "Unknown Message")
        if request.method == "GET":
            return json_response(200, message)
        if request.method == "DELETE":
            del self.messages[message_id]
            return httpx.Response(204)
        if request.method == "PATCH":
            body = parse(request)
            if body is None:
                return discord_error(400, 50109, "The request body contains invalid JSON.")
            merged = {**message, **{k: v for k, v in body.items() if k in ("content", "embeds")}}
            problem = self.validate(merged)
            if problem is not None:
                return problem
            message.update(content=merged.get("content") or "", embeds=merged.get("embeds") or [],
                           edited_timestamp=self.stamp())
            return json_response(200, message)
        return discord_error(405, 0, "405: Method Not Allowed")

    def execute(self, request: httpx.Request) -> httpx.Response:
        body = parse(request)
        if body is None:
            return discord_error(400, 50109, "The request body contains invalid JSON.")
        problem = self.validate(body)
        if problem is not None:
            return problem
        self.serial += 1
        message_id = str((int(self.clock() * 1000) - 1420070400000) << 22 | self.serial)
        embeds = [{**e, "type": "rich"} for e in body.get("embeds") or []]
        message = {"id": message_id, "type": 0, "channel_id": CHANNEL_ID, "webhook_id": WEBHOOK_ID,
                   "content": body.get("content") or "", "embeds": embeds,
                   "timestamp": self.stamp(), "edited_timestamp": None,
                   "author": {"id": WEBHOOK_ID, "username": body.get("username") or "Sandbox",
                              "bot": True}}
        self.messages[message_id] = message
        if request.url.params.get("wait", "false").lower() != "true":
            return httpx.Response(204)
        return json_response(200, message)

    def stamp(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(self.clock()))

    def validate(self, body: dict[str, Any]) -> httpx.Response | None:
        content = body.get("content") or ""
        embeds = body.get("embeds") or []
        if not content and not embeds:
            return discord_error(400, 50006, "Cannot send an empty message")
        errors: dict[str, Any] = {}
        if len(content) > 2000:
            errors["content"] = too_long(2000)
        if len(embeds) > 10:
            errors["embeds"] = too_long(10)
        total = 0
        for number, embed in enumerate(embeds[:10]):
            field_errors: dict[str, Any] = {}
            for key, limit in EMBED_LIMITS.items():
                value = str(embed.get(key) or "").strip()
                total += len(value)
                if len(value) > limit:
                    field_errors[key] = too_long(limit)
            for key, limit in (("footer", 2048), ("author", 256)):
                inner = embed.get(key) or {}
                value = str(inner.get("text" if key == "footer" else "name") or "").strip()
                total += len(value)
                if len(value) > limit:
                    field_errors[key] = too_long(limit)
            fields = embed.get("fields") or []
            if len(fields) > 25:
                field_errors["fields"] = too_long(25)
            for field in fields:
                total += len(str(field.get("name", "")).strip()) + len(str(field.get("value", "")).strip())
            if field_errors:
                errors.setdefault("embeds", {})[str(number)] = field_errors
        if total > 6000:
            errors.setdefault("embeds", {})["_errors"] = [{
                "code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}]
        if errors:
            return discord_error(400, 50035, "Invalid Form Body", errors)
        return None


def parse(request: httpx.Request) -> dict[str, Any] | None:
    try:
        body = json.loads(request.content or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def fakes(ctx: SandboxContext) -> list[Fake]:
    return [FakeDiscord(clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_DISCORD__WEBHOOK_URL":
            f"{base_url.rstrip('/')}/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"}
