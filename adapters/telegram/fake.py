"""Fakes of the Telegram Bot API (``/telegram``) and Telegraph (``/telegraph``), telegram.md §10.

FakeTelegram: ``/bot<token>/<method>`` (methods case-insensitive; query, JSON, form or
multipart params); Telegram's envelope with HTTP status = ``error_code``; its own
``parse_mode=HTML`` parser (``telegram_html``); lengths in code points after parsing and
trimming; chat resolution and bot membership; a per-chat token bucket (≈1/s, burst 3,
20/min in channels) answered with ``Too Many Requests: retry after N``; edits with "not
modified"; deletes within 48 h. FakeTelegraph: token check, field lengths, 64 KB content,
node whitelist, ``Title-MM-DD(-N)`` paths, ``{"ok": false, "error": CODE}`` with HTTP 200.

Known simplifications: Markdown parse modes are refused (syndicate only sends HTML);
entity nesting rules are not normalised; ``link_preview_options`` is accepted, not judged.
"""

from __future__ import annotations

import json
import math
import time as _time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx

from adapters.telegram.fake_html import ParseError, parse, trim
from syndicate.sandbox.base import Clock, SandboxContext, json_response, wall_clock

TELEGRAM_BOT_TOKEN = "123456:sandbox-telegram-bot"
"""The sandbox's throwaway bot token, chat and Telegraph token: they unlock nothing real."""
TELEGRAM_CHAT = "@syndicate_sandbox"
TELEGRAPH_TOKEN = "sandbox-telegraph-token"

PREFIX = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
DELETE_WINDOW = 48 * 3600
BURST, PER_SECOND, PER_MINUTE = 3, 1.0, 20


class Failure(Exception):
    def __init__(self, code: int, text: str = "", parameters: dict[str, Any] | None = None) -> None:
        super().__init__(text)
        self.code, self.text, self.parameters = code, text, parameters


def failure_response(
    code: int, text: str = "", parameters: dict[str, Any] | None = None
) -> httpx.Response:
    description = f"{PREFIX[code]}: {text}" if text else PREFIX[code]
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json_response(code, body)


def request_params(request: httpx.Request) -> dict[str, Any]:
    """Query string, then JSON / urlencoded / multipart body, as Telegram accepts them all."""
    params: dict[str, Any] = dict(request.url.params)
    kind = request.headers.get("content-type", "")
    try:
        body = request.content
    except httpx.RequestNotRead:  # a multipart stream built in-process: read it here
        body = request.read()
    if not body:
        return params
    if kind.startswith("application/json"):
        loaded = json.loads(body)
        if isinstance(loaded, dict):
            params.update(loaded)
    elif kind.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            params[str(name)] = "<upload>" if part.get_filename() else payload.decode("utf-8")
    else:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params


def default_chats() -> dict[str, dict[str, Any]]:
    return {
        TELEGRAM_CHAT: {
            "id": -1001234567890,
            "type": "channel",
            "title": "Syndicate sandbox",
            "member": True,
        },
        "@not_our_channel": {
            "id": -1009876543210,
            "type": "channel",
            "title": "Someone else's",
            "member": False,
        },
    }


class FakeTelegram:
    name = "telegram"

    def __init__(
        self,
        *,
        token: str = TELEGRAM_BOT_TOKEN,
        chats: dict[str, dict[str, Any]] | None = None,
        clock: Clock = wall_clock,
    ) -> None:
        self.token, self.clock = token, clock
        self.chats = chats if chats is not None else default_chats()
        self.messages: dict[str, dict[str, Any]] = {}
        self.next_id: dict[str, int] = {}
        self.buckets: dict[str, dict[str, Any]] = {}

    # --- protocol -----------------------------------------------------------------------
    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        head, _, method = path.strip("/").partition("/")
        if not head.startswith("bot") or head[3:] != self.token:
            return failure_response(401)
        handler = getattr(self, f"do_{method.lower()}", None)
        if handler is None or "/" in method:
            return failure_response(404)
        try:
            params = request_params(request)
        except (ValueError, UnicodeDecodeError):
            return failure_response(400, "can't parse request parameters")
        try:
            return json_response(200, {"ok": True, "result": handler(params)})
        except Failure as exc:
            return failure_response(exc.code, exc.text, exc.parameters)

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return failure_response(429, f"retry after {retry_after}", {"retry_after": retry_after})

    def records(self) -> list[dict[str, Any]]:
        out = []
        for key, message in self.messages.items():
            chat = message["chat"]
            handle = chat.get("username") or str(chat["id"])
            body = message.get("text") or message.get("caption") or ""
            out.append(
                {
                    "id": f"{handle}/{message['message_id']}",
                    "title": body.split("\n", 1)[0] or key,
                    "url": f"https://t.me/{handle}/{message['message_id']}",
                }
            )
        return out

    def dump(self) -> dict[str, Any]:
        return {"messages": self.messages, "next_id": self.next_id}

    def load(self, data: dict[str, Any]) -> None:
        self.messages = dict(data.get("messages", {}))
        self.next_id = dict(data.get("next_id", {}))

    # --- rules ----------------------------------------------------------------------------
    def chat(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = str(params.get("chat_id", "")).strip()
        if not raw:
            raise Failure(400, "chat_id is empty")
        for username, chat in self.chats.items():
            if raw.lower() == username.lower() or raw == str(chat["id"]):
                if not chat.get("member", True):
                    raise Failure(403, "bot is not a member of the channel chat")
                return {
                    "id": chat["id"],
                    "title": chat.get("title", username),
                    "username": username.lstrip("@"),
                    "type": chat.get("type", "channel"),
                }
        raise Failure(400, "chat not found")

    def throttle(self, chat: dict[str, Any]) -> None:
        """Token bucket per chat plus a one-minute window for groups and channels."""
        now = self.clock()
        state = self.buckets.setdefault(
            str(chat["id"]), {"tokens": float(BURST), "at": now, "sent": []}
        )
        state["tokens"] = min(BURST, state["tokens"] + (now - state["at"]) * PER_SECOND)
        state["at"] = now
        state["sent"] = [t for t in state["sent"] if now - t < 60]
        wait = 0.0
        if state["tokens"] < 1:
            wait = (1 - state["tokens"]) / PER_SECOND
        if chat["type"] != "private" and len(state["sent"]) >= PER_MINUTE:
            wait = max(wait, 60 - (now - state["sent"][0]))
        if wait > 0:
            retry = max(1, math.ceil(wait))
            raise Failure(429, f"retry after {retry}", {"retry_after": retry})
        state["tokens"] -= 1
        state["sent"].append(now)

    def formatted(
        self, params: dict[str, Any], field: str, *, caption: bool
    ) -> tuple[str, list[Any]]:
        raw = params.get(field)
        raw = "" if raw is None else str(raw)
        if not caption and not raw:
            raise Failure(400, "message text is empty")
        if len(raw.encode("utf-8")) > 32768:
            raise Failure(400, "text is too long")
        mode = str(params.get("parse_mode") or "")
        if mode.lower() == "html":
            try:
                text, entities = parse(raw)
            except ParseError as exc:
                raise Failure(400, f"can't parse entities: {exc}") from None
        elif mode == "":
            text, entities = raw, []
        elif mode.lower() in ("markdown", "markdownv2"):
            raise Failure(400, "the fake only parses HTML")
        else:
            raise Failure(400, "unsupported parse_mode")
        text, entities = trim(text, entities)
        if not caption and not text:
            raise Failure(400, "text must be non-empty")
        limit = 1024 if caption else 4096
        if len(text) > limit:
            raise Failure(400, "message caption is too long" if caption else "message is too long")
        return text, entities

    def store(self, chat: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        key = str(chat["id"])
        self.next_id[key] = self.next_id.get(key, 0) + 1
        message = {
            "message_id": self.next_id[key],
            "date": int(self.clock()),
            "chat": chat,
            **content,
        }
        self.messages[f"{key}/{message['message_id']}"] = message
        return message

    def find(self, chat: dict[str, Any], params: dict[str, Any], verb: str) -> dict[str, Any]:
        key = f"{chat['id']}/{params.get('message_id')}"
        if key not in self.messages:
            raise Failure(400, f"message to {verb} not found")
        return self.messages[key]

    # --- methods ----------------------------------------------------------------------------
    def do_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": int(self.token.split(":")[0]),
            "is_bot": True,
            "first_name": "Sandbox",
            "username": "syndicate_sandbox_bot",
        }

    def do_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.chat(params)

    def do_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat(params)
        text, entities = self.formatted(params, "text", caption=False)
        self.throttle(chat)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self.store(chat, content)

    def do_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat(params)
        photo = str(params.get("photo") or "")
        if not photo:
            raise Failure(400, "there is no photo in the request")
        caption, entities = self.formatted(params, "caption", caption=True)
        self.throttle(chat)
        content: dict[str, Any] = {
            "photo": [
                {
                    "file_id": f"photo-{len(self.messages) + 1}",
                    "file_unique_id": f"u{len(self.messages) + 1}",
                    "width": 1280,
                    "height": 720,
                }
            ]
        }
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self.store(chat, content)

    def do_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat(params)
        message = self.find(chat, params, "edit")
        if "text" not in message:
            raise Failure(400, "there is no text in the message to edit")
        text, entities = self.formatted(params, "text", caption=False)
        if text == message["text"] and entities == message.get("entities", []):
            raise Failure(400, NOT_MODIFIED)
        message["text"], message["edit_date"] = text, int(self.clock())
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        return message

    def do_editmessagecaption(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat(params)
        message = self.find(chat, params, "edit")
        if "text" in message:
            raise Failure(400, "there is no caption in the message to edit")
        caption, entities = self.formatted(params, "caption", caption=True)
        if caption == message.get("caption", "") and entities == message.get(
            "caption_entities", []
        ):
            raise Failure(400, NOT_MODIFIED)
        message["caption"], message["edit_date"] = caption, int(self.clock())
        message.pop("caption_entities", None)
        if entities:
            message["caption_entities"] = entities
        return message

    def do_deletemessage(self, params: dict[str, Any]) -> bool:
        chat = self.chat(params)
        message = self.find(chat, params, "delete")
        if self.clock() - message["date"] > DELETE_WINDOW:
            raise Failure(400, "message can't be deleted")
        del self.messages[f"{chat['id']}/{message['message_id']}"]
        return True


# ------------------------------------------------------------------------------------------
TELEGRAPH_TAGS = frozenset(
    {
        "a",
        "aside",
        "b",
        "blockquote",
        "br",
        "code",
        "em",
        "figcaption",
        "figure",
        "h3",
        "h4",
        "hr",
        "i",
        "iframe",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "u",
        "ul",
        "video",
    }
)
CONTENT_LIMIT = 64 * 1024


class TelegraphError(Exception):
    pass


def check_nodes(nodes: Any) -> None:
    if not isinstance(nodes, list) or not nodes:
        raise TelegraphError("CONTENT_REQUIRED" if nodes == [] else "CONTENT_FORMAT_INVALID")
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            continue
        if not isinstance(node, dict) or node.get("tag") not in TELEGRAPH_TAGS:
            raise TelegraphError("CONTENT_FORMAT_INVALID")
        if set(node.get("attrs") or {}) - {"href", "src"}:
            raise TelegraphError("CONTENT_FORMAT_INVALID")
        stack.extend(node.get("children") or [])


def slug(title: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in title).split()
    return "-".join(words)[:100] or "Untitled"


class FakeTelegraph:
    name = "telegraph"

    def __init__(self, *, token: str = TELEGRAPH_TOKEN, clock: Clock = wall_clock) -> None:
        self.clock = clock
        self.accounts: dict[str, dict[str, Any]] = {
            token: {"short_name": "sandbox", "author_name": "", "author_url": ""}
        }
        self.pages: dict[str, dict[str, Any]] = {}  # insertion order = creation order
        self.owners: dict[str, str] = {}

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        method, _, page = path.strip("/").partition("/")
        handler = getattr(self, f"do_{method.lower()}", None)
        if handler is None:
            return json_response(404, {"ok": False, "error": "METHOD_NOT_FOUND"})
        try:
            params = request_params(request)
            return json_response(200, {"ok": True, "result": handler(params, page)})
        except TelegraphError as exc:
            return json_response(200, {"ok": False, "error": str(exc)})
        except (ValueError, UnicodeDecodeError):
            return json_response(200, {"ok": False, "error": "CONTENT_FORMAT_INVALID"})

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return json_response(200, {"ok": False, "error": f"FLOOD_WAIT_{retry_after}"})

    def records(self) -> list[dict[str, Any]]:
        return [
            {"id": path, "title": page["title"], "url": page["url"]}
            for path, page in self.pages.items()
        ]

    def dump(self) -> dict[str, Any]:
        return {"accounts": self.accounts, "pages": self.pages, "owners": self.owners}

    def load(self, data: dict[str, Any]) -> None:
        self.accounts.update(data.get("accounts", {}))
        self.pages = dict(data.get("pages", {}))
        self.owners = dict(data.get("owners", {}))

    def account(self, params: dict[str, Any]) -> str:
        token = str(params.get("access_token") or "")
        if token not in self.accounts:
            raise TelegraphError("ACCESS_TOKEN_INVALID")
        return token

    def fields(self, params: dict[str, Any]) -> dict[str, Any]:
        title = str(params.get("title") or "")
        if not title:
            raise TelegraphError("TITLE_REQUIRED")
        if len(title) > 256:
            raise TelegraphError("TITLE_TOO_LONG")
        author_name, author_url = (
            str(params.get("author_name") or ""),
            str(params.get("author_url") or ""),
        )
        if len(author_name) > 128:
            raise TelegraphError("AUTHOR_NAME_TOO_LONG")
        if len(author_url) > 512:
            raise TelegraphError("AUTHOR_URL_TOO_LONG")
        if author_url and not author_url.startswith(("http://", "https://")):
            raise TelegraphError("AUTHOR_URL_INVALID")
        raw = params.get("content")
        if raw is None:
            raise TelegraphError("CONTENT_REQUIRED")
        serialized = raw if isinstance(raw, str) else json.dumps(raw)
        if len(serialized.encode("utf-8")) > CONTENT_LIMIT:
            raise TelegraphError("CONTENT_TOO_BIG")
        content = json.loads(serialized)
        check_nodes(content)
        return {
            "title": title,
            "author_name": author_name,
            "author_url": author_url,
            "content": content,
        }

    def view(self, page: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        wanted = str(params.get("return_content", "")).lower() in ("true", "1")
        return {k: v for k, v in page.items() if k != "content" or wanted}

    def do_createaccount(self, params: dict[str, Any], _page: str) -> dict[str, Any]:
        short_name = str(params.get("short_name") or "")
        if not short_name:
            raise TelegraphError("SHORT_NAME_REQUIRED")
        if len(short_name) > 32:
            raise TelegraphError("SHORT_NAME_TOO_LONG")
        token = f"sandbox-telegraph-{len(self.accounts) + 1}"
        self.accounts[token] = {
            "short_name": short_name,
            "author_name": str(params.get("author_name") or ""),
            "author_url": str(params.get("author_url") or ""),
        }
        return {
            **self.accounts[token],
            "access_token": token,
            "auth_url": f"https://edit.telegra.ph/auth/{token}",
        }

    def do_createpage(self, params: dict[str, Any], _page: str) -> dict[str, Any]:
        token = self.account(params)
        fields = self.fields(params)
        base = f"{slug(fields['title'])}-{_time.strftime('%m-%d', _time.gmtime(self.clock()))}"
        path, n = base, 1
        while path in self.pages:
            n += 1
            path = f"{base}-{n}"
        text = json.dumps(fields["content"], ensure_ascii=False)
        self.pages[path] = {
            "path": path,
            "url": f"https://telegra.ph/{path}",
            "title": fields["title"],
            "description": text[:100],
            "author_name": fields["author_name"],
            "author_url": fields["author_url"],
            "content": fields["content"],
            "views": 0,
            "can_edit": True,
        }
        self.owners[path] = token
        return self.view(self.pages[path], params)

    def do_editpage(self, params: dict[str, Any], path: str) -> dict[str, Any]:
        token = self.account(params)
        if path not in self.pages:
            raise TelegraphError("PAGE_NOT_FOUND")
        if self.owners.get(path) != token:
            raise TelegraphError("PAGE_ACCESS_DENIED")
        self.pages[path].update(self.fields(params))
        return self.view(self.pages[path], params)

    def do_getpage(self, params: dict[str, Any], path: str) -> dict[str, Any]:
        if path not in self.pages:
            raise TelegraphError("PAGE_NOT_FOUND")
        return self.view(self.pages[path], params)

    def do_getpagelist(self, params: dict[str, Any], _page: str) -> dict[str, Any]:
        token = self.account(params)
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 50)
        if not 0 <= limit <= 200:
            raise TelegraphError("LIMIT_INVALID")
        mine = [
            self.view(p, {})
            for path, p in reversed(self.pages.items())
            if self.owners[path] == token
        ]
        return {"total_count": len(mine), "pages": mine[offset : offset + limit]}


def fakes(ctx: SandboxContext) -> list[FakeTelegram | FakeTelegraph]:
    """The Bot API at /telegram and Telegraph beside it at /telegraph (its own service)."""
    return [FakeTelegram(clock=ctx.clock), FakeTelegraph(clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    """Telegraph's fake is mounted beside this one, at ``/telegraph`` on the same sandbox."""
    root = base_url.rstrip("/").rpartition("/")[0]
    return {"SYNDICATE_TELEGRAM__BASE_URL": base_url,
            "SYNDICATE_TELEGRAM__BOT_TOKEN": TELEGRAM_BOT_TOKEN,
            "SYNDICATE_TELEGRAM__CHAT_ID": TELEGRAM_CHAT,
            "SYNDICATE_TELEGRAM__TELEGRAPH_BASE_URL": f"{root}/{FakeTelegraph.name}",
            "SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN": TELEGRAPH_TOKEN}
