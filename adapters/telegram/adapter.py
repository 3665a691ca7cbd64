"""Telegram, through the Bot API (a channel or a chat), optionally with Telegraph pages.

Credentials: talk to @BotFather, send /newbot, and set SYNDICATE_TELEGRAM__BOT_TOKEN;
add the bot to the channel as an administrator allowed to post, and set
SYNDICATE_TELEGRAM__CHAT_ID (``@channel`` or the numeric ``-100…`` id).

Modes (``[platforms.telegram] mode``):
- ``link`` (default): bold title, summary and the link back; with a cover image it is a
  photo whose caption is fitted to 1024 characters.
- ``full``: the whole post in Telegram's HTML subset, split under 4096 characters at
  block boundaries; the link back ends the last message.
- ``telegraph``: the full article as a Telegraph page (needs
  SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN), then a message linking to it (Instant View).

Limits and quirks: lengths are code points after entity parsing; about one message a
second per chat and 20 a minute in a group or channel (the engine paces both, from
``min_interval`` and ``max_per_minute``); a bot cannot read a
channel's history, so a message whose send timed out cannot be looked up and is left
``uncertain``. Edits use editMessageText/editMessageCaption; "message is not modified"
means the message already says this. If an edited post now needs a different number of
messages, nothing is edited and the update is Rejected: a bot cannot insert messages
into a channel's history, and half-edited series would read worse than the old one.
A ``full`` post interrupted mid-way (429, crash) resumes from the message ids recorded
in the attempt's progress, so no message is sent twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import httpx
from pydantic import SecretStr, field_validator

from adapters.telegram.telegraph import PAGE_URL, telegraph_call, with_page
from syndicate.adapter import (
    About,
    Adapter,
    Attempt,
    Capabilities,
    Dialect,
    Limit,
    Payload,
    RemoteRef,
    RequestSpec,
    Unit,
)
from syndicate.dialects.telegram import escape, fit_telegram, plain, split_messages, to_telegram_html
from syndicate.dialects.telegraph import to_nodes
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings, url_safe_token

TEXT_LIMIT, CAPTION_LIMIT = 4096, 1024


def kind_of(message: Mapping[str, Any]) -> str:
    return "photo" if message["method"] == "sendPhoto" else "text"


class TelegramSettings(PlatformSettings):
    platform_name: ClassVar[str] = "telegram"
    required_for_push: ClassVar[tuple[str, ...]] = ("bot_token", "chat_id")
    base_url: str = "https://api.telegram.org"
    bot_token: SecretStr | None = None
    chat_id: str | None = None
    mode: Literal["link", "full", "telegraph"] = "link"
    telegraph_base_url: str = "https://api.telegra.ph"
    telegraph_token: SecretStr | None = None
    disable_notification: bool = False
    link_preview: bool = True

    @field_validator("bot_token", "telegraph_token")
    @classmethod
    def token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        return url_safe_token(value, "the token")

    @field_validator("chat_id")
    @classmethod
    def chat_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"@[A-Za-z0-9_]{1,64}|-?\d{1,20}", value):
            raise ValueError("a chat id is '@channelname' or a number such as -1001234567890 "
                             "(no spaces or line ends)")
        return value


class TelegramAdapter(Adapter[TelegramSettings]):
    name = "telegram"
    settings_model = TelegramSettings
    capabilities = Capabilities(
        dialect=Dialect.TELEGRAM_HTML,
        limits=(
            Limit("messages[].params.text", TEXT_LIMIT, Unit.CODEPOINTS),
            Limit("messages[].params.caption", CAPTION_LIMIT, Unit.CODEPOINTS),
        ),
        can_update=True,
        can_find=False,
        max_concurrency=1,
        min_interval=1.0,
        max_per_minute=20,
    )
    about = About(
        title="Telegram",
        posted="`link`: title, summary, link (cover photo + caption); `full`: the whole post in "
               "several messages; `telegraph`: a Telegraph page + a link",
        format="Telegram's HTML subset",
        limits="4096 per message, 1024 per caption (code points after parsing); "
               "~1 message/s per chat",
        update="yes (edit text / caption)",
        after_timeout="cannot look: `uncertain` → `syndicate resolve`",
    )

    @classmethod
    def measured(cls, payload: Payload) -> list[tuple[Limit, str]]:
        """Telegram counts a message after parsing its HTML: tags gone, entities decoded."""
        return [(limit, plain(text)) for limit, text in super().measured(payload)]

    def account(self) -> str:
        return f"{self.base_url} chat {self.settings.chat_id or ''}"

    @property
    def chat(self) -> str:
        return self.settings.chat_id or "<SYNDICATE_TELEGRAM__CHAT_ID>"

    def message(
        self, text: str, *, photo: str | None = None, preview_url: str | None = None
    ) -> dict[str, Any]:
        common = {
            "chat_id": self.chat,
            "parse_mode": "HTML",
            "disable_notification": self.settings.disable_notification,
        }
        if photo:
            return {"method": "sendPhoto", "params": {**common, "photo": photo, "caption": text}}
        options: dict[str, Any] = {"is_disabled": not self.settings.link_preview}
        if preview_url and self.settings.link_preview:
            options = {"is_disabled": False, "url": preview_url, "prefer_large_media": True}
        return {
            "method": "sendMessage",
            "params": {**common, "text": text, "link_preview_options": options},
        }

    def render(self, post: Post) -> Payload:
        head = f"<b>{escape(post.title)}</b>"
        teaser = f"{head}\n\n{escape(post.summary)}" if post.summary else head
        data: dict[str, Any] = {"mode": self.settings.mode}
        if self.settings.mode == "full":
            parts = split_messages(f"{head}\n\n{to_telegram_html(post.html)}", TEXT_LIMIT - 100)
            link = f'<a href="{escape(post.canonical_url)}">{escape(post.canonical_url)}</a>'
            parts[-1] = (
                fit_telegram(parts[-1], TEXT_LIMIT, link=post.canonical_url) if parts else link
            )
            data["messages"] = [self.message(part) for part in parts]
        elif self.settings.mode == "telegraph":
            data["page"] = {
                "title": post.title[:256],
                "author_name": (post.author or "")[:128],
                "author_url": post.canonical_url[:512],
                "content": to_nodes(post.html),
            }
            text = fit_telegram(teaser, TEXT_LIMIT, link=PAGE_URL)
            data["messages"] = [self.message(text, preview_url=PAGE_URL)]
        elif post.cover_image:
            data["messages"] = [
                self.message(
                    fit_telegram(teaser, CAPTION_LIMIT, link=post.canonical_url),
                    photo=post.cover_image,
                )
            ]
        else:
            data["messages"] = [
                self.message(
                    fit_telegram(teaser, TEXT_LIMIT, link=post.canonical_url),
                    preview_url=post.canonical_url,
                )
            ]
        return Payload(self.name, post.key, data)

    def bot_url(self, method: str, redacted: bool = False) -> str:
        token = self.settings.bot_token
        secret = "***" if redacted or token is None else token.get_secret_value()
        return f"{self.base_url}/bot{secret}/{method}"

    def requests(self, payload: Payload) -> list[RequestSpec]:
        specs = []
        if "page" in payload.data:
            specs.append(
                RequestSpec(
                    "POST",
                    f"{self.settings.telegraph_base_url}/createPage",
                    {},
                    {"access_token": "***", **payload.data["page"]},
                )
            )
        for message in payload.data["messages"]:
            specs.append(
                RequestSpec(
                    "POST",
                    self.bot_url(message["method"], redacted=True),
                    {"Content-Type": "application/json"},
                    message["params"],
                )
            )
        return specs

    def check_response(self, response: httpx.Response) -> Any:
        body = json_or_none(response)
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        description = str((body or {}).get("description") or "") if isinstance(body, dict) else ""
        retry = (
            ((body or {}).get("parameters") or {}).get("retry_after")
            if isinstance(body, dict)
            else None
        )
        status = response.status_code
        if status == 429 or retry is not None:
            raise RateLimited(
                self.name, description or "flood control", retry_after=float(retry or 1)
            )
        if status == 401:
            raise AuthFailed(
                self.name, f"{description}: check SYNDICATE_TELEGRAM__BOT_TOKEN", status=401
            )
        if status == 403:
            raise AuthFailed(
                self.name,
                f"{description}: add the bot to the channel as an administrator allowed to post",
                status=403,
            )
        if "chat not found" in description:
            raise Rejected(
                self.name, f"{description}: check SYNDICATE_TELEGRAM__CHAT_ID", status=status
            )
        if status == 400:
            raise Rejected(self.name, description, status=400)
        raise_for_status(self.name, response, description or None)
        raise Rejected(self.name, f"unexpected answer: {response.text[:200]}", status=status)

    async def call(self, client: httpx.AsyncClient, method: str, params: dict[str, Any]) -> Any:
        response = await send(client, self.name, "POST", self.bot_url(method), json=params)
        return self.check_response(response)

    async def telegraph(
        self, client: httpx.AsyncClient, method: str, params: dict[str, Any]
    ) -> Any:
        return await telegraph_call(
            client,
            self.name,
            self.settings.telegraph_base_url,
            self.settings.telegraph_token,
            method,
            params,
        )

    async def create(
        self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
    ) -> RemoteRef:
        progress = dict(attempt.resume)
        messages = payload.data["messages"]
        attempt.note({"planned": [kind_of(m) for m in messages]})
        if "page" in payload.data and "telegraph_url" not in progress:
            page = await self.telegraph(client, "createPage", dict(payload.data["page"]))
            progress.update(telegraph_path=page["path"], telegraph_url=page["url"])
            attempt.record(progress)
        ids: list[int] = list(progress.get("message_ids", []))
        kinds: list[str] = list(progress.get("kinds", []))
        for message in messages[len(ids) :]:
            params = with_page(message["params"], progress.get("telegraph_url"))
            result = await self.call(client, message["method"], params)
            ids.append(int(result["message_id"]))
            kinds.append(kind_of(message))
            progress.update(message_ids=ids, kinds=kinds)
            attempt.record(progress)  # each message on disk before the next one leaves
        return self.reference(progress)

    @classmethod
    def confirm_sent(cls, progress: Mapping[str, Any], published: str | None
                     ) -> tuple[bool, dict[str, Any]]:
        """The message that was in flight went out: keep it (its id from the t.me link or
        the number given, 0 if unknown: that message is then never edited) and say whether
        messages remain, which the next push sends."""
        kept = dict(progress)
        ids, kinds = list(kept.get("message_ids", [])), list(kept.get("kinds", []))
        planned = list(kept.get("planned", [])) or ["text"]
        tail = (published or "").rstrip("/").rsplit("/", 1)[-1]
        ids.append(int(tail) if tail.isdigit() else 0)
        kinds.append(planned[len(ids) - 1] if len(ids) <= len(planned) else "text")
        kept.update(message_ids=ids, kinds=kinds)
        return len(ids) >= len(planned), kept

    def reference(self, progress: dict[str, Any]) -> RemoteRef:
        ids = progress["message_ids"]
        chat = self.chat
        url = f"https://t.me/{chat[1:]}/{ids[0]}" if chat.startswith("@") else None
        return RemoteRef(str(ids[0]), url, progress)

    async def update(
        self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef, attempt: Attempt
    ) -> RemoteRef:
        progress = dict(ref.extra)
        ids, kinds = list(progress.get("message_ids", [])), list(progress.get("kinds", []))
        messages = payload.data["messages"]
        if len(messages) != len(ids):
            raise Rejected(
                self.name,
                f"the post now needs {len(messages)} message(s) instead of "
                f"{len(ids)}; Telegram cannot insert messages into a channel's history. "
                "Delete the old messages and run 'syndicate resolve --retry'",
            )
        if "page" in payload.data and "telegraph_path" in progress:
            await self.telegraph(
                client, f"editPage/{progress['telegraph_path']}", dict(payload.data["page"])
            )
        for message_id, kind, message in zip(ids, kinds, messages, strict=True):
            if not message_id:  # sent, by a person's word, but its id was never known
                continue
            params = with_page(message["params"], progress.get("telegraph_url"))
            edit: dict[str, Any] = {
                "chat_id": params["chat_id"],
                "message_id": message_id,
                "parse_mode": "HTML",
            }
            if kind == "photo":
                method, edit["caption"] = "editMessageCaption", params.get("caption", "")
            else:
                method, edit["text"] = "editMessageText", params.get("text", "")
                edit["link_preview_options"] = params.get("link_preview_options")
            try:
                await self.call(client, method, edit)
            except Rejected as exc:
                if "message is not modified" not in str(exc):
                    raise
        return self.reference(progress)

    async def delete(self, client: httpx.AsyncClient, ref: RemoteRef) -> None:
        """Deletes every message of the post (a bot may delete its messages in a channel it
        administers; in groups only within 48 hours, which Telegram says if so)."""
        for message_id in ref.extra.get("message_ids", [ref.id]):
            if not message_id:
                continue
            try:
                await self.call(client, "deleteMessage",
                                {"chat_id": self.chat, "message_id": int(message_id)})
            except Rejected as exc:
                if "message to delete not found" not in str(exc):
                    raise

    async def check(self, client: httpx.AsyncClient) -> str:
        me = self.check_response(await send(client, self.name, "POST", self.bot_url("getMe")))
        chat = await self.call(client, "getChat", {"chat_id": self.chat})
        return f"bot @{me.get('username')} can reach {chat.get('title') or self.chat}"
