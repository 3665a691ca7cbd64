"""Medium, through its legacy REST API v1 (https://api.medium.com/v1).

Credentials: an integration token you already have (Settings → Security and apps →
Integration tokens). Medium stopped issuing new tokens and accepting new integrations
around January 2025; existing tokens keep working, some now answer "Application not
found". There is no sandbox: every call is production.

What is sent: ``GET /me`` for the author id, then ``POST /users/{id}/posts`` (or
``/publications/{id}/posts``) with the article as Markdown or HTML, its canonical URL,
tags and an explicit ``publishStatus`` (Medium's default is public).

Limits and quirks: only the first 3 tags are kept and tags over 25 characters are
dropped, silently; titles over 100 characters are ignored; the title field is not shown
in the article, so the body starts with it. There is no update, delete, read or search:
a changed post is ``blocked``, and a create that timed out cannot be looked up (the
engine leaves it ``uncertain``). About 10 posts per 24 hours (429, code 1007, no
Retry-After: the adapter assumes the window resets in a day unless told otherwise).

Errors arrive as ``{"errors": [{"message", "code"}]}``: 401 → AuthFailed (no new token
can be had, so say so), 429 → RateLimited, 5xx → Transient, 400/403 → Rejected; some
cloud networks get a Cloudflare HTML 403 instead of JSON, reported as such. The adapter
never sleeps or retries: the engine does. Sources: Medium/medium-api-docs README,
medium-api-docs issues #91, #105; help.medium.com "API Importing".
"""

from __future__ import annotations

import html
from typing import Any, ClassVar, Literal

import httpx
from pydantic import SecretStr, field_validator

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
from syndicate.errors import Ambiguous, AuthFailed, RateLimited, Rejected, Transient
from syndicate.http import json_or_none, raise_for_status, retry_after_seconds, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings, url_safe_token
from syndicate.tagrules import apply_tag_rules

AUTHOR_PLACEHOLDER = "<author id from GET /me>"
DAY = 86400.0
"""Medium's window resets 24 h after the first post and it says no more: assume a day."""


class MediumSettings(PlatformSettings):
    platform_name: ClassVar[str] = "medium"
    required_for_push: ClassVar[tuple[str, ...]] = ("token",)
    base_url: str = "https://api.medium.com/v1"
    token: SecretStr | None = None
    publication_id: str | None = None
    publish_status: Literal["public", "draft", "unlisted"] = "public"
    content_format: Literal["markdown", "html"] = "markdown"
    license: str = "all-rights-reserved"
    notify_followers: bool = False

    @field_validator("token")
    @classmethod
    def token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        return url_safe_token(value, "the token")


class MediumAdapter(Adapter[MediumSettings]):
    name = "medium"
    settings_model = MediumSettings
    capabilities = Capabilities(
        dialect=Dialect.MARKDOWN,
        limits=(Limit("title", 100, Unit.CODEPOINTS),),
        tags=TagRules(max_count=3, max_length=25),
        can_update=False, can_find=False, max_concurrency=1, daily_cap=10,
        cannot_update_reason="Medium cannot update a post (its API has no edit)",
    )
    about = About(
        title="Medium",
        posted="the whole article, title on top, canonical URL, first 3 tags",
        format="Markdown (or HTML)",
        limits="3 tags of ≤ 25 chars; title ≤ 100; ~10 posts / 24 h",
        update="**no** (create only: a changed post is `blocked`)",
        after_timeout="cannot look: `uncertain` → `syndicate resolve`",
    )

    def __init__(self, settings: MediumSettings) -> None:
        super().__init__(settings)
        self.author_id: str | None = None

    def account(self) -> str:
        """The token's user is known only from ``GET /me``; a publication names itself."""
        publication = self.settings.publication_id
        return f"{self.base_url} publication {publication}" if publication else self.base_url

    def render(self, post: Post) -> Payload:
        tags, notices = apply_tag_rules(post.tags, self.capabilities.tags)
        if len(post.title) > 100:
            notices.append("title longer than 100 characters: Medium will ignore it")
        if self.settings.content_format == "markdown":
            content = f"# {post.title}\n\n{post.markdown}"
        else:
            content = f"<h1>{html.escape(post.title)}</h1>\n{post.html}"
        data: dict[str, Any] = {
            "title": post.title, "contentFormat": self.settings.content_format,
            "content": content, "tags": tags,
            "publishStatus": self.settings.publish_status, "license": self.settings.license,
            "notifyFollowers": self.settings.notify_followers,
        }
        if post.canonical_url:
            data["canonicalUrl"] = post.canonical_url
        return Payload(self.name, post.key, data, tuple(notices))

    def headers(self, redacted: bool = False) -> dict[str, str]:
        if redacted:
            token = "***"
        elif self.settings.token is None:
            raise AuthFailed(self.name, "no token: set SYNDICATE_MEDIUM__TOKEN to an existing "
                             "integration token (Medium issues no new ones)")
        else:
            token = self.settings.token.get_secret_value()
        return {"Authorization": f"Bearer {token}", "Accept": "application/json",
                "Accept-Charset": "utf-8"}

    def posts_path(self, author_id: str) -> str:
        if self.settings.publication_id:
            return f"/publications/{self.settings.publication_id}/posts"
        return f"/users/{author_id}/posts"

    def requests(self, payload: Payload) -> list[RequestSpec]:
        headers = self.headers(redacted=True)
        return [RequestSpec("GET", f"{self.base_url}/me", headers),
                RequestSpec("POST", f"{self.base_url}{self.posts_path(AUTHOR_PLACEHOLDER)}",
                            {**headers, "Content-Type": "application/json"}, dict(payload.data))]

    def check_response(self, response: httpx.Response) -> Any:
        body = json_or_none(response)
        errors = body.get("errors") if isinstance(body, dict) else None
        first = errors[0] if isinstance(errors, list) and errors else None
        error: dict[str, Any] = first if isinstance(first, dict) else {}
        message = str(error.get("message") or "")
        code = error.get("code")
        if response.status_code == 401:
            raise AuthFailed(self.name, f"token refused ({message or 'HTTP 401'}, code {code}); "
                             "check SYNDICATE_MEDIUM__TOKEN — Medium issues no new tokens, so a "
                             "revoked one cannot be replaced")
        if response.status_code == 429 or code == 1007:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise RateLimited(self.name, message or "daily publishing limit reached",
                              retry_after=DAY if wait is None else wait)
        if response.status_code in (400, 403) and body is not None:
            raise Rejected(self.name, f"HTTP {response.status_code}: {message} (code {code})",
                           status=response.status_code)
        if response.status_code == 403:
            raise Rejected(self.name, "HTTP 403 with a web page instead of Medium's JSON: a "
                           "firewall (often Cloudflare) blocks this network; try from another "
                           "machine or network", status=403)
        raise_for_status(self.name, response, message or None)
        return body

    async def me(self, client: httpx.AsyncClient) -> str:
        if self.author_id is None:
            body = self.check_response(await send(client, self.name, "GET", f"{self.base_url}/me",
                                                  headers=self.headers()))
            user = body.get("data") if isinstance(body, dict) else None
            if not isinstance(user, dict) or not user.get("id"):
                raise Transient(self.name, "GET /me answered without a user id")
            self.author_id = str(user["id"])
        return self.author_id

    async def create(self, client: httpx.AsyncClient, payload: Payload,
                     attempt: Attempt) -> RemoteRef:
        author = await self.me(client)
        url = f"{self.base_url}{self.posts_path(author)}"
        response = await send(client, self.name, "POST", url, headers=self.headers(),
                              json=dict(payload.data))
        body = self.check_response(response)
        post = body.get("data") if isinstance(body, dict) else None
        if not isinstance(post, dict) or "id" not in post:
            raise Ambiguous(self.name, f"HTTP {response.status_code} without a post in the answer; "
                            "the post may exist: check your Medium profile")
        return RemoteRef(str(post["id"]), post.get("url"))

    async def check(self, client: httpx.AsyncClient) -> str:
        body = self.check_response(await send(client, self.name, "GET", f"{self.base_url}/me",
                                              headers=self.headers()))
        return f"token accepted for @{body['data'].get('username')}"
