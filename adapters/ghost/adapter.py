"""Ghost (self-hosted or Ghost(Pro)), through the Admin API with an Admin API key.

Credentials: Ghost Admin → Settings → Integrations → add a custom integration; copy its
"Admin API key" (``<id>:<secret>``) and "API URL". Set SYNDICATE_GHOST__BASE_URL (the API
URL, the site root without ``/ghost``) and SYNDICATE_GHOST__ADMIN_API_KEY.

Every request carries a fresh JWT (PyJWT, HS256 over the hex-decoded secret, ``kid`` = key
id, ``aud`` = ``/admin/``, five minutes). Posts are created from our canonical HTML with
``?source=html`` — without it Ghost silently saves an empty body. By default the body goes
in as one HTML card (``<!--kg-card-begin: html-->``), so Ghost stores it verbatim instead of
converting it to its editor format, which drops markup it does not know.

Identity: each post gets a deterministic ASCII slug from its canonical URL and carries the
canonical URL itself; ``find`` adopts a remote post only when both match (Ghost renames a
colliding slug to ``<slug>-2`` rather than failing, so a slug alone proves nothing). Updates
re-read the post for its ``updated_at`` first; a 409 (someone saved in between) is
Transient, so the engine's retry re-reads and tries again.

Cover: a file of the site is uploaded through ``/images/upload/`` (recorded before the post
is sent, so a retry never uploads twice) unless ``upload_cover`` is off; a cover that is
only a URL is sent as it is.
"""

from __future__ import annotations

import mimetypes
import re
import time
from collections.abc import Mapping
from datetime import UTC
from pathlib import Path
from typing import Any, ClassVar, Literal

import httpx
import jwt
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
from syndicate.dialects.html import to_full_html
from syndicate.errors import Ambiguous, AuthFailed, RateLimited, Rejected, Transient
from syndicate.http import json_or_none, raise_for_status, retry_after_seconds, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings
from syndicate.slugs import ascii_slug
from syndicate.tagrules import apply_tag_rules

TOKEN_SECONDS = 300
EXCERPT_MAX = 300
TITLE_MAX = 255
UPLOAD_PLACEHOLDER = "<url Ghost gives the uploaded cover>"
UPDATED_AT_PLACEHOLDER = "<updated_at read just before>"


class GhostSettings(PlatformSettings):
    platform_name: ClassVar[str] = "ghost"
    required_for_push: ClassVar[tuple[str, ...]] = ("base_url", "admin_api_key")
    base_url: str = ""
    admin_api_key: SecretStr | None = None
    status: Literal["published", "draft"] = "published"
    html_card: bool = True
    upload_cover: bool = True
    accept_version: str = "v5.0"


class GhostAdapter(Adapter[GhostSettings]):
    name = "ghost"
    settings_model = GhostSettings
    capabilities = Capabilities(
        dialect=Dialect.HTML,
        limits=(Limit("title", TITLE_MAX, Unit.CODEPOINTS),),
        tags=TagRules(max_length=191),
        can_update=True, can_find=True, max_concurrency=2,
    )
    about = About(
        title="Ghost",
        posted="the whole article as one HTML card, excerpt, tags, canonical URL, original "
        "date, feature image (uploaded when it is a file of the site)",
        format="HTML (`?source=html`)",
        limits="title ≤ 255 and excerpt ≤ 300 (longer ones cut, with a notice)",
        update="yes, by id (re-reads `updated_at`; a 409 is retried)",
        after_timeout="found again by slug **and** canonical URL",
    )

    def account(self) -> str:
        return self.base_url

    def api(self, route: str) -> str:
        base = self.base_url or "https://<your Ghost site>"
        return f"{base}/ghost/api/admin/{route}"

    def token(self) -> str:
        if self.settings.admin_api_key is None:
            raise AuthFailed(self.name, "no Admin API key: set SYNDICATE_GHOST__ADMIN_API_KEY")
        key_id, _, secret = self.settings.admin_api_key.get_secret_value().partition(":")
        try:
            raw = bytes.fromhex(secret)
        except ValueError:
            raw = b""
        if not key_id or not raw:
            raise AuthFailed(self.name, "SYNDICATE_GHOST__ADMIN_API_KEY is not '<id>:<hex "
                             "secret>': copy the Admin API key of a custom integration")
        now = int(time.time())
        return jwt.encode({"iat": now, "exp": now + TOKEN_SECONDS, "aud": "/admin/"}, raw,
                          algorithm="HS256", headers={"kid": key_id})

    def headers(self, redacted: bool = False) -> dict[str, str]:
        token = "<JWT signed with the Admin API key>" if redacted else self.token()
        return {"Authorization": f"Ghost {token}", "Accept-Version": self.settings.accept_version}

    def render(self, post: Post) -> Payload:
        tags, notices = apply_tag_rules(post.tags, self.capabilities.tags)
        body = to_full_html(post.html)
        if self.settings.html_card:
            body = f"<!--kg-card-begin: html-->\n{body}<!--kg-card-end: html-->\n"
        title = post.title
        if len(title) > TITLE_MAX:  # Ghost refuses the post otherwise
            title = title[:TITLE_MAX - 1].rstrip() + "…"
            notices.append(f"title cut to Ghost's {TITLE_MAX} characters")
        data: dict[str, Any] = {
            "title": title, "slug": ascii_slug(post.canonical_url, post.key), "html": body,
            "canonical_url": post.canonical_url, "tags": [{"name": t} for t in tags],
            "status": self.settings.status,
            "published_at": post.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        if post.summary:
            excerpt = post.summary
            if len(excerpt) > EXCERPT_MAX:
                excerpt = excerpt[:EXCERPT_MAX - 1].rstrip() + "…"
                notices.append(f"summary cut to Ghost's {EXCERPT_MAX}-character excerpt")
            data["custom_excerpt"] = excerpt
        files: dict[str, str] = {}
        if post.cover_image:
            data["feature_image"] = post.cover_image
            if post.cover_file and self.settings.upload_cover:
                files["cover"] = post.cover_file
        return Payload(self.name, post.key, data, tuple(notices), files)

    def post_body(self, payload: Payload, image: str | None, **more: Any) -> dict[str, Any]:
        body = dict(payload.data)
        if image is not None:
            body["feature_image"] = image
        return {"posts": [{**body, **more}]}

    def requests(self, payload: Payload) -> list[RequestSpec]:
        headers = self.headers(redacted=True)
        specs = []
        image = None
        if payload.files.get("cover"):
            specs.append(RequestSpec("POST", self.api("images/upload/"), headers,
                                     f"<multipart: the site's image {payload.data['feature_image']}>"))
            image = UPLOAD_PLACEHOLDER
        specs.append(RequestSpec("POST", self.api("posts/?source=html"),
                                 {**headers, "Content-Type": "application/json"},
                                 self.post_body(payload, image)))
        return specs

    def check_response(self, response: httpx.Response, action: str) -> Any:
        body = json_or_none(response)
        if response.status_code < 400:
            return body
        errors = body.get("errors") if isinstance(body, dict) else None
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        kind, code = str(first.get("type") or ""), str(first.get("code") or "")
        said = " ".join(str(first.get(k)) for k in ("message", "context") if first.get(k))
        detail = f"{kind or 'HTTP ' + str(response.status_code)}: {said}" if first else None
        status = response.status_code
        if status == 401 or code in ("INVALID_JWT", "UNKNOWN_ADMIN_API_KEY", "INVALID_API_KEY_TYPE"):
            raise AuthFailed(self.name, f"{detail or 'HTTP 401'} ({code or 'no code'}); check "
                             "SYNDICATE_GHOST__ADMIN_API_KEY (a custom integration's Admin API "
                             "key) and the machine's clock", status=status)
        if status == 403 and first:
            raise AuthFailed(self.name, f"{detail}: the integration may not {action}", status=403)
        if status == 409:
            raise Transient(self.name, f"{detail}: the post changed while we updated it; "
                            "re-reading it", status=409)
        if status == 429:
            raise RateLimited(self.name, detail or "rate limited",
                              retry_after=retry_after_seconds(response.headers.get("Retry-After")))
        if 400 <= status < 500 and first:
            raise Rejected(self.name, f"cannot {action}: {detail}", status=status)
        raise_for_status(self.name, response, detail)
        return body

    async def upload(self, client: httpx.AsyncClient, path: str) -> str:
        name = Path(path).name
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise Rejected(self.name, f"cannot read the cover image {path}: {exc.strerror}") from None
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        try:
            response = await send(client, self.name, "POST", self.api("images/upload/"),
                                  headers=self.headers(), files={"file": (name, content, kind)},
                                  data={"purpose": "image"})
        except Ambiguous as exc:  # no post refers to it yet: an orphan image is harmless
            raise Transient(self.name, str(exc)) from None
        images = self.check_response(response, "upload the cover")
        try:
            return str(images["images"][0]["url"])
        except (KeyError, IndexError, TypeError):
            raise Transient(self.name, "image upload answered without a URL") from None

    async def cover(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt,
                    known: Mapping[str, Any]) -> str | None:
        """The uploaded cover's URL: one uploaded earlier for the same cover, else a new one."""
        path, cover = payload.files.get("cover"), payload.data.get("feature_image")
        if not path:
            return None
        for earlier in (attempt.resume, known):
            if earlier.get("image_url") and earlier.get("cover") == cover:
                return str(earlier["image_url"])
        url = await self.upload(client, path)
        attempt.record({"image_url": url, "cover": cover})
        return url

    def ref(self, post: Mapping[str, Any], image: str | None, cover: Any) -> RemoteRef:
        extra: dict[str, Any] = {"slug": post.get("slug"), "updated_at": post.get("updated_at")}
        if image is not None:
            extra.update(image_url=image, cover=cover)
        return RemoteRef(str(post["id"]), post.get("url"), extra)

    def single(self, body: Any) -> Mapping[str, Any]:
        posts = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(posts, list) or not posts or "id" not in posts[0]:
            raise Transient(self.name, "Ghost answered without the post")
        return dict(posts[0])

    async def create(self, client: httpx.AsyncClient, payload: Payload,
                     attempt: Attempt) -> RemoteRef:
        image = await self.cover(client, payload, attempt, {})
        response = await send(client, self.name, "POST", self.api("posts/"),
                              params={"source": "html"}, headers=self.headers(),
                              json=self.post_body(payload, image))
        post = self.single(self.check_response(response, "create posts"))
        return self.ref(post, image, payload.data.get("feature_image"))

    async def read(self, client: httpx.AsyncClient, post_id: str) -> Mapping[str, Any]:
        response = await send(client, self.name, "GET", self.api(f"posts/{post_id}/"),
                              headers=self.headers())
        if response.status_code == 404:
            raise Rejected(self.name, f"post {post_id} is gone from Ghost (deleted there?); "
                           "forget it with `syndicate resolve` to publish it again", status=404)
        return self.single(self.check_response(response, "read posts"))

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        image = await self.cover(client, payload, attempt, ref.extra)
        current = await self.read(client, ref.id)
        response = await send(client, self.name, "PUT", self.api(f"posts/{ref.id}/"),
                              params={"source": "html"}, headers=self.headers(),
                              json=self.post_body(payload, image,
                                                  updated_at=current.get("updated_at")))
        post = self.single(self.check_response(response, "edit posts"))
        return self.ref(post, image, payload.data.get("feature_image"))

    async def delete(self, client: httpx.AsyncClient, ref: RemoteRef) -> None:
        """Ghost deletes for good (no trash); a post already gone is what we wanted."""
        response = await send(client, self.name, "DELETE", self.api(f"posts/{ref.id}/"),
                              headers=self.headers())
        if response.status_code != 404:
            self.check_response(response, "delete posts")

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """Our post: the deterministic slug (or Ghost's ``-2``… renaming of it) AND our
        canonical URL; a post with our slug but another canonical URL is someone else's."""
        slug, canonical = payload.data["slug"], payload.data["canonical_url"]
        page = 1
        while True:
            response = await send(client, self.name, "GET", self.api("posts/"),
                                  headers=self.headers(),
                                  params={"filter": f"slug:~^'{slug}'", "limit": 100,
                                          "page": page, "fields": "id,slug,url,canonical_url,"
                                          "updated_at,feature_image"})
            body = self.check_response(response, "browse posts")
            for post in body.get("posts", []) if isinstance(body, dict) else []:
                if (re.fullmatch(re.escape(slug) + r"(-\d+)?", str(post.get("slug")))
                        and post.get("canonical_url") == canonical):
                    return self.ref(post, None, None)
            pagination = (body.get("meta") or {}).get("pagination") or {}
            if not pagination.get("next"):
                return None
            page = int(pagination["next"])

    async def check(self, client: httpx.AsyncClient) -> str:
        response = await send(client, self.name, "GET", self.api("site/"),
                              headers=self.headers())
        site = self.check_response(response, "read the site").get("site", {})
        response = await send(client, self.name, "GET", self.api("posts/"),
                              headers=self.headers(), params={"limit": 1, "fields": "id"})
        self.check_response(response, "browse posts")
        return (f"Admin API key accepted by {site.get('title')} ({site.get('url')}, "
                f"Ghost {site.get('version')})")
