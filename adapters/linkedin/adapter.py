"""LinkedIn, through the versioned Posts API (``/rest/posts``), on a member's or a page's feed.

Credentials: an app with the products "Share on LinkedIn" (scope ``w_member_social``) and
"Sign In with LinkedIn using OpenID Connect" (``openid profile``); a member's 3-legged
OAuth access token in SYNDICATE_LINKEDIN__ACCESS_TOKEN (it lives 60 days and self-serve apps
get no refresh token: renew it by hand). For a page, set ``author`` to
``urn:li:organization:<id>`` (needs ``w_organization_social``, Community Management).

What is sent: the cover through the Images API (``initializeUpload``, then the bytes),
then ``POST /rest/posts`` with the commentary — the template's text in LinkedIn's
"little" text format, every reserved character escaped, hashtags as hashtag templates —
fitted to 3,000 UTF-16 units of the escaped text, and an article card (link, title,
summary, thumbnail: LinkedIn does not fetch the page's own card). Headers: the
``LinkedIn-Version`` (``version`` setting, YYYYMM; a retired one answers 426) and
``X-Restli-Protocol-Version: 2.0.0``. The new post's URN comes in ``x-restli-id``.

Edits: only the commentary can be patched (``PARTIAL_UPDATE``); a changed card (link,
title, summary, image) cannot, so that update is refused with the reason. There is no
idempotency key, but LinkedIn refuses an identical repeat with 422 ``DUPLICATE_POST``
naming the first post's URN: the body is built the same way on every try (same image
URN, recorded), so a retry after a timeout gets that URN back instead of a second post.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import quote

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
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings

RESERVED = "\\|{}@[]()<>#*_~"
DUPLICATE = re.compile(r"duplicate of (urn:li:[A-Za-z]+:\d+)")
CARD_CHANGED = ("LinkedIn cannot edit a share's link card (link, title, summary, image); "
                "the share keeps the card it was posted with")
AUTHOR_PLACEHOLDER = "<urn:li:person:<sub> from /v2/userinfo>"


def little(text: str) -> str:
    """Plain text as LinkedIn's little text shows it literally: each reserved character
    escaped (the backslash first, so nothing is escaped twice). Unescaped, the first one
    that forms no element silently cuts the post there."""
    return "".join(f"\\{ch}" if ch in RESERVED else ch for ch in text)


def hashtag(body: str) -> str:
    """A hashtag through the documented template, which takes any script."""
    return f"{{hashtag|#|{body.replace('_', '')}}}"


class LinkedInSettings(PlatformSettings):
    platform_name: ClassVar[str] = "linkedin"
    required_for_push: ClassVar[tuple[str, ...]] = ("access_token",)
    base_url: str = "https://api.linkedin.com"
    access_token: SecretStr | None = None
    author: str | None = None
    """``urn:li:person:…`` or ``urn:li:organization:…``; default: the token's member."""
    version: str = "202611"
    template: str = "{title}\n\n{summary}\n\n{tags}"
    visibility: Literal["PUBLIC", "CONNECTIONS"] = "PUBLIC"
    card: bool = True


class LinkedInAdapter(Adapter[LinkedInSettings]):
    name = "linkedin"
    settings_model = LinkedInSettings
    about = About(
        title="LinkedIn",
        posted="a share with the fitted commentary and an article card (link, title, image)",
        format="little text (escaped), hashtag templates",
        limits="commentary 3,000 (UTF-16 units of the escaped text)",
        update="commentary only (PARTIAL_UPDATE); a changed card is refused",
        after_timeout="the repeat is refused as DUPLICATE_POST, naming the first post",
    )
    capabilities = Capabilities(
        dialect=Dialect.TEXT,
        limits=(Limit("post.commentary", 3000, Unit.UTF16),),
        can_update=True,
        can_find=True,
        max_concurrency=1,
        daily_cap=100,  # members get about 150 shares a day; keep well clear of it
    )

    def __init__(self, settings: LinkedInSettings) -> None:
        super().__init__(settings)
        self.composer = Composer(settings.template, [Measure(3000, Unit.UTF16)],
                                 link_required=False, escape=little, tag_text=hashtag)
        self.member: str | None = None

    def account(self) -> str:
        return f"{self.base_url} {self.settings.author or 'member'}"

    def render(self, post: Post) -> Payload:
        short = announce(self.composer, post)
        body: dict[str, Any] = {
            "author": self.settings.author or AUTHOR_PLACEHOLDER, "commentary": short.text,
            "visibility": self.settings.visibility,
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
        files: dict[str, str] = {}
        data: dict[str, Any] = {"post": body}
        if self.settings.card:
            body["content"] = {"article": {"source": post.canonical_url, "title": post.title,
                                           "description": post.summary}}
            if post.cover_file:
                data["thumbnail"] = post.cover_image
                files["thumbnail"] = post.cover_file
        return Payload(self.name, post.key, data, notices=short.notices, files=files)

    def headers(self, redacted: bool = False) -> dict[str, str]:
        token = self.settings.access_token
        secret = "***" if redacted or token is None else token.get_secret_value()
        return {"Authorization": f"Bearer {secret}", "LinkedIn-Version": self.settings.version,
                "X-Restli-Protocol-Version": "2.0.0"}

    def requests(self, payload: Payload) -> list[RequestSpec]:
        specs = []
        if self.settings.author is None:
            specs.append(RequestSpec("GET", f"{self.base_url}/v2/userinfo", self.headers(True)))
        post = dict(payload.data["post"])
        if "thumbnail" in payload.data:
            specs.append(RequestSpec("POST", f"{self.base_url}/rest/images?action=initializeUpload",
                                     self.headers(True),
                                     {"initializeUploadRequest": {"owner": post["author"]}}))
            specs.append(RequestSpec("PUT", "<uploadUrl from initializeUpload>", {},
                                     f"<bytes of {payload.data['thumbnail']}>"))
            article = {**post["content"]["article"], "thumbnail": "<urn:li:image from initializeUpload>"}
            post["content"] = {"article": article}
        specs.append(RequestSpec("POST", f"{self.base_url}/rest/posts", self.headers(True), post))
        return specs

    def classify(self, response: httpx.Response) -> Any:
        body = json_or_none(response)
        if response.is_success:
            return body if body is not None else {}
        message = str(body.get("message", "")) if isinstance(body, dict) else response.text[:200]
        status = response.status_code
        if status == 429:
            raise RateLimited(self.name, f"{message} (LinkedIn's daily limits reset at 00:00 UTC)",
                              retry_after=None)
        if status in (401, 403):
            raise AuthFailed(self.name, f"{message}: check SYNDICATE_LINKEDIN__ACCESS_TOKEN (it "
                             "expires after 60 days) and its scopes", status=status)
        if status == 426:
            raise Rejected(self.name, f"{message}: set [platforms.linkedin] version to a current "
                           "YYYYMM", status=426)
        raise_for_status(self.name, response, message or None)
        raise Rejected(self.name, f"unexpected answer {status}")

    async def call(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any
                   ) -> httpx.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return await send(client, self.name, method, url, headers=headers, **kwargs)

    async def author(self, client: httpx.AsyncClient) -> str:
        if self.settings.author:
            return self.settings.author
        if self.member is None:
            info = self.classify(await self.call(client, "GET", f"{self.base_url}/v2/userinfo"))
            self.member = f"urn:li:person:{info['sub']}"
        return self.member

    async def thumbnail(self, client: httpx.AsyncClient, payload: Payload, owner: str,
                        attempt: Attempt) -> str | None:
        """The cover as an image URN, uploaded once; a retry reuses the URN so the repeat
        is byte-identical and LinkedIn's duplicate check can name the first post."""
        path = payload.files.get("thumbnail")
        if not path or not os.path.isfile(path):
            return None
        if "image" in attempt.resume:
            return str(attempt.resume["image"])
        started = self.classify(await self.call(
            client, "POST", f"{self.base_url}/rest/images", params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": owner}}))["value"]
        with open(path, "rb") as handle:
            data = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        uploaded = await send(client, self.name, "PUT", started["uploadUrl"], content=data,
                              headers={**self.headers(), "Content-Type": mime})
        self.classify(uploaded)
        attempt.record({"image": started["image"]})
        return str(started["image"])

    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
                     ) -> RemoteRef:
        owner = await self.author(client)
        post = {**payload.data["post"], "author": owner}
        image = await self.thumbnail(client, payload, owner, attempt)
        if image and "content" in post:
            post["content"] = {"article": {**post["content"]["article"], "thumbnail": image}}
        response = await self.call(client, "POST", f"{self.base_url}/rest/posts", json=post)
        if response.status_code == 422:
            found = DUPLICATE.search(response.text)
            if found:  # the same author and body went out before: that post is ours
                return self.reference(found.group(1), payload)
        self.classify(response)
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise Rejected(self.name, "LinkedIn answered without the new post's x-restli-id")
        return self.reference(urn, payload)

    def reference(self, urn: str, payload: Payload) -> RemoteRef:
        return RemoteRef(urn, f"https://www.linkedin.com/feed/update/{urn}/",
                         {"card": card_digest(payload)})

    def update_blocked(self, extra: Mapping[str, Any], payload: Payload) -> str | None:
        if extra.get("card") not in (None, card_digest(payload)):
            return CARD_CHANGED
        return None

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        if ref.extra.get("card") not in (None, card_digest(payload)):
            raise Rejected(self.name, CARD_CHANGED)
        response = await self.call(
            client, "POST", f"{self.base_url}/rest/posts/{quote(ref.id, safe='')}",
            headers={"X-RestLi-Method": "PARTIAL_UPDATE"},
            json={"patch": {"$set": {"commentary": payload.data["post"]["commentary"]}}})
        self.classify(response)
        return RemoteRef(ref.id, ref.url, dict(ref.extra))

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """A page's post whose card links to this post; a member's posts cannot be listed
        by self-serve apps (None: the create is tried again and a duplicate is refused)."""
        owner = await self.author(client)
        if not owner.startswith("urn:li:organization:"):
            return None
        listed = self.classify(await self.call(
            client, "GET", f"{self.base_url}/rest/posts",
            params={"q": "author", "author": owner, "count": 20, "sortBy": "LAST_MODIFIED"}))
        source = payload.data["post"].get("content", {}).get("article", {}).get("source")
        for element in listed.get("elements", []):
            if source and element.get("content", {}).get("article", {}).get("source") == source:
                return self.reference(str(element["id"]), payload)
        return None

    async def check(self, client: httpx.AsyncClient) -> str:
        owner = await self.author(client)
        return f"posting as {owner} with LinkedIn-Version {self.settings.version}"


def card_digest(payload: Payload) -> str:
    article = payload.data["post"].get("content", {}).get("article", {})
    blob = repr(sorted(article.items())) + str(payload.data.get("thumbnail"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
