"""Slack, through an incoming webhook (a Slack app → Incoming Webhooks → Add New Webhook).

Credentials: the webhook URL is the secret: SYNDICATE_SLACK__WEBHOOK_URL
(``https://hooks.slack.com/services/T…/B…/…``); the channel is fixed when it is made.

What is sent: ``POST <webhook>`` with Block Kit blocks — a header with the title, a
section with the template's text in mrkdwn (``&``, ``<``, ``>`` escaped) and a link to the
post, the cover as an image block — and ``text`` as the notification fallback.

An incoming webhook answers ``ok`` and nothing else: no message id, so a sent message can
never be edited or deleted through it. A changed post is therefore ``blocked`` (say so,
plainly), and a create that timed out cannot be looked up (``uncertain``). Limits: header
150 characters, section text 3,000, 50 blocks; about one message a second per webhook.
"""

from __future__ import annotations

import hashlib
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
from syndicate.dialects.fit import fit_text
from syndicate.dialects.short import Composer, Measure, announce
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.http import raise_for_status, retry_after_seconds, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings

CANNOT_EDIT = ("Slack incoming webhooks cannot edit a message: they return no message id. "
               "The old announcement stays as it was")


def mrkdwn(text: str) -> str:
    """Plain text as Slack mrkdwn shows it literally (its three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackSettings(PlatformSettings):
    platform_name: ClassVar[str] = "slack"
    required_for_push: ClassVar[tuple[str, ...]] = ("webhook_url",)
    webhook_url: SecretStr | None = None
    template: str = "{summary}\n\n{tags}"
    """The section's text; the title is the header and the link follows the text."""


class SlackAdapter(Adapter[SlackSettings]):
    name = "slack"
    settings_model = SlackSettings
    about = About(
        title="Slack",
        posted="a webhook message: header, summary with link, cover image",
        format="Block Kit (mrkdwn)",
        limits="header 150, section 3,000 characters",
        update="no: incoming webhooks cannot edit (blocked)",
        after_timeout="no lookup possible: left uncertain",
    )
    capabilities = Capabilities(
        dialect=Dialect.TEXT,
        limits=(Limit("message.blocks[].text.text", 3000, Unit.CODEPOINTS),),
        can_update=False,
        can_find=False,
        max_concurrency=1,
        min_interval=1.0,
        cannot_update_reason=CANNOT_EDIT,
    )

    def __init__(self, settings: SlackSettings) -> None:
        super().__init__(settings)
        self.composer = Composer(settings.template, [Measure(2900, Unit.CODEPOINTS)],
                                 link_required=False, escape=mrkdwn)

    @property
    def base_url(self) -> str:
        """The webhook's host and team/app ids, without its secret last part."""
        url = self.webhook()
        return url.rsplit("/", 1)[0] if url.count("/") > 3 else "https://hooks.slack.com"

    def account(self) -> str:
        return self.base_url

    def webhook(self) -> str:
        secret = self.settings.webhook_url
        return secret.get_secret_value() if secret else ""

    def render(self, post: Post) -> Payload:
        short = announce(self.composer, post)
        link = f"<{mrkdwn(post.canonical_url)}|Read the post>"
        section = f"{short.text}\n\n{link}" if short.text else link
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                        "text": fit_text(post.title, 150, Unit.CODEPOINTS)}},
            {"type": "section", "text": {"type": "mrkdwn", "text": section}},
        ]
        if post.cover_image:
            blocks.append({"type": "image", "image_url": post.cover_image,
                           "alt_text": fit_text(post.title, 2000, Unit.CODEPOINTS)})
        message = {"text": f"{post.title} {post.canonical_url}", "blocks": blocks,
                   "unfurl_links": False}
        return Payload(self.name, post.key, {"message": message}, notices=short.notices)

    def requests(self, payload: Payload) -> list[RequestSpec]:
        return [RequestSpec("POST", f"{self.base_url}/***", {"Content-Type": "application/json"},
                            payload.data["message"])]

    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
                     ) -> RemoteRef:
        response = await send(client, self.name, "POST", self.webhook(), json=payload.data["message"])
        body = response.text.strip()
        if response.status_code == 200 and body == "ok":
            # No id comes back; this names what was sent, so the state file can tell
            # announcements apart. It is not a Slack id and nothing can be done with it.
            sent = hashlib.sha256(f"{payload.post_key}:{payload.digest}".encode()).hexdigest()[:16]
            return RemoteRef(f"sent:{sent}", None, {"editable": False})
        if response.status_code == 429:
            raise RateLimited(self.name, body or "rate limited",
                              retry_after=retry_after_seconds(response.headers.get("Retry-After")))
        if body in ("invalid_token", "no_service", "action_prohibited") or response.status_code in (
                401, 403):
            raise AuthFailed(self.name, f"{body}: check SYNDICATE_SLACK__WEBHOOK_URL (the webhook may "
                             "have been removed)", status=response.status_code)
        raise_for_status(self.name, response, body or None)
        raise Rejected(self.name, f"unexpected answer {response.status_code}: {body[:100]}",
                       status=response.status_code)

    async def check(self, client: httpx.AsyncClient) -> str:
        if not self.webhook().startswith(("https://", "http://")):
            raise AuthFailed(self.name, "SYNDICATE_SLACK__WEBHOOK_URL is not a URL")
        return f"webhook {self.base_url}/… (Slack offers no way to check it without posting)"
