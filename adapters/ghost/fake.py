"""A faithful fake of Ghost's Admin API (v5/v6) for tests and the sandbox.

Enforced (facts in this folder's README.md; checked against a real Ghost 6.65 by
tests/test_ghost_contract.py, which runs the same assertions on both):
- ``Authorization: Ghost <jwt>``: HS256 over the hex-decoded secret, ``kid`` looked up,
  ``aud`` ``/admin/``, ``iat`` required and at most 5 minutes old, ``exp`` honoured. Each
  failure has Ghost's status and ``code`` (401 INVALID_AUTH_HEADER / INVALID_JWT /
  UNKNOWN_ADMIN_API_KEY, 400 MISSING_ADMIN_API_KID); no header at all → 403.
- ``{"posts": [...]}`` both ways; read-only and unknown keys dropped silently (a real
  Ghost 6.65 accepts ``{"bogus": 1}`` with 201, though older notes said 422).
- ``html`` is used only with ``?source=html``: without it the post is saved with an
  empty body and no error (the silent behaviour that loses whole articles).
- Title required, ≤255 code points; ``custom_excerpt`` ≤300; ``meta_description`` ≤500;
  URLs ≤2000; slug ≤191 → 422 ValidationError.
- Slug collisions become ``<slug>-2``, ``-3``… (never an error); tags by name or slug are
  created on the fly; ``tags`` sent on PUT replace the list.
- PUT needs ``updated_at`` (422 without); a stale one with a real change → 409
  UPDATE_COLLISION; stale with no change → 200. ``updated_at`` has one-second
  resolution, as in Ghost: two saves within one second leave the same value, so a
  collision inside that second goes unnoticed on both; a save that changes nothing
  leaves it alone.
- 201 create, 200 read/edit, 204 delete, 404 unknown id or slug; drafts visible to admin
  with a ``/p/<uuid>/`` url; ``published_at`` second precision with ``.000Z``.
- ``GET /posts/`` with ``meta.pagination``, ``limit``/``page``, ``fields``, and NQL
  filters ``slug:x``, ``slug:~^'x'``, ``status:x`` (joined with ``+``).
- ``POST /images/upload/``: multipart ``file`` whose extension AND type are images → 201
  ``{"images": [{"url", "ref"}]}``; none → 422, wrong type → 415.
- Errors in Ghost's envelope with all nine keys and its "… error, cannot <action> post."
  message rewriting (the original text moves to ``context``).

Known differences from the real server (kept small on purpose):
- ``html`` is stored as sent; real Ghost converts it to Lexical and renders it back, so
  outside an HTML card whitespace and unknown markup change. Inside the HTML card our
  adapter sends, real Ghost keeps the markup but re-serialises it (blank lines between
  blocks, ``<img>`` for ``<img/>``); the tests compare parsed markup on both.
- Only the NQL forms above are understood; anything else → 400 BadRequestError.
- No members, newsletters, scheduling margin or revisions.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx
import jwt

from syndicate.sandbox.base import Clock, SandboxContext, json_response

KEY_ID = "6571b2c0d4e5f60718293a4b"
KEY_SECRET = "5e" * 32
"""The sandbox's throwaway Admin API key (it unlocks nothing real)."""
WRITABLE = frozenset({
    "title", "slug", "html", "lexical", "mobiledoc", "status", "published_at", "tags",
    "authors", "canonical_url", "feature_image", "feature_image_alt", "feature_image_caption",
    "custom_excerpt", "meta_title", "meta_description", "og_image", "og_title",
    "og_description", "twitter_image", "twitter_title", "twitter_description", "featured",
    "visibility", "codeinjection_head", "codeinjection_foot", "updated_at", "email_subject",
    "custom_template", "tiers", "newsletter", "email_segment", "show_title_and_feature_image",
})
READ_ONLY = frozenset({"id", "uuid", "url", "excerpt", "plaintext", "created_at", "comment_id",
                       "reading_time", "primary_tag", "primary_author", "count", "email"})
LIMITS = {"title": 255, "custom_excerpt": 300, "meta_description": 500, "meta_title": 300,
          "canonical_url": 2000, "feature_image": 2000, "slug": 191}
TRACKED = ("title", "slug", "html", "status", "published_at", "canonical_url", "feature_image",
           "custom_excerpt", "tags", "meta_description", "visibility", "featured")
IMAGE_EXT = (".jpg", ".jpeg", ".gif", ".png", ".svg", ".svgz", ".ico", ".webp")
IMAGE_MIME = ("image/jpeg", "image/png", "image/gif", "image/svg+xml", "image/x-icon",
              "image/vnd.microsoft.icon", "image/webp")
KINDS = {400: "BadRequestError", 401: "UnauthorizedError", 403: "NoPermissionError",
         404: "NotFoundError", 409: "UpdateCollisionError", 415: "UnsupportedMediaTypeError",
         422: "ValidationError", 429: "TooManyRequestsError"}
WORDS = {"BadRequestError": "Bad request", "NoPermissionError": "Permission",
         "NotFoundError": "Resource not found", "ValidationError": "Validation",
         "UnsupportedMediaTypeError": "Unsupported media type"}


def ghost_error(status: int, message: str, *, context: str | None = None,
                code: str | None = None, action: str | None = None,
                prop: str | None = None) -> httpx.Response:
    """Ghost's envelope; inside an endpoint (``action`` given) the message is rewritten."""
    kind = KINDS.get(status, "InternalServerError")
    if action and kind in WORDS:
        context = f"{message} {context}".strip() if context else message
        message = f"{WORDS[kind]} error, cannot {action}."
    return json_response(status, {"errors": [{
        "message": message, "context": context, "type": kind, "details": None,
        "property": prop, "help": None, "code": code, "id": str(uuid.uuid4()),
        "ghostErrorCode": None}]})


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def instant(value: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:191] or "untitled"


class FakeGhost:
    name = "ghost"

    def __init__(self, *, site: str = "http://127.0.0.1/ghost", clock: Clock = time.time,
                 keys: dict[str, str] | None = None, token_clock: Clock = time.time) -> None:
        self.site = site.rstrip("/")
        self.clock = clock
        self.token_clock = token_clock
        """Tokens are checked against the wall clock they are made with; ``clock`` (which the
        sandbox may simulate) only stamps posts."""
        self.keys = keys or {KEY_ID: KEY_SECRET}
        self.posts: list[dict[str, Any]] = []
        self.tags: list[dict[str, Any]] = []
        self.images: list[str] = []

    # --- sandbox contract -------------------------------------------------------------

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        response = ghost_error(429, "Too many requests, please try again later.")
        if retry_after > 0:
            response.headers["Retry-After"] = str(retry_after)
        return response

    def records(self) -> list[dict[str, Any]]:
        return [{"id": p["id"], "title": p["title"], "url": p["url"]} for p in self.posts]

    def dump(self) -> dict[str, Any]:
        return {"posts": self.posts, "tags": self.tags, "images": self.images}

    def load(self, data: dict[str, Any]) -> None:
        self.posts = list(data.get("posts", []))
        self.tags = list(data.get("tags", []))
        self.images = list(data.get("images", []))

    # --- auth -------------------------------------------------------------------------

    def refuse(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("Authorization")
        if header is None:
            return ghost_error(403, "Authorization failed", context="Unable to determine the "
                               "authenticated user or integration.")
        scheme, _, token = header.partition(" ")
        if scheme != "Ghost" or not token:
            return ghost_error(401, "Authorization header format is \"Authorization: Ghost "
                               "[token]\"", code="INVALID_AUTH_HEADER")
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return ghost_error(400, "Invalid token", code="INVALID_JWT")
        if not kid:
            return ghost_error(400, "Admin API kid missing.", code="MISSING_ADMIN_API_KID")
        secret = self.keys.get(str(kid))
        if secret is None:
            return ghost_error(401, "Unknown Admin API Key", code="UNKNOWN_ADMIN_API_KEY")
        now = self.token_clock()
        try:
            claims = jwt.decode(token, bytes.fromhex(secret), algorithms=["HS256"],
                                audience="/admin/", options={"require": ["iat"]},
                                leeway=0)
        except jwt.ExpiredSignatureError:
            return ghost_error(401, "Invalid token: jwt expired", code="INVALID_JWT")
        except jwt.PyJWTError as exc:
            return ghost_error(401, f"Invalid token: {exc}", code="INVALID_JWT")
        if now - float(claims["iat"]) > 300 or ("exp" in claims and now >= claims["exp"]):
            return ghost_error(401, "Invalid token: maxAge exceeded", code="INVALID_JWT")
        return None

    # --- routing ----------------------------------------------------------------------

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        prefix = "/ghost/api/admin/"
        if not path.startswith(prefix):
            return ghost_error(404, "Resource not found")
        route = path[len(prefix):]
        if route == "site/" and request.method == "GET":
            return json_response(200, {"site": {"title": "Sandbox Ghost", "url": self.site + "/",
                                                "version": "6.65"}})
        refused = self.refuse(request)
        if refused is not None:
            return refused
        query = request.url.params
        if route == "posts/" and request.method == "POST":
            return self.create(request, query.get("source") == "html")
        if route == "posts/" and request.method == "GET":
            return self.browse(query)
        if route == "images/upload/" and request.method == "POST":
            return self.upload(request)
        found = re.fullmatch(r"posts/slug/([^/]+)/", route)
        if found and request.method == "GET":
            post = next((p for p in self.posts if p["slug"] == unquote(found[1])), None)
            if post is None:
                return ghost_error(404, "Post not found.", action="read post")
            return json_response(200, {"posts": [self.shown(post, query)]})
        found = re.fullmatch(r"posts/([0-9a-f]{24})/", route)
        if found:
            post = next((p for p in self.posts if p["id"] == found[1]), None)
            verb = {"GET": "read", "PUT": "edit", "DELETE": "delete"}.get(request.method)
            if verb is None:
                return ghost_error(404, "Resource not found")
            if post is None:
                return ghost_error(404, "Post not found.", action=f"{verb} post")
            if request.method == "GET":
                return json_response(200, {"posts": [self.shown(post, query)]})
            if request.method == "DELETE":
                self.posts.remove(post)
                return httpx.Response(204)
            return self.edit(request, post, query.get("source") == "html")
        return ghost_error(404, "Resource not found")

    # --- posts ------------------------------------------------------------------------

    def incoming(self, request: httpx.Request, action: str) -> dict[str, Any] | httpx.Response:
        try:
            body = json.loads(request.read())
        except ValueError:
            return ghost_error(400, "Request body is not valid JSON", action=action)
        posts = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(posts, list) or len(posts) != 1 or not isinstance(posts[0], dict):
            return ghost_error(422, "No root key ('posts') provided.", action=action)
        # Read-only and unknown keys are both dropped without a word (Ghost 6.65 does so;
        # older notes said unknown keys give 422).
        item = {k: v for k, v in posts[0].items() if k in WRITABLE}
        for key, most in LIMITS.items():
            value = item.get(key)
            if isinstance(value, str) and len(value) > most:
                return ghost_error(422, f"Value in [posts.{key}] exceeds maximum length of "
                                   f"{most} characters.", action=action, prop=key)
        status = item.get("status", "draft")
        if status not in ("draft", "published", "scheduled", "sent"):
            return ghost_error(422, "Value in [posts.status] must be one of draft, published, "
                               "scheduled, sent.", action=action, prop="status")
        return item

    def tag_list(self, given: Any) -> list[dict[str, Any]]:
        tags = []
        for tag in given or []:
            name = tag if isinstance(tag, str) else (tag.get("name") or tag.get("slug") or "")
            slug = tag.get("slug") if isinstance(tag, dict) and tag.get("slug") else None
            slug = slug or ("hash-" + slugify(name[1:]) if name.startswith("#") else slugify(name))
            known = next((t for t in self.tags if t["slug"] == slug or t["name"] == name), None)
            if known is None:
                known = {"id": secrets.token_hex(12), "name": name, "slug": slug,
                         "visibility": "internal" if name.startswith("#") else "public"}
                self.tags.append(known)
            if known not in tags:
                tags.append(known)
        return tags

    def free_slug(self, wanted: str, exclude: str | None = None) -> str:
        taken = {p["slug"] for p in self.posts if p["id"] != exclude}
        slug, n = wanted, 1
        while slug in taken:
            n += 1
            slug = f"{wanted}-{n}"
        return slug

    def url_of(self, post: dict[str, Any]) -> str:
        if post["status"] == "published":
            return f"{self.site}/{post['slug']}/"
        return f"{self.site}/p/{post['uuid']}/"

    def create(self, request: httpx.Request, source_html: bool) -> httpx.Response:
        item = self.incoming(request, "add post")
        if isinstance(item, httpx.Response):
            return item
        if not str(item.get("title") or "").strip():
            return ghost_error(422, "Value in [posts.title] cannot be blank.",
                               action="add post", prop="title")
        now = self.clock()
        status = item.get("status", "draft")
        published = item.get("published_at")
        if status == "scheduled" and (instant(published) or 0) <= now + 120:
            return ghost_error(422, "Date must be at least 2 minutes in the future.",
                               action="add post", prop="published_at")
        post: dict[str, Any] = {
            "id": secrets.token_hex(12), "uuid": str(uuid.uuid4()), "title": item["title"],
            "slug": self.free_slug(slugify(str(item.get("slug") or item["title"]))),
            "html": (item.get("html") or "") if source_html else "", "status": status,
            "created_at": iso(now), "updated_at": iso(now),
            "published_at": (iso(instant(published) or now) if published or status == "published"
                             else None),
            "tags": self.tag_list(item.get("tags")),
        }
        for key in ("canonical_url", "feature_image", "custom_excerpt", "meta_description",
                    "feature_image_alt", "featured", "visibility"):
            post[key] = item.get(key)
        post["url"] = self.url_of(post)
        self.posts.append(post)
        return json_response(201, {"posts": [self.shown(post, httpx.QueryParams())]},
                             {"Location": f"{self.site}/ghost/api/admin/posts/{post['id']}/"})

    def edit(self, request: httpx.Request, post: dict[str, Any], source_html: bool) -> httpx.Response:
        item = self.incoming(request, "edit post")
        if isinstance(item, httpx.Response):
            return item
        if "updated_at" not in item:
            return ghost_error(422, "Validation error, cannot edit post.", prop="updated_at",
                               context="Value in [posts.updated_at] is required.")
        changes: dict[str, Any] = {}
        for key, value in item.items():
            if key == "updated_at":
                continue
            if key == "html":
                if source_html:
                    changes["html"] = value or ""
            elif key == "tags":
                changes["tags"] = value
            elif key == "slug":
                changes["slug"] = self.free_slug(slugify(str(value)), exclude=post["id"])
            elif key == "published_at":
                when = instant(value)
                changes[key] = iso(when) if when is not None else None
            else:
                changes[key] = value
        changed = any(
            (post.get("tags") != self.peek_tags(v)) if k == "tags" else post.get(k) != v
            for k, v in changes.items() if k in TRACKED and k != "html")
        if changed and instant(item["updated_at"]) != instant(post["updated_at"]):
            return ghost_error(409, "Saving failed! Someone else is editing this post.",
                               code="UPDATE_COLLISION")
        if "tags" in changes:
            changes["tags"] = self.tag_list(changes["tags"])
        html_changed = "html" in changes and changes["html"] != post.get("html")
        post.update(changes)
        if post["status"] == "published" and not post.get("published_at"):
            post["published_at"] = iso(self.clock())
        post["url"] = self.url_of(post)
        if changed or html_changed:
            post["updated_at"] = iso(self.clock())
        return json_response(200, {"posts": [self.shown(post, httpx.QueryParams())]})

    def peek_tags(self, given: Any) -> list[dict[str, Any]]:
        """The tag records ``given`` would resolve to, without creating any."""
        names = [t if isinstance(t, str) else (t.get("name") or t.get("slug")) for t in given or []]
        return [t for n in names for t in self.tags if t["name"] == n] if all(
            any(t["name"] == n for t in self.tags) for n in names) else [{"new": True}]

    def shown(self, post: dict[str, Any], query: httpx.QueryParams) -> dict[str, Any]:
        out = {k: v for k, v in post.items() if k != "html"}
        out["primary_tag"] = post["tags"][0] if post["tags"] else None
        formats = (query.get("formats") or "").split(",")
        if "html" in formats:
            out["html"] = post["html"] or None
        fields = query.get("fields")
        if fields:
            out = {k: v for k, v in out.items() if k in fields.split(",")}
        return out

    def browse(self, query: httpx.QueryParams) -> httpx.Response:
        chosen = list(self.posts)
        for clause in filter(None, (query.get("filter") or "").split("+")):
            found = re.fullmatch(r"(slug|status):(~\^)?'?([^']*)'?", clause)
            if found is None:
                return ghost_error(400, "Error parsing filter", action="browse posts",
                                   context=f"Query Error: unexpected character in filter {clause}")
            key, prefix, value = found.groups()
            chosen = [p for p in chosen if (str(p[key]).startswith(value) if prefix
                                            else str(p[key]) == value)]
        chosen.sort(key=lambda p: (p.get("published_at") or p["created_at"]), reverse=True)
        try:
            limit = max(1, min(100, int(query.get("limit", 15))))
            page = max(1, int(query.get("page", 1)))
        except ValueError:
            return ghost_error(422, "Validation error", action="browse posts")
        pages = max(1, -(-len(chosen) // limit))
        shown = [self.shown(p, query) for p in chosen[(page - 1) * limit: page * limit]]
        return json_response(200, {"posts": shown, "meta": {"pagination": {
            "page": page, "limit": limit, "pages": pages, "total": len(chosen),
            "next": page + 1 if page < pages else None, "prev": page - 1 if page > 1 else None}}})

    # --- images -----------------------------------------------------------------------

    def upload(self, request: httpx.Request) -> httpx.Response:
        kind = request.headers.get("Content-Type", "")
        if not kind.startswith("multipart/form-data"):
            return ghost_error(422, "Please select an image.", action="upload image")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + request.read())
        part = next((p for p in message.iter_parts()
                     if p.get_param("name", header="content-disposition") == "file"), None)
        if part is None:
            return ghost_error(422, "Please select an image.", action="upload image")
        filename = str(part.get_filename() or "")
        if (not filename.lower().endswith(IMAGE_EXT)
                or part.get_content_type() not in IMAGE_MIME):
            return ghost_error(415, "Please select a valid image.", action="upload image")
        day = datetime.fromtimestamp(self.clock(), UTC)
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename)
        url = f"{self.site}/content/images/{day:%Y/%m}/{name}"
        n = 1
        while url in self.images:
            n += 1
            stem, dot, ext = name.rpartition(".")
            url = f"{self.site}/content/images/{day:%Y/%m}/{stem}-{n}{dot}{ext}"
        self.images.append(url)
        return json_response(201, {"images": [{"url": url, "ref": None}]})


def fakes(ctx: SandboxContext) -> list[FakeGhost]:
    """The sandbox's Ghost, mounted at /ghost (``ctx`` carries the site URL and clock)."""
    return [FakeGhost(site=ctx.url("ghost"), clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    """Point syndicate's Ghost settings at the fake mounted at ``base_url``."""
    return {"SYNDICATE_GHOST__BASE_URL": base_url.rstrip("/"),
            "SYNDICATE_GHOST__ADMIN_API_KEY": f"{KEY_ID}:{KEY_SECRET}"}
