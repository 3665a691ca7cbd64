"""A faithful fake of a Slack incoming webhook.

Enforced as Slack documents (README.md in this folder has the sources):
- JSON only; ``text`` or ``blocks`` required (400 ``missing_text_or_fallback_or_attachments``);
  errors are plain-text bodies: unknown webhook path 404 ``no_service``, an archived
  channel 410 ``channel_is_archived``, bad JSON 400 ``invalid_payload``.
- Block Kit: ≤ 50 blocks; known block types; header ``plain_text`` ≤ 150; section text
  ≤ 3,000 and ≤ 10 fields; image blocks need ``image_url`` and ``alt_text`` — else 400
  ``invalid_blocks``.
- ``text`` over 40,000 characters is truncated silently.
- Success: 200 with the plain body ``ok`` and no id; nothing can be read back, edited or
  deleted through a webhook.
- About one message a second per webhook with a short burst; 429 with ``Retry-After``.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from syndicate.sandbox.base import Clock, Fake, SandboxContext

HOOK_PATH = "/services/T0SANDBOX/B0SANDBOX/sandboxslackwebhooksecret"
BURST = 3
BLOCK_TYPES = ("header", "section", "image", "context", "divider", "actions", "rich_text")


def plain(status: int, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, text=text, headers={"Content-Type": "text/plain", **(headers or {})})


class FakeSlack:
    name = "slack"

    def __init__(self, *, clock: Clock = time.time, archived: bool = False) -> None:
        self.clock, self.archived = clock, archived
        self.messages: list[dict[str, Any]] = []
        self.tokens, self.refilled = float(BURST), clock()

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return plain(429, "rate_limited", {"Retry-After": str(max(retry_after, 1))})

    def records(self) -> list[dict[str, Any]]:
        out = []
        for number, message in enumerate(self.messages):
            header = next((b for b in message.get("blocks", []) if b.get("type") == "header"), None)
            title = header["text"]["text"] if header else str(message.get("text", "")).split("\n")[0]
            out.append({"id": str(number), "title": title, "url": None})
        return out

    def dump(self) -> dict[str, Any]:
        return {"messages": self.messages}

    def load(self, data: dict[str, Any]) -> None:
        self.messages = list(data.get("messages", []))

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        if path != HOOK_PATH:
            return plain(404, "no_service")
        if request.method != "POST":
            return plain(405, "invalid_method")
        now = self.clock()
        self.tokens = min(float(BURST), self.tokens + (now - self.refilled))
        self.refilled = now
        if self.tokens < 1:
            return plain(429, "rate_limited", {"Retry-After": "1"})
        self.tokens -= 1
        if self.archived:
            return plain(410, "channel_is_archived")
        if not request.headers.get("Content-Type", "").startswith("application/json"):
            return plain(400, "invalid_payload")
        try:
            body = json.loads(request.content)
        except ValueError:
            return plain(400, "invalid_payload")
        if not isinstance(body, dict):
            return plain(400, "invalid_payload")
        blocks = body.get("blocks")
        if not body.get("text") and not blocks and not body.get("attachments"):
            return plain(400, "missing_text_or_fallback_or_attachments")
        if blocks is not None and not valid_blocks(blocks):
            return plain(400, "invalid_blocks")
        if isinstance(body.get("text"), str):
            body["text"] = body["text"][:40000]
        self.messages.append(body)
        return plain(200, "ok")


def valid_blocks(blocks: Any) -> bool:
    if not isinstance(blocks, list) or len(blocks) > 50:
        return False
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_TYPES:
            return False
        text = block.get("text")
        if kind == "header":
            if not (isinstance(text, dict) and text.get("type") == "plain_text"
                    and 0 < len(str(text.get("text", ""))) <= 150):
                return False
        elif kind == "section":
            fields = block.get("fields") or []
            if text is None and not fields:
                return False
            if text is not None and not (isinstance(text, dict) and text.get("type") in (
                    "plain_text", "mrkdwn") and 0 < len(str(text.get("text", ""))) <= 3000):
                return False
            if len(fields) > 10:
                return False
        elif kind == "image":
            if not (block.get("image_url") or block.get("slack_file")) or not block.get("alt_text"):
                return False
            if len(str(block.get("alt_text"))) > 2000:
                return False
    return True


def fakes(ctx: SandboxContext) -> list[Fake]:
    return [FakeSlack(clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_SLACK__WEBHOOK_URL": f"{base_url.rstrip('/')}{HOOK_PATH}"}
