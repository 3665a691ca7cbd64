"""Mastodon (and compatible servers), through the REST API of the account's instance.

Credentials: on the instance, Preferences → Development → New application with the scopes
``write:statuses write:media read:accounts read:statuses``; set its access token as
SYNDICATE_MASTODON__ACCESS_TOKEN and the instance as SYNDICATE_MASTODON__BASE_URL.

What is sent: the cover (a file of the site) to ``POST /api/v2/media`` with alt text, then
``POST /api/v1/statuses`` with the template's text fitted to 500 graphemes (every URL
counting 23, the content warning counting too), visibility, language and content warning.
The instance's real limits come from ``GET /api/v2/instance``, read once per run: a text
over the instance's limit is refused before sending, naming the setting to change.

Idempotency: ``Idempotency-Key`` is derived from the attempt and recorded before sending,
so a retried create returns the first status instead of posting twice (the server keeps
keys an hour). After a timeout, ``find`` lists the account's recent statuses and matches
our canonical URL in the text. Edits are ``PUT /api/v1/statuses/:id``. Rate limits: the
``X-RateLimit-*`` headers (reset as an ISO time); 429 waits until that reset.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import os
import time
from datetime import datetime
from typing import Any, ClassVar, Literal

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
from syndicate.dialects.fit import count
from syndicate.dialects.short import Composer, Measure, announce
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings

URL_COST = 23


class MastodonSettings(PlatformSettings):
    platform_name: ClassVar[str] = "mastodon"
    required_for_push: ClassVar[tuple[str, ...]] = ("base_url", "access_token")
    base_url: str = ""
    access_token: SecretStr | None = None
    template: str = "{title}\n\n{summary}\n\n{canonical_url}\n\n{tags}"
    visibility: Literal["public", "unlisted", "private", "direct"] = "public"
    spoiler_text: str = ""
    max_characters: int = 500
    """The instance's limit as syndicate fits to it (upstream: 500); checked against
    /api/v2/instance before sending."""
    cover: bool = True
    cover_alt: str = "{title}"
    """Alt text for the uploaded cover ("" for none); ``{title}`` is the post's title."""


class MastodonAdapter(Adapter[MastodonSettings]):
    name = "mastodon"
    settings_model = MastodonSettings
    about = About(
        title="Mastodon",
        posted="a status with the fitted text and link, the cover as media with alt text",
        format="plain text",
        limits="500 graphemes (instance's own limit), every URL counts 23",
        update="yes (PUT, same id)",
        after_timeout="Idempotency-Key replays the first status; else found by its link",
    )
    capabilities = Capabilities(
        dialect=Dialect.TEXT,
        limits=(Limit("status.status", 500, Unit.GRAPHEMES, url_length=URL_COST),),
        can_update=True,
        can_find=True,
        max_concurrency=2,
        max_per_minute=30,  # statuses: 300 per 3 hours per account; media 30 per 30 minutes
    )

    def __init__(self, settings: MastodonSettings) -> None:
        super().__init__(settings)
        spoiler = count(settings.spoiler_text, Unit.GRAPHEMES, url_length=URL_COST)
        self.composer = Composer(settings.template, [
            Measure(max(0, settings.max_characters - spoiler), Unit.GRAPHEMES, URL_COST)])
        self.instance: dict[str, Any] | None = None
        self.account_id: str | None = None

    def account(self) -> str:
        return self.base_url

    def render(self, post: Post) -> Payload:
        short = announce(self.composer, post)
        status: dict[str, Any] = {"status": short.text, "visibility": self.settings.visibility}
        if self.settings.spoiler_text:
            status["spoiler_text"] = self.settings.spoiler_text
        if post.language:
            status["language"] = post.language.split("-")[0].lower()
        data: dict[str, Any] = {"status": status, "canonical_url": post.canonical_url}
        files: dict[str, str] = {}
        if self.settings.cover and post.cover_file:
            data["media"] = {"file": post.cover_image,
                             "description": self.settings.cover_alt.replace("{title}", post.title)}
            files["cover"] = post.cover_file
        return Payload(self.name, post.key, data, notices=short.notices, files=files)

    def headers(self, redacted: bool = False) -> dict[str, str]:
        token = self.settings.access_token
        secret = "***" if redacted or token is None else token.get_secret_value()
        return {"Authorization": f"Bearer {secret}"}

    def requests(self, payload: Payload) -> list[RequestSpec]:
        specs = [RequestSpec("GET", f"{self.base_url}/api/v2/instance")]
        status = dict(payload.data["status"])
        if "media" in payload.data:
            specs.append(RequestSpec("POST", f"{self.base_url}/api/v2/media", self.headers(True),
                                     {"file": f"<bytes of {payload.data['media']['file']}>",
                                      "description": payload.data["media"]["description"]}))
            status["media_ids"] = ["<id from /api/v2/media>"]
        specs.append(RequestSpec("POST", f"{self.base_url}/api/v1/statuses",
                                 {**self.headers(True), "Idempotency-Key": "<from the attempt>"},
                                 status))
        return specs

    def classify(self, response: httpx.Response) -> Any:
        body = json_or_none(response)
        if response.is_success:
            return body if body is not None else {}
        message = str(body.get("error", "")) if isinstance(body, dict) else ""
        if response.status_code == 429:
            raise RateLimited(self.name, message or "too many requests",
                              retry_after=reset_in(response.headers.get("X-RateLimit-Reset")))
        if response.status_code in (401, 403):
            raise AuthFailed(self.name, f"{message}: check SYNDICATE_MASTODON__ACCESS_TOKEN (scopes "
                             "write:statuses write:media read:statuses)", status=response.status_code)
        raise_for_status(self.name, response, message or None)
        raise Rejected(self.name, f"unexpected answer {response.status_code}")

    async def call(self, client: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        response = await send(client, self.name, method, f"{self.base_url}{path}",
                              headers=headers, **kwargs)
        return self.classify(response)

    async def limits(self, client: httpx.AsyncClient) -> dict[str, Any]:
        """The instance's configuration, read once per run (one adapter per run)."""
        if self.instance is None:
            self.instance = (await self.call(client, "GET", "/api/v2/instance")).get(
                "configuration", {})
        return self.instance

    async def preflight(self, client: httpx.AsyncClient, payload: Payload) -> None:
        config = await self.limits(client)
        statuses = config.get("statuses", {})
        maximum = int(statuses.get("max_characters", 500))
        per_url = int(statuses.get("characters_reserved_per_url", URL_COST))
        status = payload.data["status"]
        used = count(status.get("spoiler_text", "") + status["status"], Unit.GRAPHEMES,
                     url_length=per_url)
        if used > maximum:
            raise Rejected(self.name, f"the status is {used} characters but this instance allows "
                           f"{maximum}: set [platforms.mastodon] max_characters = {maximum}")

    async def media(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
                    ) -> list[str]:
        path = payload.files.get("cover")
        if "media" not in payload.data or not path or not os.path.isfile(path):
            return []
        if "media_id" in attempt.resume:
            return [str(attempt.resume["media_id"])]
        rules = (await self.limits(client)).get("media_attachments", {})
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if (mime not in rules.get("supported_mime_types", [mime])
                or os.path.getsize(path) > int(rules.get("image_size_limit", 16 * 1024 * 1024))):
            return []  # the status still goes out; the instance would refuse this file
        with open(path, "rb") as handle:
            files = {"file": (os.path.basename(path), handle.read(), mime)}
        body = await self.call(client, "POST", "/api/v2/media", files=files,
                               data={"description": payload.data["media"]["description"]})
        attempt.record({"media_id": str(body["id"])})
        return [str(body["id"])]

    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
                     ) -> RemoteRef:
        await self.preflight(client, payload)
        key = str(attempt.resume.get("idempotency_key") or hashlib.sha256(
            f"syndicate:{payload.post_key}:{attempt.attempt_id}".encode()).hexdigest()[:40])
        attempt.record({"idempotency_key": key})  # a later attempt reuses it while it lives
        status = {**payload.data["status"]}
        media_ids = await self.media(client, payload, attempt)
        if media_ids:
            status["media_ids"] = media_ids
        body = await self.call(client, "POST", "/api/v1/statuses", json=status,
                               headers={"Idempotency-Key": key})
        return RemoteRef(str(body["id"]), body.get("url"), {"media_ids": media_ids})

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        await self.preflight(client, payload)
        status = {k: v for k, v in payload.data["status"].items() if k != "visibility"}
        if ref.extra.get("media_ids"):
            status["media_ids"] = list(ref.extra["media_ids"])
        body = await self.call(client, "PUT", f"/api/v1/statuses/{ref.id}", json=status)
        return RemoteRef(str(body["id"]), body.get("url"), dict(ref.extra))

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """A recent status of ours whose text links to this post (our canonical URL)."""
        if self.account_id is None:
            me = await self.call(client, "GET", "/api/v1/accounts/verify_credentials")
            self.account_id = str(me["id"])
        statuses = await self.call(client, "GET", f"/api/v1/accounts/{self.account_id}/statuses",
                                   params={"limit": 40, "exclude_reblogs": "true"})
        url = payload.data["canonical_url"]
        for status in statuses:
            if f'href="{url}"' in html.unescape(str(status.get("content", ""))):
                return RemoteRef(str(status["id"]), status.get("url"), {})
        return None

    async def check(self, client: httpx.AsyncClient) -> str:
        me = await self.call(client, "GET", "/api/v1/accounts/verify_credentials")
        limit = (await self.limits(client)).get("statuses", {}).get("max_characters", 500)
        return f"@{me.get('acct')} on {self.base_url} (statuses up to {limit} characters)"


def reset_in(value: str | None) -> float | None:
    """Seconds until an ``X-RateLimit-Reset`` ISO 8601 time (Mastodon's format)."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0.0, when.timestamp() - time.time())
