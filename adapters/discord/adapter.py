"""Discord, through a channel webhook (Server Settings → Integrations → Webhooks → Copy URL).

Credentials: the webhook URL carries its token, so the whole URL is the secret:
SYNDICATE_DISCORD__WEBHOOK_URL.

What is sent: ``POST <webhook>?wait=true`` with one rich embed (title linking to the post,
the template's text as description, the cover as image, the post's date), mentions
disabled (``allowed_mentions.parse = []``). With ``wait=true`` Discord answers with the
message, so its id is kept and a changed post is edited in place with
``PATCH <webhook>/messages/<id>``. Limits are code points: title 256, description 4,096,
content 2,000, 6,000 over the embed's text fields together.

There is no idempotency key and a webhook cannot list messages, so a create that timed
out cannot be looked up: it is left ``uncertain`` for ``syndicate resolve``. Rate limits
are per webhook (about 5 requests in 2 s); a 429 carries ``Retry-After``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr

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
from syndicate.dialects.short import Composer, Measure, announce
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.http import json_or_none, raise_for_status, retry_after_seconds, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings

WEBHOOK = re.compile(r"^(?P<base>https?://[^?#]+/webhooks/(?P<id>\d+))/(?P<token>[^/?#]+)/?$")


class DiscordSettings(PlatformSettings):
    platform_name: ClassVar[str] = "discord"
    required_for_push: ClassVar[tuple[str, ...]] = ("webhook_url",)
    webhook_url: SecretStr | None = None
    template: str = "{summary}\n\n{tags}"
    """The embed's description; the title and the link are the embed's own."""
    content: str = ""
    """Text above the embed (e.g. "New post!"); no mentions are ever pinged."""
    username: str | None = None


class DiscordAdapter(Adapter[DiscordSettings]):
    name = "discord"
    settings_model = DiscordSettings
    about = About(
        title="Discord",
        posted="a webhook message with one embed: title, summary, link, image",
        format="embed (Discord markdown)",
        limits="title 256, description 4,096, 6,000 per message (code points)",
        update="yes (PATCH the message by id)",
        after_timeout="no lookup possible: left uncertain",
    )
    capabilities = Capabilities(
        dialect=Dialect.TEXT,
        limits=(Limit("message.embeds[].title", 256, Unit.CODEPOINTS),
                Limit("message.embeds[].description", 4096, Unit.CODEPOINTS),
                Limit("message.content", 2000, Unit.CODEPOINTS)),
        can_update=True,
        can_find=False,
        max_concurrency=1,
        min_interval=0.5,
        max_per_minute=30,  # about 30 messages a minute per channel
    )

    def __init__(self, settings: DiscordSettings) -> None:
        super().__init__(settings)
        self.composer = Composer(settings.template, [Measure(4096, Unit.CODEPOINTS)],
                                 link_required=False)
        self.guild: str | None = None

    @property
    def base_url(self) -> str:
        """The webhook URL without its token (safe to show and to bind state to)."""
        match = WEBHOOK.match(self.webhook())
        return match.group("base") if match else "https://discord.com/api/webhooks"

    def account(self) -> str:
        return self.base_url

    def webhook(self) -> str:
        secret = self.settings.webhook_url
        return secret.get_secret_value().rstrip("/") if secret else ""

    def render(self, post: Post) -> Payload:
        short = announce(self.composer, post)
        embed: dict[str, Any] = {"type": "rich", "title": fit_codepoints(post.title, 256),
                                 "url": post.canonical_url, "timestamp": post.date.isoformat()}
        if short.text:
            embed["description"] = short.text
        if post.cover_image:
            embed["image"] = {"url": post.cover_image}
        message: dict[str, Any] = {"content": self.settings.content[:2000], "embeds": [embed],
                                   "allowed_mentions": {"parse": []}}
        if self.settings.username:
            message["username"] = self.settings.username
        return Payload(self.name, post.key, {"message": message}, notices=short.notices)

    def requests(self, payload: Payload) -> list[RequestSpec]:
        return [RequestSpec("POST", f"{self.base_url}/***?wait=true",
                            {"Content-Type": "application/json"}, payload.data["message"])]

    def classify(self, response: httpx.Response) -> Any:
        body = json_or_none(response)
        if response.is_success:
            return body if body is not None else {}
        message = str(body.get("message", "")) if isinstance(body, dict) else ""
        if isinstance(body, dict) and body.get("errors"):
            message = f"{message}: {body['errors']}"
        if response.status_code == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is None and isinstance(body, dict):
                wait = float(body.get("retry_after") or 1)
            raise RateLimited(self.name, message or "rate limited", retry_after=wait)
        if response.status_code in (401, 403) or (response.status_code == 404 and
                                                  isinstance(body, dict) and body.get("code") == 10015):
            raise AuthFailed(self.name, f"{message}: check SYNDICATE_DISCORD__WEBHOOK_URL (the "
                             "webhook may have been deleted)", status=response.status_code)
        raise_for_status(self.name, response, message or None)
        raise Rejected(self.name, f"unexpected answer {response.status_code}")

    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
                     ) -> RemoteRef:
        guild = await self.guild_id(client)  # before sending: a failure here sends nothing
        response = await send(client, self.name, "POST", self.webhook(),
                              params={"wait": "true"}, json=payload.data["message"])
        body = self.classify(response)
        channel = body.get("channel_id")
        url = f"https://discord.com/channels/{guild}/{channel}/{body['id']}" if guild and channel else None
        return RemoteRef(str(body["id"]), url, {"channel_id": channel})

    async def guild_id(self, client: httpx.AsyncClient) -> str:
        """The server (guild) id a message's address needs; only the webhook object tells
        it, so it is read once per run."""
        if self.guild is None:
            found = self.classify(await send(client, self.name, "GET", self.webhook()))
            self.guild = str(found.get("guild_id") or "") if isinstance(found, dict) else ""
        return self.guild

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        message = {k: v for k, v in payload.data["message"].items() if k != "username"}
        response = await send(client, self.name, "PATCH", f"{self.webhook()}/messages/{ref.id}",
                              json=message)
        body = self.classify(response)
        return RemoteRef(str(body["id"]), ref.url, dict(ref.extra))

    async def check(self, client: httpx.AsyncClient) -> str:
        body = self.classify(await send(client, self.name, "GET", self.webhook()))
        return f"webhook '{body.get('name')}' posts to channel {body.get('channel_id')}"


def fit_codepoints(text: str, limit: int) -> str:
    """``text`` within ``limit`` code points, cut at a grapheme boundary with an ellipsis."""
    from syndicate.dialects.fit import fit_text

    return fit_text(text, limit, Unit.CODEPOINTS)
