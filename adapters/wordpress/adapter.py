"""WordPress (self-hosted), through the REST API ``wp/v2`` with an Application Password.

Credentials: wp-admin → Users → Profile → Application Passwords (WordPress ≥ 5.6). Set
SYNDICATE_WORDPRESS__BASE_URL (the site root), __USERNAME and __APP_PASSWORD. WordPress
only honours Application Passwords over HTTPS (or on a site whose environment type is
"local"); otherwise, or when a proxy strips the Authorization header, it silently treats
the request as anonymous and answers 401 ``rest_cannot_create``.

What is sent: tags and categories by name are turned into term ids (looked up, or
created; ``term_exists`` gives the existing id), then ``POST /wp/v2/posts`` with HTML
content, excerpt, status, the original date and a deterministic slug. Updates go to
``/wp/v2/posts/{id}``. Every copy carries our mark (an HTML comment with a hash of the
post key, see ``mark_comment``); after an ambiguous failure the copy is found again by
that mark with ``status=any`` — never by its slug alone, which two posts may share
(``2020-01-01-hello.md`` and ``b/2021-01-01-hello.md``).
Unknown term ids are dropped silently by WordPress, so ids are always resolved first.

Featured image (setting ``featured_image``, on by default): when the post's cover is a
file of the site itself (``Post.cover_file``), it is uploaded raw to ``/wp/v2/media`` and
its id sent as ``featured_media``. The media id is recorded before the post is sent, so a
retried create never uploads twice, and kept with the remote post so an update reuses it
while the cover file stays the same. Remote covers (URLs on other hosts) are not fetched:
syndicate makes no requests for images, and WordPress cannot feature a URL.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Mapping
from datetime import UTC
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import quote, unquote, urlparse

import httpx
from pydantic import SecretStr

from syndicate.adapter import (
    About,
    Adapter,
    Attempt,
    Capabilities,
    Dialect,
    Payload,
    RemoteRef,
    RequestSpec,
)
from syndicate.dialects.html import to_full_html
from syndicate.errors import Ambiguous, AuthFailed, Rejected, Transient
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings

IGNORED_CREDENTIALS = (
    "WordPress ignored the credentials and treated the request as anonymous. Either the site "
    "is plain http (Application Passwords need HTTPS unless WP_ENVIRONMENT_TYPE is 'local'), "
    "or a proxy or the host strips the Authorization header (Apache: 'SetEnvIf Authorization "
    "\"(.*)\" HTTP_AUTHORIZATION=$1' or 'CGIPassAuth On'). Check SYNDICATE_WORDPRESS__BASE_URL."
)


def wordpress_slug(post: Post) -> str:
    """The last part of the canonical URL in the form WordPress stores and returns it:
    lower case, non-ASCII as lower-case percent-encoded UTF-8, at most 200 bytes — so
    that finding the post by slug compares like with like."""
    tail = urlparse(post.canonical_url).path.rstrip("/").rsplit("/", 1)[-1]
    tail = unquote(tail.removesuffix(".html") or post.key).lower()
    return quote(tail, safe="-_.~").lower()[:190]


MAX_COVER_BYTES = 32_000_000
"""WordPress's own ceiling is the host's ``upload_max_filesize`` (2 to 128 MB in common
setups, not exposed to the REST API); a cover larger than this is refused unread."""
MARK_PREFIX = "syndicate-mark:"


def post_mark(post_key: str) -> str:
    """This post's mark on WordPress: one search term (no spaces, no leading '-', which
    WordPress's search reads as "exclude"), derived from the post key alone, so it is
    the same on every run and differs for two posts whose slugs collide."""
    return MARK_PREFIX + hashlib.sha256(post_key.encode("utf-8")).hexdigest()[:24]


def mark_comment(post_key: str) -> str:
    """The mark as WordPress keeps it: an HTML comment at the end of the content. Core
    keeps comments in ``content.raw`` for every role (kses only folds ``--`` runs, and
    the mark has none) and its search matches the raw content; readers never see it.
    It is sent with every create and update but kept out of the payload's digest, so
    adding it never made an old post look changed."""
    return f"<!-- {post_mark(post_key)} -->"


def raw_content(post: Mapping[str, Any]) -> str:
    content = post.get("content")
    return str(content.get("raw", "")) if isinstance(content, dict) else str(content or "")


class WordPressSettings(PlatformSettings):
    platform_name: ClassVar[str] = "wordpress"
    required_for_push: ClassVar[tuple[str, ...]] = ("base_url", "username", "app_password")
    base_url: str = ""
    username: str | None = None
    app_password: SecretStr | None = None
    status: Literal["publish", "draft", "pending", "private"] = "publish"
    categories: bool = True
    use_rest_route: bool = False
    featured_image: bool = True


class WordPressAdapter(Adapter[WordPressSettings]):
    name = "wordpress"
    settings_model = WordPressSettings
    capabilities = Capabilities(
        dialect=Dialect.HTML, can_update=True, can_find=True, max_concurrency=2
    )
    about = About(
        title="WordPress",
        posted="the whole article, excerpt, tags and categories (as terms), original date, "
               "deterministic slug, the site's own cover as featured image",
        format="HTML",
        limits="none",
        update="yes, by id",
        after_timeout="found again by slug (`status=any`)",
    )

    def account(self) -> str:
        return f"{self.base_url} user {self.settings.username or ''}"

    def api(self, route: str) -> str:
        base = self.base_url or "https://<your WordPress site>"
        if self.settings.use_rest_route:
            return f"{base}/?rest_route=/wp/v2/{route}"
        return f"{base}/wp-json/wp/v2/{route}"

    def headers(self, redacted: bool = False) -> dict[str, str]:
        if redacted or self.settings.app_password is None:
            return {"Authorization": "Basic ***"}
        pair = f"{self.settings.username}:{self.settings.app_password.get_secret_value()}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

    def render(self, post: Post) -> Payload:
        data: dict[str, Any] = {
            "title": post.title,
            "content": to_full_html(post.html),
            "excerpt": post.summary,
            "status": self.settings.status,
            "slug": wordpress_slug(post),
            "date_gmt": post.date.astimezone(UTC).replace(tzinfo=None).isoformat(),
            "tags": list(post.tags),
            "categories": list(post.categories) if self.settings.categories else [],
        }
        files: dict[str, str] = {}
        if self.settings.featured_image and post.cover_file:
            data["cover"] = post.cover_image  # its URL on the site: a new cover changes the digest
            files["cover"] = post.cover_file
        return Payload(self.name, post.key, data, files=files)

    def post_body(
        self, payload: Payload, tag_ids: list[Any], category_ids: list[Any], media: Any = None
    ) -> dict[str, Any]:
        skip = ("tags", "categories", "cover")
        body = {k: v for k, v in payload.data.items() if k not in skip}
        body["content"] = f"{body.get('content', '')}\n{mark_comment(payload.post_key)}"
        if media is not None:
            body["featured_media"] = media
        return {**body, "tags": tag_ids, "categories": category_ids}

    def upload_headers(self, path: str, redacted: bool = False) -> dict[str, Any]:
        """Raw-body upload headers. The file name goes out as UTF-8 bytes inside quotes:
        WordPress keeps a Chinese name that way, and rejects ``filename*=`` alone."""
        name = Path(path).name.replace('"', "").replace("\\", "")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        disposition = f'attachment; filename="{name}"'
        return {**self.headers(redacted), "Content-Type": kind,
                "Content-Disposition": disposition if redacted else disposition.encode()}

    async def upload_cover(self, client: httpx.AsyncClient, path: str) -> int:
        try:
            size = Path(path).stat().st_size
            if size > MAX_COVER_BYTES:  # refused before a byte is read into memory
                raise Rejected(self.name, (
                    f"the cover image {path} is {size // 1_000_000} MB, over the "
                    f"{MAX_COVER_BYTES // 1_000_000} MB syndicate uploads (most WordPress hosts "
                    "refuse far less); use a smaller image"))
            content = Path(path).read_bytes()
        except OSError as exc:
            raise Rejected(
                self.name, f"cannot read the cover image {path}: {exc.strerror}"
            ) from None
        try:
            response = await send(client, self.name, "POST", self.api("media"),
                                  headers=self.upload_headers(path), content=content)
        except Ambiguous as exc:  # no post exists yet: an orphan upload is harmless, retry
            raise Transient(self.name, str(exc)) from None
        return int(self.check_response(response)["id"])

    async def featured_media(
        self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt,
        known: Mapping[str, Any],
    ) -> int | None:
        """The media id to feature: one already uploaded for this same cover file (by an
        earlier, interrupted try, or for the published post in ``known``), else a new
        upload, recorded before the post is sent."""
        cover, path = payload.data.get("cover"), payload.files.get("cover")
        if not cover or not path:
            return None
        for earlier in (attempt.resume, known):
            if earlier.get("media_id") and earlier.get("cover") == cover:
                return int(earlier["media_id"])
        media_id = await self.upload_cover(client, path)
        attempt.record({"media_id": media_id, "cover": cover})
        return media_id

    def requests(self, payload: Payload) -> list[RequestSpec]:
        headers = self.headers(redacted=True)
        specs = []
        for taxonomy in ("tags", "categories"):
            for name in payload.data[taxonomy]:
                specs.append(
                    RequestSpec("GET", self.api(f"{taxonomy}?search={name}&per_page=100"), headers)
                )
        media = None
        if payload.files.get("cover"):
            cover = str(payload.data["cover"])
            specs.append(RequestSpec("POST", self.api("media"),
                                     self.upload_headers(payload.files["cover"], redacted=True),
                                     f"<bytes of the site's image {cover}>"))
            media = "<id of the uploaded cover>"
        tags = [f"<id of tag {n!r}>" for n in payload.data["tags"]]
        cats = [f"<id of category {n!r}>" for n in payload.data["categories"]]
        specs.append(
            RequestSpec(
                "POST",
                self.api("posts"),
                {**headers, "Content-Type": "application/json"},
                self.post_body(payload, tags, cats, media),
            )
        )
        return specs

    def check_response(self, response: httpx.Response) -> Any:
        body = json_or_none(response)
        if response.status_code < 400:
            return body
        error = body if isinstance(body, dict) else {}
        code, message = str(error.get("code") or ""), str(error.get("message") or "")
        if code in ("incorrect_password", "invalid_username", "invalid_email"):
            field = "APP_PASSWORD" if code == "incorrect_password" else "USERNAME"
            raise AuthFailed(self.name, f"{code}: check SYNDICATE_WORDPRESS__{field}", status=401)
        if response.status_code == 401:  # core 6.1 answers a wrong password anonymously
            raise AuthFailed(
                self.name,
                f"{code or 'HTTP 401'}: the credentials were refused; check "
                "SYNDICATE_WORDPRESS__USERNAME and SYNDICATE_WORDPRESS__APP_PASSWORD. If "
                f"they are right: {IGNORED_CREDENTIALS}",
                status=401,
            )
        if response.status_code == 403:
            raise AuthFailed(
                self.name,
                f"{code}: {message} (the user lacks the rights to do "
                "this; use an Author, Editor or Administrator account)",
                status=403,
            )
        if 400 <= response.status_code < 500 and code and response.status_code != 429:
            raise Rejected(self.name, f"{code}: {message}", status=response.status_code)
        raise_for_status(self.name, response, f"{code}: {message}" if code else None)
        return body

    async def term_id(self, client: httpx.AsyncClient, taxonomy: str, name: str) -> int:
        found = self.check_response(
            await send(
                client,
                self.name,
                "GET",
                self.api(taxonomy),
                headers=self.headers(),
                params={"search": name, "per_page": 100},
            )
        )
        for term in found or []:
            if str(term.get("name", "")).casefold() == name.casefold():
                return int(term["id"])
        response = await send(
            client,
            self.name,
            "POST",
            self.api(taxonomy),
            headers=self.headers(),
            json={"name": name},
        )
        body = json_or_none(response)
        if (
            response.status_code == 400
            and isinstance(body, dict)
            and body.get("code") == "term_exists"
        ):
            return int(body["data"]["term_id"])
        return int(self.check_response(response)["id"])

    async def post_request(
        self, client: httpx.AsyncClient, payload: Payload, url: str, attempt: Attempt,
        known: Mapping[str, Any],
    ) -> RemoteRef:
        tag_ids = [await self.term_id(client, "tags", n) for n in payload.data["tags"]]
        cat_ids = [await self.term_id(client, "categories", n) for n in payload.data["categories"]]
        media = await self.featured_media(client, payload, attempt, known)
        response = await send(
            client,
            self.name,
            "POST",
            url,
            headers=self.headers(),
            json=self.post_body(payload, tag_ids, cat_ids, media),
        )
        post = self.check_response(response)
        extra: dict[str, Any] = {"slug": post.get("slug")}
        if media is not None:
            extra.update(media_id=media, cover=payload.data["cover"])
        return RemoteRef(str(post["id"]), post.get("link"), extra)

    async def create(
        self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
    ) -> RemoteRef:
        return await self.post_request(client, payload, self.api("posts"), attempt, {})

    async def update(
        self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef, attempt: Attempt
    ) -> RemoteRef:
        return await self.post_request(
            client, payload, self.api(f"posts/{ref.id}"), attempt, ref.extra
        )

    async def delete(self, client: httpx.AsyncClient, ref: RemoteRef) -> None:
        """Moves the post to WordPress's trash (a person can still restore it there)."""
        response = await send(client, self.name, "DELETE", self.api(f"posts/{ref.id}"),
                              headers=self.headers())
        if response.status_code == 410:  # already in the trash
            return
        self.check_response(response)

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """The copy carrying this post's mark, found by WordPress's own search (which reads
        the raw content). A post with our slug but no mark of syndicate's at all (made by
        hand, or by a syndicate from before the mark) cannot be proved either way:
        Ambiguous, so the engine leaves the entry ``uncertain`` for a person. A copy marked
        for another post (two files whose slugs collide) is never taken for this one."""
        mark = post_mark(payload.post_key)
        for post in await self.search(client, {"search": mark}):
            if mark_comment(payload.post_key) in raw_content(post):
                return RemoteRef(str(post["id"]), post.get("link"), {"slug": post.get("slug")})
        for post in await self.search(client, {"slug": payload.data["slug"]}):
            if MARK_PREFIX not in raw_content(post):
                raise Ambiguous(self.name, (
                    f"post {post.get('id')} has the slug {post.get('slug')!r} but no mark of "
                    "syndicate's, so it cannot be told whether it is this post's copy; check it, "
                    "then run 'syndicate resolve'"))
        return None

    async def search(self, client: httpx.AsyncClient, params: dict[str, str]) -> list[Any]:
        found = self.check_response(
            await send(client, self.name, "GET", self.api("posts"), headers=self.headers(),
                       params={**params, "status": "any", "context": "edit", "per_page": 100}))
        return list(found or [])

    async def check(self, client: httpx.AsyncClient) -> str:
        me = self.check_response(
            await send(client, self.name, "GET", self.api("users/me"), headers=self.headers())
        )
        return f"logged in as {me.get('name') or me.get('slug')}"
