"""dev.to (or any Forem site), through the Forem API v1 with a personal API key.

Credentials: dev.to → Settings → Extensions → "DEV Community API Keys": generate one and
set SYNDICATE_DEVTO__API_KEY. Another Forem: also SYNDICATE_DEVTO__BASE_URL
(``https://<host>/api``).

What is sent: ``POST /articles`` with ``{"article": {...}}``: the post as Markdown, its
canonical URL, description (the summary), ``main_image`` (the cover's public URL: the API
has no upload), tags, and ``published`` per config. Updates ``PUT /articles/{id}`` with the
whole article again (a partial PUT has been reported to wipe tags). A Markdown body that
starts with ``---`` would be read by Forem as front matter overriding our fields, so such a
leading rule is rewritten as ``* * *``.

Tags: Forem keeps at most 4, each lower-case ASCII letters and digits, ≤30 characters,
and refuses the whole article otherwise; tags are lower-cased and stripped of other
characters (with a notice when that changes one), the rest dropped with a notice.

Identity: the canonical URL is unique across all of dev.to. After an ambiguous create,
``find`` pages through ``/articles/me/all`` (drafts included) for an article of ours with
our canonical URL. A create answered "Canonical url has already been taken" looks there
too: if the article is ours it is adopted, else the URL belongs to someone else's article.

Pacing: Forem throttles writes to one a second per key and counts article creates and
updates in 30-second windows; both are declared below as data for the engine's pacing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    TagRules,
    Unit,
)
from syndicate.errors import AuthFailed, RateLimited, Rejected, Transient
from syndicate.http import json_or_none, raise_for_status, retry_after_seconds, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings
from syndicate.tagrules import apply_tag_rules

ACCEPT = "application/vnd.forem.api-v1+json"
PER_PAGE = 1000
"""Forem's cap on ``per_page`` for ``/articles/me*``."""
TITLE_MAX = 128
LEADING_RULE = re.compile(r"\A---[ \t]*(\n|\Z)")


def forem_tags(tags: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Tags in the only form Forem accepts (lower-case ``[a-z0-9]``), and what changed."""
    out: list[str] = []
    notices: list[str] = []
    for tag in tags:
        fitted = re.sub(r"[^a-z0-9]", "", tag.lower())
        if not fitted:
            notices.append(f"tag {tag!r} dropped: dev.to tags are ASCII letters and digits only")
        elif fitted in out:
            notices.append(f"tag {tag!r} dropped: the same as {fitted!r} on dev.to")
        else:
            if fitted != tag:
                notices.append(f"tag {tag!r} sent as {fitted!r} (dev.to tags are lower-case "
                               "letters and digits)")
            out.append(fitted)
    return tuple(out), notices


class DevtoSettings(PlatformSettings):
    platform_name: ClassVar[str] = "devto"
    required_for_push: ClassVar[tuple[str, ...]] = ("api_key",)
    base_url: str = "https://dev.to/api"
    api_key: SecretStr | None = None
    published: bool = True
    username: str | None = None
    """Optional: the account's username, so the state file names the account it was made on."""
    organization_id: int | None = None


class DevtoAdapter(Adapter[DevtoSettings]):
    name = "devto"
    settings_model = DevtoSettings
    capabilities = Capabilities(
        dialect=Dialect.MARKDOWN,
        limits=(Limit("title", TITLE_MAX, Unit.CODEPOINTS),
                Limit("body_markdown", 800 * 1024, Unit.BYTES)),
        tags=TagRules(max_count=4, max_length=30, pattern=r"[a-z0-9]+"),
        can_update=True, can_find=True, max_concurrency=1,
        # Rack::Attack: one write a second per key (a little over, so clocks never clash);
        # Forem counts creates and updates in 30-second windows (9 by default): 9 a minute
        # stays under that in any 30 seconds.
        min_interval=1.1, max_per_minute=9,
    )
    about = About(
        title="dev.to",
        posted="the whole article, canonical URL, description, cover URL, tags",
        format="Markdown",
        limits="title ≤ 128 (longer cut, with a notice); body ≤ 800 KB; 4 tags of `[a-z0-9]` "
        "(others fitted or dropped, with a notice); 1 write/s, 9 a minute",
        update="yes, by id",
        after_timeout="found again by canonical URL among your articles",
    )

    def account(self) -> str:
        user = f"/@{self.settings.username}" if self.settings.username else ""
        return f"{self.base_url}{user}"

    def headers(self, redacted: bool = False) -> dict[str, str]:
        if redacted:
            key = "***"
        elif self.settings.api_key is None:
            raise AuthFailed(self.name, "no API key: set SYNDICATE_DEVTO__API_KEY")
        else:
            key = self.settings.api_key.get_secret_value()
        return {"api-key": key, "Accept": ACCEPT}

    def render(self, post: Post) -> Payload:
        fitted, notices = forem_tags(post.tags)
        tags, dropped = apply_tag_rules(fitted, self.capabilities.tags)
        body = LEADING_RULE.sub("* * *\\1", post.markdown)
        title = post.title
        if len(title) > TITLE_MAX:  # Forem refuses the whole article otherwise
            title = title[:TITLE_MAX - 1].rstrip() + "…"
            notices.append(f"title cut to dev.to's {TITLE_MAX} characters")
        data: dict[str, Any] = {
            "title": title, "body_markdown": body, "published": self.settings.published,
            "tags": tags, "canonical_url": post.canonical_url,
        }
        if post.summary:
            data["description"] = post.summary
        if post.series:
            data["series"] = post.series
        if post.cover_image and post.cover_image.lower().startswith(("http://", "https://")):
            data["main_image"] = post.cover_image
        if self.settings.organization_id is not None:
            data["organization_id"] = self.settings.organization_id
        return Payload(self.name, post.key, data, tuple(notices + dropped))

    def requests(self, payload: Payload) -> list[RequestSpec]:
        return [RequestSpec("POST", f"{self.base_url}/articles",
                            {**self.headers(redacted=True), "Content-Type": "application/json"},
                            {"article": dict(payload.data)})]

    def check_response(self, response: httpx.Response) -> Any:
        body = json_or_none(response)
        if response.status_code < 400:
            return body
        message = str(body.get("error") or "") if isinstance(body, dict) else ""
        status = response.status_code
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise RateLimited(self.name, message or response.text[:100] or "rate limited",
                              retry_after=wait)
        if status == 401:
            raise AuthFailed(self.name, f"{message or 'unauthorized'}: the API key was refused; "
                             "check SYNDICATE_DEVTO__API_KEY (dev.to → Settings → Extensions)",
                             status=401)
        if status in (404, 422) and message:
            raise Rejected(self.name, f"HTTP {status}: {message}", status=status)
        raise_for_status(self.name, response, message or None)
        return body

    def ref(self, article: Mapping[str, Any]) -> RemoteRef:
        return RemoteRef(str(article["id"]), article.get("url"), {"slug": article.get("slug")})

    async def create(self, client: httpx.AsyncClient, payload: Payload,
                     attempt: Attempt) -> RemoteRef:
        response = await send(client, self.name, "POST", f"{self.base_url}/articles",
                              headers=self.headers(), json={"article": dict(payload.data)})
        try:
            article = self.check_response(response)
        except Rejected as refused:
            if "canonical url has already been taken" not in str(refused).lower():
                raise
            mine = await self.find(client, payload)
            if mine is not None:
                return mine
            raise Rejected(self.name, f"the canonical URL {payload.data['canonical_url']} is "
                           "already on another account's dev.to article", status=422) from None
        if not isinstance(article, dict) or "id" not in article:
            raise Transient(self.name, "dev.to answered without the article")
        return self.ref(article)

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        response = await send(client, self.name, "PUT", f"{self.base_url}/articles/{ref.id}",
                              headers=self.headers(), json={"article": dict(payload.data)})
        article = self.check_response(response)
        if not isinstance(article, dict) or "id" not in article:
            raise Transient(self.name, "dev.to answered without the article")
        return self.ref(article)

    async def delete(self, client: httpx.AsyncClient, ref: RemoteRef) -> None:
        """Forem's API has no DELETE: the article is unpublished (back to a draft only
        its author sees), which is as far as an API key can take it down."""
        response = await send(client, self.name, "PUT", f"{self.base_url}/articles/{ref.id}",
                              headers=self.headers(), json={"article": {"published": False}})
        if response.status_code != 404:
            self.check_response(response)

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """Ours: an article of this account (drafts too) carrying our canonical URL."""
        canonical, page = payload.data["canonical_url"], 1
        while True:
            response = await send(client, self.name, "GET", f"{self.base_url}/articles/me/all",
                                  headers=self.headers(),
                                  params={"page": page, "per_page": PER_PAGE})
            articles = self.check_response(response)
            if not isinstance(articles, list):
                raise Transient(self.name, "/articles/me/all answered without a list")
            for article in articles:
                if isinstance(article, dict) and article.get("canonical_url") == canonical:
                    return self.ref(article)
            if len(articles) < PER_PAGE:
                return None
            page += 1

    async def check(self, client: httpx.AsyncClient) -> str:
        response = await send(client, self.name, "GET", f"{self.base_url}/users/me",
                              headers=self.headers())
        me = self.check_response(response)
        return f"API key accepted for @{me.get('username')}"
