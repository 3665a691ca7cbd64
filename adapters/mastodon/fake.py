"""A faithful fake of a Mastodon instance's API for statuses and media.

Enforced as upstream Mastodon does (README.md in this folder has the sources):
- ``Authorization: Bearer``: missing or unknown → 401 ``{"error": "The access token is
  invalid"}``; a token without ``write:statuses`` → 403.
- ``GET /api/v2/instance`` serves the limits the rest enforces (``max_characters``,
  ``characters_reserved_per_url``, media types, sizes, description limit).
- ``POST /api/v1/statuses`` answers **200** (not 201); ``spoiler_text + status`` is counted
  in grapheme clusters with every http(s) URL as 23 and ``@user@remote.host`` as ``@user``;
  over the limit, or blank without media → 422 ``Validation failed: ...``; visibility
  from the four values (else 422); unknown media id → 422; more than 4 media → 422.
- ``Idempotency-Key`` per account, kept 3600 s after a successful create: a repeat
  returns the first status (200) whatever its body; a failed create stores nothing.
- ``PUT /api/v1/statuses/:id`` edits in place (same id, ``edited_at`` set; length rules
  again; visibility cannot change), 404 ``Record not found`` for an unknown id;
  ``DELETE`` returns the status with its ``text``; ``GET .../source``.
- ``POST /api/v2/media`` multipart ``file`` with a supported type, description ≤ 1,500.
- ``X-RateLimit-Limit/Remaining/Reset`` (reset an ISO 8601 time) on every answer;
  statuses (create and edit) 300 per 3 hours, media 30 per 30 minutes; 429
  ``{"error": "Too many requests"}`` without Retry-After.
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from syndicate.adapter import Unit
from syndicate.dialects.fit import count
from syndicate.sandbox.base import Clock, Fake, SandboxContext, json_response

TOKEN = "sandbox-mastodon-token"
HOST = "mastodon.sandbox.invalid"
USERNAME = "syndicate"
ACCOUNT_ID = "109876543210987654"
VISIBILITIES = ("public", "unlisted", "private", "direct")
MIME_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif")
REMOTE_MENTION = re.compile(r"@(\w+)@[\w.-]+\w")
BUCKETS = {"statuses": (300, 3 * 3600.0), "media": (30, 1800.0), "default": (300, 300.0)}


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeMastodon:
    name = "mastodon"

    def __init__(self, *, token: str = TOKEN, max_characters: int = 500, clock: Clock = time.time,
                 scopes: tuple[str, ...] = ("read", "write")) -> None:
        self.token, self.max_characters, self.clock, self.scopes = token, max_characters, clock, scopes
        self.statuses: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, tuple[str, float]] = {}
        self.hits: dict[str, list[float]] = {}
        self.serial = 0

    def instance(self) -> dict[str, Any]:
        return {"domain": HOST, "title": "Sandbox", "version": "4.3.0", "configuration": {
            "statuses": {"max_characters": self.max_characters, "max_media_attachments": 4,
                         "characters_reserved_per_url": 23},
            "media_attachments": {"supported_mime_types": list(MIME_TYPES),
                                  "image_size_limit": 16 * 1024 * 1024,
                                  "image_matrix_limit": 33177600, "description_limit": 1500}}}

    # --- the Fake protocol -----------------------------------------------------------

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return json_response(429, {"error": "Too many requests"}, {
            "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": iso(self.clock() + max(retry_after, 1))})

    def records(self) -> list[dict[str, Any]]:
        return [{"id": s["id"], "title": s["text"].split("\n")[0], "url": s["url"]}
                for s in self.statuses.values()]

    def dump(self) -> dict[str, Any]:
        return {"statuses": self.statuses, "media": self.media, "keys": self.keys,
                "serial": self.serial}

    def load(self, data: dict[str, Any]) -> None:
        self.statuses = dict(data.get("statuses", {}))
        self.media = dict(data.get("media", {}))
        self.keys = {k: (v[0], v[1]) for k, v in data.get("keys", {}).items()}
        self.serial = int(data.get("serial", 0))

    # --- requests --------------------------------------------------------------------

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        if path == "/api/v2/instance" and request.method == "GET":
            return json_response(200, self.instance())
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return json_response(401, {"error": "The access token is invalid"})
        if request.method != "GET" and "write" not in self.scopes:
            return json_response(403, {"error": "This action is outside the authorized scopes"})
        bucket = ("statuses" if path.startswith("/api/v1/statuses") and request.method in ("POST", "PUT")
                  else "media" if "/media" in path and request.method == "POST" else "default")
        limited = self.take(bucket)
        if isinstance(limited, httpx.Response):
            return limited
        response = self.route(request, path)
        response.headers.update(limited)
        return response

    def take(self, bucket: str) -> httpx.Response | dict[str, str]:
        limit, window = BUCKETS[bucket]
        now = self.clock()
        hits = [t for t in self.hits.get(bucket, []) if t > now - window]
        reset = iso((hits[0] if hits else now) + window)
        if len(hits) >= limit:
            self.hits[bucket] = hits
            return json_response(429, {"error": "Too many requests"}, {
                "X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset})
        hits.append(now)
        self.hits[bucket] = hits
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(limit - len(hits)),
                "X-RateLimit-Reset": reset}

    def route(self, request: httpx.Request, path: str) -> httpx.Response:
        method = request.method
        if path == "/api/v1/accounts/verify_credentials" and method == "GET":
            return json_response(200, {"id": ACCOUNT_ID, "username": USERNAME, "acct": USERNAME,
                                       "url": f"https://{HOST}/@{USERNAME}"})
        if path == f"/api/v1/accounts/{ACCOUNT_ID}/statuses" and method == "GET":
            limit = min(40, int(request.url.params.get("limit", "20")))
            newest = sorted(self.statuses.values(), key=lambda s: int(s["id"]), reverse=True)
            return json_response(200, [self.public(s) for s in newest[:limit]])
        if path == "/api/v2/media" and method == "POST":
            return self.upload(request)
        if path == "/api/v1/statuses" and method == "POST":
            return self.create(request)
        match = re.fullmatch(r"/api/v1/statuses/(\d+)(/source)?", path)
        if match:
            status = self.statuses.get(match.group(1))
            if status is None:
                return json_response(404, {"error": "Record not found"})
            if match.group(2) and method == "GET":
                return json_response(200, {"id": status["id"], "text": status["text"],
                                           "spoiler_text": status["spoiler_text"]})
            if method == "GET":
                return json_response(200, self.public(status))
            if method == "PUT":
                return self.edit(request, status)
            if method == "DELETE":
                del self.statuses[status["id"]]
                return json_response(200, {**self.public(status), "text": status["text"]})
        return json_response(404, {"error": "Not Found"})

    def next_id(self) -> str:
        self.serial += 1
        return str(int(self.clock() * 1000) * 65536 + self.serial)

    def length(self, text: str) -> int:
        return count(REMOTE_MENTION.sub(r"@\1", text), Unit.GRAPHEMES, url_length=23)

    def validate(self, body: dict[str, Any], media_ids: list[str]) -> str | None:
        text, spoiler = str(body.get("status") or ""), str(body.get("spoiler_text") or "")
        if not text.strip() and not media_ids:
            return "Validation failed: Text can't be blank"
        if self.length(spoiler + text) > self.max_characters:
            return f"Validation failed: Text character limit of {self.max_characters} exceeded"
        if body.get("visibility", "public") not in VISIBILITIES:
            return "Validation failed: Visibility is not included in the list"
        if len(media_ids) > 4:
            return "Validation failed: Media attachments too many"
        for media_id in media_ids:
            if media_id not in self.media:
                return "Validation failed: Media attachments not found"
        return None

    def create(self, request: httpx.Request) -> httpx.Response:
        body = parse_body(request)
        key = request.headers.get("Idempotency-Key")
        now = self.clock()
        if key and key in self.keys and self.keys[key][1] > now:
            original = self.statuses.get(self.keys[key][0])
            if original is not None:
                return json_response(200, self.public(original))
        media_ids = [str(m) for m in body.get("media_ids", [])]
        problem = self.validate(body, media_ids)
        if problem:
            return json_response(422, {"error": problem})
        status_id = self.next_id()
        status = {"id": status_id, "text": str(body.get("status") or ""),
                  "spoiler_text": str(body.get("spoiler_text") or ""),
                  "visibility": body.get("visibility", "public"), "language": body.get("language"),
                  "media_ids": media_ids, "created_at": iso(now), "edited_at": None,
                  "url": f"https://{HOST}/@{USERNAME}/{status_id}"}
        self.statuses[status_id] = status
        if key:
            self.keys[key] = (status_id, now + 3600)
        return json_response(200, self.public(status))

    def edit(self, request: httpx.Request, status: dict[str, Any]) -> httpx.Response:
        body = parse_body(request)
        media_ids = [str(m) for m in body.get("media_ids", status["media_ids"])]
        problem = self.validate({**body, "visibility": status["visibility"]}, media_ids)
        if problem:
            return json_response(422, {"error": problem})
        status.update(text=str(body.get("status") or ""), spoiler_text=str(body.get("spoiler_text") or ""),
                      media_ids=media_ids, edited_at=iso(self.clock()))
        if "language" in body:
            status["language"] = body["language"]
        return json_response(200, self.public(status))

    def upload(self, request: httpx.Request) -> httpx.Response:
        parts = multipart(request)
        upload = parts.get("file")
        if upload is None:
            return json_response(422, {"error": "Validation failed: File can't be blank"})
        mime, data = upload
        if mime not in MIME_TYPES:
            return json_response(422, {"error": f"Validation failed: File content type is invalid, "
                                                f"File file type is not supported ({mime})"})
        description = parts.get("description", ("", b""))[1].decode("utf-8")
        if len(description) > 1500:
            return json_response(422, {"error": "Validation failed: Description is too long "
                                                "(maximum is 1500 characters)"})
        media_id = self.next_id()
        self.media[media_id] = {"id": media_id, "type": "image", "description": description,
                                "size": len(data), "url": f"https://{HOST}/media/{media_id}"}
        return json_response(200, self.media[media_id])

    def public(self, status: dict[str, Any]) -> dict[str, Any]:
        content = "<p>" + html.escape(status["text"]).replace("\n", "<br />") + "</p>"
        content = re.sub(r"https?://[^\s<]+", lambda m: f'<a href="{m.group()}">{m.group()}</a>',
                         content)
        return {"id": status["id"], "url": status["url"], "uri": status["url"],
                "created_at": status["created_at"], "edited_at": status["edited_at"],
                "content": content, "spoiler_text": status["spoiler_text"],
                "visibility": status["visibility"], "language": status["language"],
                "media_attachments": [self.media[m] for m in status["media_ids"] if m in self.media]}


def parse_body(request: httpx.Request) -> dict[str, Any]:
    kind = request.headers.get("Content-Type", "")
    if kind.startswith("application/json"):
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    form = httpx.QueryParams(request.content.decode("utf-8", "replace"))
    out: dict[str, Any] = {k: v for k, v in form.items() if not k.endswith("[]")}
    if "media_ids[]" in form:
        out["media_ids"] = form.get_list("media_ids[]")
    return out


def multipart(request: httpx.Request) -> dict[str, tuple[str, bytes]]:
    """Form parts by name: (content type, bytes)."""
    head = f"Content-Type: {request.headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    parts: dict[str, tuple[str, bytes]] = {}
    if not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            parts[name] = (part.get_content_type(), payload if isinstance(payload, bytes) else b"")
    return parts


def fakes(ctx: SandboxContext) -> list[Fake]:
    return [FakeMastodon(clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_MASTODON__BASE_URL": base_url.rstrip('/'),
            "SYNDICATE_MASTODON__ACCESS_TOKEN": TOKEN}
