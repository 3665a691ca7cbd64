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

SEO plugins' canonical field: WordPress itself has no canonical-URL field (the copy ends
with the "Originally published at" footer instead), but Yoast SEO and Rank Math each keep
one per post. The REST index (``GET /wp-json/``, read once per run, before the first
write) lists the namespaces of the plugins that are active: ``yoast/v1`` or
``rankmath/v1``. After the post itself is written, its canonical field is set in a
request of its own -- core writes ``meta`` only after the post exists, so a refused meta
key in the same request would turn a created post into an error answer. Yoast's
``_yoast_wpseo_canonical`` goes through core's ``meta`` field, which writes only keys
registered with ``show_in_rest`` and silently drops the rest, so the answer is read back
to tell whether it took; Rank Math's ``rank_math_canonical_url`` goes through its own
``rankmath/v1/updateMeta`` (what its editor sidebar uses). The outcome is kept with the
remote post (``seo_canonical``); a failure there never fails the post, which is out.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
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
from syndicate.errors import Ambiguous, AuthFailed, PlatformError, Rejected, Transient
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


@dataclass(frozen=True)
class SeoPlugin:
    """An SEO plugin whose canonical field syndicate sets, and how."""

    title: str
    namespace: str
    """Its REST namespace: listed in the site's REST index while the plugin is active."""
    meta_key: str


YOAST = SeoPlugin("Yoast SEO", "yoast/v1", "_yoast_wpseo_canonical")
RANK_MATH = SeoPlugin("Rank Math", "rankmath/v1", "rank_math_canonical_url")
SEO_PLUGINS = (YOAST, RANK_MATH)


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
    seo_canonical: bool = True
    """Set the canonical field of Yoast SEO or Rank Math when the site runs one."""


class WordPressAdapter(Adapter[WordPressSettings]):
    name = "wordpress"
    settings_model = WordPressSettings
    capabilities = Capabilities(
        dialect=Dialect.HTML, can_update=True, can_find=True, max_concurrency=2, links_back=False
    )
    about = About(
        title="WordPress",
        posted="the whole article, excerpt, tags and categories (as terms), original date, "
               "deterministic slug, the site's own cover as featured image, the canonical URL in "
               "Yoast SEO or Rank Math when the site runs one",
        format="HTML",
        limits="none",
        update="yes, by id",
        after_timeout="found again by our mark in the copy (`status=any`), never by slug alone",
    )

    def __init__(self, settings: WordPressSettings) -> None:
        super().__init__(settings)
        self.namespaces: frozenset[str] | None = None
        """The REST index's namespaces, read once per run (one adapter per run)."""
        self.dropped: str | None = None
        """Why the plugin's field could not be set, once the site showed it never can (core
        dropped the meta key): later posts in the run skip the useless request."""

    def account(self) -> str:
        return f"{self.base_url} user {self.settings.username or ''}"

    def rest(self, route: str) -> str:
        """A route of any namespace (``""`` is the REST index itself)."""
        base = self.base_url or "https://<your WordPress site>"
        if self.settings.use_rest_route:
            return f"{base}/?rest_route=/{route}"
        return f"{base}/wp-json/{route}"

    def api(self, route: str) -> str:
        return self.rest(f"wp/v2/{route}")

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
        if self.settings.seo_canonical:
            data["canonical_url"] = post.canonical_url  # for an SEO plugin's field, if any
        files: dict[str, str] = {}
        if self.settings.featured_image and post.cover_file:
            data["cover"] = post.cover_image  # its URL on the site: a new cover changes the digest
            files["cover"] = post.cover_file
        return Payload(self.name, post.key, data, files=files, unhashed=frozenset({"canonical_url"}))

    def post_body(
        self, payload: Payload, tag_ids: list[Any], category_ids: list[Any], media: Any = None
    ) -> dict[str, Any]:
        skip = ("tags", "categories", "cover", "canonical_url")
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

    def canonical_requests(self, payload: Payload, post_id: Any) -> list[RequestSpec]:
        """The request setting each SEO plugin's canonical field, as a preview shows them:
        at most one of them is sent, for the plugin the site's REST index lists."""
        url = payload.data.get("canonical_url")
        if not url:
            return []
        headers = {**self.headers(redacted=True), "Content-Type": "application/json"}
        return [RequestSpec("POST", self.api(f"posts/{post_id} (only if the REST index lists "
                                             f"{YOAST.namespace})"), headers,
                            {"meta": {YOAST.meta_key: url}}),
                RequestSpec("POST", self.rest(f"{RANK_MATH.namespace}/updateMeta (only if the "
                                              f"REST index lists {RANK_MATH.namespace})"), headers,
                            {"objectType": "post", "objectID": post_id,
                             "meta": {RANK_MATH.meta_key: url}})]

    def requests(self, payload: Payload) -> list[RequestSpec]:
        headers = self.headers(redacted=True)
        specs = []
        if payload.data.get("canonical_url"):
            specs.append(RequestSpec("GET", self.rest(""), headers))  # once per run
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
        specs += self.canonical_requests(payload, "<id of the new post>")
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

    async def seo_plugin(self, client: httpx.AsyncClient) -> SeoPlugin | None:
        """The SEO plugin the site runs, by the namespaces its REST index lists (read once
        per run). An index the site refuses to show (some security plugins hide it) means
        no plugin is known: the post goes out with its footer alone."""
        if self.namespaces is None:
            response = await send(client, self.name, "GET", self.rest(""),
                                  headers=self.headers())
            try:
                index = self.check_response(response)
            except Rejected:
                index = None
            found = index.get("namespaces") if isinstance(index, dict) else None
            self.namespaces = frozenset(str(n) for n in found or ())
        return next((p for p in SEO_PLUGINS if p.namespace in self.namespaces), None)

    async def set_canonical(
        self, client: httpx.AsyncClient, plugin: SeoPlugin, post_id: str, url: str
    ) -> str:
        """Set the plugin's canonical field of a post already written; says what became of
        it. Never raises: the post is out, and its footer links back anyway."""
        if self.dropped is not None:
            return self.dropped
        try:
            if plugin is YOAST:
                answer = self.check_response(await send(
                    client, self.name, "POST", self.api(f"posts/{post_id}"),
                    headers=self.headers(), json={"meta": {YOAST.meta_key: url}}))
                meta = answer.get("meta") if isinstance(answer, dict) else None
                if not isinstance(meta, dict) or meta.get(YOAST.meta_key) != url:
                    self.dropped = (f"not set in {plugin.title}: this site does not open "
                                    f"{YOAST.meta_key} to the REST API (WordPress dropped it)")
                    return self.dropped
            else:
                self.check_response(await send(
                    client, self.name, "POST", self.rest(f"{RANK_MATH.namespace}/updateMeta"),
                    headers=self.headers(),
                    json={"objectType": "post", "objectID": int(post_id),
                          "meta": {RANK_MATH.meta_key: url}}))
        except PlatformError as exc:
            return f"not set in {plugin.title}: {exc}"
        return f"set in {plugin.title}"

    async def post_request(
        self, client: httpx.AsyncClient, payload: Payload, url: str, attempt: Attempt,
        known: Mapping[str, Any],
    ) -> RemoteRef:
        canonical = payload.data.get("canonical_url")
        plugin = await self.seo_plugin(client) if canonical else None  # before any write
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
        if plugin is not None and canonical:
            extra["seo_canonical"] = await self.set_canonical(
                client, plugin, str(post["id"]), str(canonical))
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
