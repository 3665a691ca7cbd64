"""A faithful fake of the WordPress REST API ``wp/v2`` with Application Passwords.

It answers like the real WordPress 6.1 that tests/test_wordpress_contract.py runs every
case against as well (tests/servers/README.md lists the observed facts). Where that
server and the platform notes disagree, the server wins; both exceptions are marked.

Enforced, as core does it:
- Basic auth with application passwords: non-alphanumerics stripped before comparing,
  login or e-mail. A wrong password or unknown login is *not* reported: 6.1 checks the
  password lazily, so the request runs anonymously and gets the endpoint's own 401
  (``rest_not_logged_in``, ``rest_cannot_create``). ``eager_auth_errors=True`` gives the
  platform notes' ``incorrect_password``/``invalid_username`` instead (what a site answers
  when a plugin resolves the user early). ``https_or_local=False`` ignores credentials.
- Anonymous → 401, logged in but not allowed → 403. Argument errors are 400
  ``rest_invalid_param`` with core's ``params`` and ``details`` (status enum, dates,
  integer lists; anonymous ``status=any`` → ``rest_forbidden_status`` inside a 400).
- JSON or form-encoded bodies; malformed JSON → 400 ``rest_invalid_json`` with
  ``json_error_code``/``json_error_message``. ``empty_content`` when title, content and
  excerpt are all empty; ``id`` on create → ``rest_post_exists``.
- Dates (RFC 3339, zone optional; the site zone is UTC, so ``date`` = ``date_gmt``);
  ``publish`` with a future date becomes ``future``, ``future`` with a past one
  ``publish``. ``link`` is ``/<slug>/`` once published, else ``/?p=<id>``.
- Slugs sanitised (lower case, hyphens, entities dropped, UTF-8 percent-encoded in
  lower-case hex) and made unique with ``-2``, ``-3`` (drafts given a slug too); drafts
  created without a slug keep it empty with a ``generated_slug``; trash renames to
  ``<slug>__trashed``. ``?slug=`` is sanitised the same way, so ``小米-x`` finds
  ``%e5%b0%8f%e7%b1%b3-x``.
- Terms by integer id (a list, one id, or ``"1,2"``): unknown ids dropped silently,
  non-integers → 400. Names trimmed, tags stripped, ``&`` stored as ``&amp;``; a duplicate
  name (case-insensitive) → 400 ``term_exists`` with ``data.term_id``; a taken slug gets
  ``-2``. Deleting a term needs ``force=true`` (else 501).
- Media: raw body needing Content-Type and a Content-Disposition filename (exact codes);
  only allowed extensions whose bytes match the image type (else 500
  ``rest_upload_sideload_error``); a taken file name becomes ``name-1.ext``.
  ``featured_media`` naming no image is accepted and ignored (201/200, unchanged) --
  core discards set_post_thumbnail's failure; the platform notes' 400
  ``rest_invalid_featured_media`` never reaches the client.
- ``meta``: only keys registered with ``show_in_rest`` are written; any other key is
  dropped without a word (core's ``WP_REST_Meta_Fields::update_value`` walks the
  registered keys only), and a post with none registered answers ``"meta": []`` (PHP's
  empty array). A value that is not an object → 400 ``rest_invalid_param``.
- The REST index ``GET /wp-json/`` (name, url, home, ``namespaces``, ``authentication``,
  ``routes``). ``seo_plugin`` models a site running an SEO plugin: ``"yoast"`` adds the
  ``yoast/v1`` namespace and registers ``_yoast_wpseo_canonical`` for posts with
  ``show_in_rest`` (``yoast_meta_in_rest=False``: registered without it, as Yoast did for
  years, so core drops it); ``"rankmath"`` adds ``rankmath/v1`` and its
  ``POST /rankmath/v1/updateMeta`` (``objectType``, ``objectID``, ``meta``; editing rights
  on the post, else ``rest_cannot_edit``; a missing post → 404 ``rest_post_invalid_id``).
  Without a plugin neither namespace nor route exists (404 ``rest_no_route``), and their
  meta keys are dropped like any unregistered key. ``plugin_meta`` keeps what each
  plugin's own route stored, per post id, for tests to read.
- Collections: ``X-WP-Total``/``X-WP-TotalPages``, ``per_page`` ≤ 100, a page past the end
  → 400, ``status`` defaults to publish, ``status=any`` excludes trash, ``slug``, ``search``.
- Trash: 200 trash → 410 ``rest_already_trashed`` → ``force=true`` 200 ``{deleted, previous}``.
- 201 + ``Location`` on creates; errors ``{code, message, data: {status, ...}}``; unknown
  route 404 ``rest_no_route``; ``OPTIONS`` on a collection → 200.

Differences kept on purpose (no client should depend on them):
- ``rendered`` fields are the raw text: core's wpautop/wptexturize output is presentation,
  and re-implementing those filters would be a large, fragile copy. ``raw`` is identical.
- Multipart uploads, ``media_details`` and image sizes are absent: syndicate uploads a raw
  body and only reads ``id`` and ``source_url``.
- Attachments do not take part in the post slug namespace.
"""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote

import httpx

from syndicate.sandbox.base import SandboxContext, json_response

WORDPRESS_USER = "sandbox"
"""The sandbox's throwaway user and application password: they unlock nothing real."""
WORDPRESS_APP_PASSWORD = "sand boxs ecre tpas swor d123"

STATUSES = ("publish", "future", "draft", "pending", "private")
CORE_NAMESPACES = ("oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1")
"""What the real 6.1 index lists on a site without plugins (tests/servers/README.md)."""
SEO_NAMESPACES = {"yoast": "yoast/v1", "rankmath": "rankmath/v1"}
YOAST_CANONICAL = "_yoast_wpseo_canonical"
PUBLISHERS = ("administrator", "editor", "author")


def wp_error(status: int, code: str, message: str, **data: Any) -> httpx.Response:
    return json_response(
        status, {"code": code, "message": message, "data": {"status": status, **data}}
    )


def sanitize_title(text: str) -> str:
    """Like sanitize_title_with_dashes: lower case, hyphens, UTF-8 percent-encoded."""
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"&.+?;", "", text).strip().lower()
    text = re.sub(r"[\s_.]+", "-", text)
    text = re.sub(r"[^\w%-]", "", text)
    encoded = quote(text, safe="-%").lower()
    return re.sub(r"-+", "-", encoded).strip("-")[:200]


REST_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?"
)
"""What ``rest_parse_date`` accepts (RFC 3339, the zone optional)."""
UPLOAD_TYPES = {
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
    "webp": "image/webp", "pdf": "application/pdf", "txt": "text/plain",
}
"""Extensions core allows an author to upload (a subset of get_allowed_mime_types)."""
IMAGE_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"), "image/webp": (b"RIFF",),
}
"""Core checks that an image's bytes are the image type its extension claims."""
INVALID_PARAM = "rest_invalid_param"


def parse_body(request: httpx.Request) -> dict[str, Any] | None:
    """The request's parameters: JSON or form-encoded, as core reads both; None if the
    JSON is malformed. A JSON value that is not an object gives no parameters."""
    if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
        form = parse_qs(request.content.decode(errors="replace"), keep_blank_values=True)
        return {k.removesuffix("[]"): v if k.endswith("[]") else v[-1] for k, v in form.items()}
    try:
        parsed = json.loads(request.content)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else {}


def invalid_param(name: str, message: str, code: str) -> httpx.Response:
    """400 ``rest_invalid_param`` exactly as core words a failed argument check."""
    return wp_error(
        400, INVALID_PARAM, f"Invalid parameter(s): {name}", params={name: message},
        details={name: {"code": code, "message": message, "data": None}},
    )


def id_list(value: Any) -> list[int] | None:
    """Core's lenient reading of an integer array: a list, one integer, or a string of
    ids split on commas/spaces. None if an item is not an integer."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,]+", value) if v]
    elif not isinstance(value, list):
        value = [value]
    if not all(
        (isinstance(i, int) and not isinstance(i, bool)) or (isinstance(i, str) and i.isdigit())
        for i in value
    ):
        return None
    return [int(i) for i in value]


def parse_date(value: Any) -> datetime | None:
    """A REST date as naive UTC (this fake's site zone is UTC, so ``date`` = ``date_gmt``)."""
    if not isinstance(value, str) or not REST_DATE.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("t", "T").replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class FakeWordPress:
    name = "wordpress"

    def __init__(
        self,
        *,
        site: str = "http://127.0.0.1/wordpress",
        https_or_local: bool = True,
        users: dict[str, tuple[str, str, str]] | None = None,
        eager_auth_errors: bool = False,
        seo_plugin: str | None = None,
        yoast_meta_in_rest: bool = True,
    ) -> None:
        if seo_plugin not in (None, *SEO_NAMESPACES):
            raise ValueError(f"unknown SEO plugin {seo_plugin!r}")
        self.site = site.rstrip("/")
        self.seo_plugin = seo_plugin
        """The SEO plugin this site runs ("yoast", "rankmath"), or None."""
        self.registered_meta: dict[str, str] = (
            {YOAST_CANONICAL: ""} if seo_plugin == "yoast" and yoast_meta_in_rest else {})
        """Post meta keys registered with show_in_rest → default value."""
        self.plugin_meta: dict[int, dict[str, str]] = {}
        self.https_or_local = https_or_local
        self.eager_auth_errors = eager_auth_errors
        """True: bad credentials answer ``incorrect_password``/``invalid_username`` (as when
        a plugin resolves the user early); False, like core 6.1: the endpoint's anonymous
        error."""
        self.users = users or {
            WORDPRESS_USER: ("sandbox@example.invalid", WORDPRESS_APP_PASSWORD, "administrator")
        }
        """login → (e-mail, application password, role)."""
        self.posts: dict[int, dict[str, Any]] = {}
        self.terms: dict[str, dict[int, dict[str, Any]]] = {
            "tags": {},
            "categories": {1: {"id": 1, "name": "Uncategorized", "slug": "uncategorized"}},
        }
        self.media: dict[int, dict[str, Any]] = {}
        self.next_id = 2

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return httpx.Response(
            429,
            headers={"Retry-After": str(retry_after), "Content-Type": "text/html"},
            text="<html><body><h1>429 Too Many Requests</h1></body></html>",
        )

    def records(self) -> list[dict[str, Any]]:
        return [
            {"id": p["id"], "title": p["title"]["rendered"], "url": p["link"]}
            for p in self.posts.values()
            if p["status"] != "trash"
        ]

    def dump(self) -> dict[str, Any]:
        return {
            "posts": list(self.posts.values()),
            "terms": {k: list(v.values()) for k, v in self.terms.items()},
            "media": list(self.media.values()),
            "next_id": self.next_id,
        }

    def load(self, data: dict[str, Any]) -> None:
        self.posts = {p["id"]: p for p in data.get("posts", [])}
        self.terms = {
            k: {t["id"]: t for t in v} for k, v in data.get("terms", {}).items()
        } or self.terms
        self.media = {m["id"]: m for m in data.get("media", [])}
        self.next_id = data.get("next_id", self.next_id)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # --- auth -------------------------------------------------------------------------
    def user(self, request: httpx.Request) -> tuple[str | None, httpx.Response | None]:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic ") or not self.https_or_local:
            return None, None
        try:
            login, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, None
        for name, (email, app_password, _role) in self.users.items():
            if login in (name, email):
                if re.sub(r"[^A-Za-z0-9]", "", password) == re.sub(
                    r"[^A-Za-z0-9]", "", app_password
                ):
                    return name, None
                if not self.eager_auth_errors:
                    return None, None
                return None, wp_error(
                    401,
                    "incorrect_password",
                    "The provided password is an invalid application password.",
                )
        if not self.eager_auth_errors:
            return None, None
        code = "invalid_email" if "@" in login else "invalid_username"
        return None, wp_error(
            401,
            code,
            "<strong>Error:</strong> The username <strong>"
            f"{login}</strong> is not registered on this site.",
        )

    def forbidden(self, user: str | None, code: str, message: str) -> httpx.Response:
        return wp_error(403 if user else 401, code, message)

    # --- routing ----------------------------------------------------------------------
    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        query = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        route = query.pop("rest_route", None) if path in ("/", "/index.php", "") else None
        if route is None:
            if not path.startswith("/wp-json"):
                return wp_error(
                    404, "rest_no_route", "No route was found matching the URL and request method."
                )
            route = path.removeprefix("/wp-json") or "/"
        user, failure = self.user(request)
        if failure is not None:
            return failure
        body: dict[str, Any] = {}
        if request.method in ("POST", "PUT", "PATCH") and not route.startswith("/wp/v2/media"):
            if request.content:
                parsed = parse_body(request)
                if parsed is None:
                    return wp_error(
                        400, "rest_invalid_json", "Invalid JSON body passed.",
                        json_error_code=4, json_error_message="Syntax error",
                    )
                body = parsed
        method = request.method
        if route == "/" and method == "GET":
            return json_response(200, self.index())
        if route == "/rankmath/v1/updateMeta" and method == "POST" and self.seo_plugin == "rankmath":
            return self.rank_math_update_meta(body, user)
        if route == "/wp/v2/users/me" and method == "GET":
            if user is None:
                return wp_error(401, "rest_not_logged_in", "You are not currently logged in.")
            return json_response(200, {"id": 1, "name": user, "slug": user})
        if route == "/wp/v2/posts":
            if method == "GET":
                return self.list_posts(query, user)
            if method == "POST":
                return self.create_post(body, user)
        match = re.fullmatch(r"/wp/v2/posts/(\d+)", route)
        if match:
            post = self.posts.get(int(match.group(1)))
            if post is None:
                return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
            if method == "GET":
                return json_response(200, post)
            if method in ("POST", "PUT", "PATCH"):
                return self.update_post(post, body, user)
            if method == "DELETE":
                return self.delete_post(post, query, user)
        match = re.fullmatch(r"/wp/v2/(tags|categories)", route)
        if match:
            if method == "GET":
                return self.list_terms(match.group(1), query)
            if method == "POST":
                return self.create_term(match.group(1), body, user)
        match = re.fullmatch(r"/wp/v2/(tags|categories)/(\d+)", route)
        if match and method == "DELETE":
            return self.delete_term(match.group(1), int(match.group(2)), query, user)
        if method == "OPTIONS" and re.fullmatch(r"/wp/v2/(posts|tags|categories|media)", route):
            return json_response(200, {"namespace": "wp/v2", "methods": ["GET", "POST"],
                                       "endpoints": []})
        match = re.fullmatch(r"/wp/v2/media/(\d+)", route)
        if match and method == "GET":
            if int(match.group(1)) not in self.media:
                return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
            return json_response(200, self.media[int(match.group(1))])
        if route == "/wp/v2/media" and method == "POST":
            return self.upload(request, user)
        return wp_error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

    # --- the REST index and SEO plugins ---------------------------------------------------
    def index(self) -> dict[str, Any]:
        """The REST index, trimmed to what clients read: core's keys, the namespaces of
        core and the active plugins, Application Passwords' authentication entry."""
        namespaces = [*CORE_NAMESPACES]
        if self.seo_plugin is not None:
            namespaces.append(SEO_NAMESPACES[self.seo_plugin])
        return {
            "name": "Syndicate fake", "description": "", "url": self.site, "home": self.site,
            "gmt_offset": "0", "timezone_string": "", "namespaces": namespaces,
            "authentication": {"application-passwords": {"endpoints": {
                "authorization": f"{self.site}/wp-admin/authorize-application.php"}}},
            "routes": {f"/{n}": {"namespace": n} for n in namespaces},
        }

    def rank_math_update_meta(self, body: dict[str, Any], user: str | None) -> httpx.Response:
        """Rank Math's ``updateMeta``: each key written as sent (an empty value deletes it);
        it answers ``{"slug": true, "schemas": []}`` for a post without schema."""
        missing = [k for k in ("objectType", "objectID", "meta") if k not in body]
        if missing:
            return wp_error(400, "rest_missing_callback_param",
                            f"Missing parameter(s): {', '.join(missing)}", params=missing)
        if body["objectType"] != "post":
            return self.forbidden(user, "rest_forbidden", "Sorry, you are not allowed to do that.")
        ids = id_list(body["objectID"])
        post = self.posts.get(ids[0]) if ids and len(ids) == 1 else None
        if post is None:
            return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
        if user is None or self.users[user][2] not in PUBLISHERS:
            return self.forbidden(
                user, "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
        if not isinstance(body["meta"], dict) or not body["meta"]:
            return wp_error(400, INVALID_PARAM, "Invalid parameter(s): meta",
                            params={"meta": "Sorry, field is empty which is not allowed."})
        stored = self.plugin_meta.setdefault(post["id"], {})
        for key, value in body["meta"].items():
            if value:
                stored[key] = str(value)
            else:
                stored.pop(key, None)
        return json_response(200, {"slug": True, "schemas": []})

    # --- posts ------------------------------------------------------------------------
    def unique_slug(self, slug: str, own_id: int | None = None) -> str:
        taken = {p["slug"] for p in self.posts.values() if p["id"] != own_id}
        if slug not in taken:
            return slug
        n = 2
        while f"{slug}-{n}" in taken:
            n += 1
        return f"{slug}-{n}"

    def apply(
        self, post: dict[str, Any], body: dict[str, Any], user: str | None
    ) -> httpx.Response | None:
        if "status" in body and body["status"] not in STATUSES:
            return invalid_param(
                "status",
                f"status is not one of {', '.join(STATUSES[:-1])}, and {STATUSES[-1]}.",
                "rest_not_in_enum",
            )
        dates: dict[str, datetime] = {}
        for field in ("date", "date_gmt"):
            if body.get(field) is not None:
                parsed = parse_date(body[field])
                if parsed is None:
                    return invalid_param(field, "Invalid date.", "rest_invalid_date")
                dates[field] = parsed
        role = self.users[user][2] if user else None
        if body.get("status") in ("publish", "future", "private") and role not in PUBLISHERS:
            return self.forbidden(
                user,
                "rest_cannot_publish",
                "Sorry, you are not allowed to publish posts as this user.",
            )
        terms: dict[str, list[int]] = {}
        for taxonomy in ("tags", "categories"):
            if taxonomy in body:
                ids = id_list(body[taxonomy])
                if ids is None:
                    return invalid_param(
                        taxonomy, f"{taxonomy}[0] is not of type integer.", "rest_invalid_type"
                    )
                terms[taxonomy] = [i for i in ids if i in self.terms[taxonomy]]
        media: list[int] | None = None
        if "featured_media" in body:
            media = id_list(body["featured_media"] or 0)
            if media is None or len(media) != 1:
                return invalid_param(
                    "featured_media", "featured_media is not of type integer.", "rest_invalid_type"
                )
        post.update(terms)
        if media == [0]:
            post["featured_media"] = 0
        elif media and self.media.get(media[0], {}).get("media_type") == "image":
            post["featured_media"] = media[0]
        # else, like core: set_post_thumbnail fails and the error is discarded
        for field in ("title", "content", "excerpt"):
            if field in body:
                value = (
                    body[field]["raw"] if isinstance(body[field], dict) else str(body[field] or "")
                )
                post[field] = {"raw": value, "rendered": value}
        if "meta" in body:
            if not isinstance(body["meta"], dict):
                return invalid_param("meta", "Invalid parameter.", "rest_invalid_param")
            stored = post["meta"] if isinstance(post.get("meta"), dict) else {}
            stored.update({k: str(v) for k, v in body["meta"].items()
                           if k in self.registered_meta})  # the rest: dropped, silently
            post["meta"] = stored or []
        if self.registered_meta:
            post["meta"] = {**self.registered_meta, **(post.get("meta") or {})}
        for field in ("status", "author", "format", "sticky", "comment_status"):
            if field in body:
                post[field] = body[field]
        when = dates.get("date_gmt", dates.get("date"))
        if when is not None or "date" not in post:
            post["date"] = post["date_gmt"] = (when or now_utc()).isoformat()
        future = datetime.fromisoformat(post["date_gmt"]) > now_utc()
        if post["status"] == "publish" and future:
            post["status"] = "future"
        elif post["status"] == "future" and not future:
            post["status"] = "publish"
        if "slug" in body:
            post["slug"] = self.unique_slug(sanitize_title(str(body["slug"])), post.get("id"))
        elif not post.get("slug") and post.get("status") not in ("draft", "pending", "auto-draft"):
            post["slug"] = self.unique_slug(
                sanitize_title(post["title"]["raw"]) or str(post["id"]), post.get("id")
            )
        post["generated_slug"] = post["slug"] or sanitize_title(post["title"]["raw"])
        public = post["status"] == "publish" and post["slug"]
        post["link"] = f"{self.site}/{post['slug']}/" if public else f"{self.site}/?p={post['id']}"
        post["modified_gmt"] = now_utc().isoformat()
        return None

    def create_post(self, body: dict[str, Any], user: str | None) -> httpx.Response:
        if user is None:
            return wp_error(
                401,
                "rest_cannot_create",
                "Sorry, you are not allowed to create posts as this user.",
            )
        if "id" in body:
            return wp_error(400, "rest_post_exists", "Cannot create existing post.")
        if not any(
            str(
                (body.get(f) or {}).get("raw", "")
                if isinstance(body.get(f), dict)
                else body.get(f) or ""
            ).strip()
            for f in ("title", "content", "excerpt")
        ):
            return wp_error(400, "empty_content", "Content, title, and excerpt are empty.")
        post: dict[str, Any] = {
            "id": self.new_id(),
            "status": "draft",
            "slug": "",
            "type": "post",
            "title": {"raw": "", "rendered": ""},
            "content": {"raw": "", "rendered": ""},
            "excerpt": {"raw": "", "rendered": ""},
            "tags": [],
            "categories": [1],
            "featured_media": 0,
            "meta": [],
        }
        problem = self.apply(post, body, user)
        if problem is not None:
            return problem
        self.posts[post["id"]] = post
        return json_response(
            201, post, {"Location": f"{self.site}/wp-json/wp/v2/posts/{post['id']}"}
        )

    def update_post(
        self, post: dict[str, Any], body: dict[str, Any], user: str | None
    ) -> httpx.Response:
        if user is None:
            return wp_error(
                401, "rest_cannot_edit", "Sorry, you are not allowed to edit this post."
            )
        updated = json.loads(json.dumps(post))
        problem = self.apply(updated, body, user)
        if problem is not None:
            return problem
        self.posts[post["id"]] = updated
        return json_response(200, updated)

    def delete_post(
        self, post: dict[str, Any], query: dict[str, str], user: str | None
    ) -> httpx.Response:
        if user is None:
            return wp_error(
                401, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."
            )
        if query.get("force") in ("true", "1"):
            del self.posts[post["id"]]
            return json_response(200, {"deleted": True, "previous": post})
        if post["status"] == "trash":
            return wp_error(410, "rest_already_trashed", "The post has already been deleted.")
        post["status"], post["slug"] = "trash", f"{post['slug']}__trashed"
        return json_response(200, post)

    def list_posts(self, query: dict[str, str], user: str | None) -> httpx.Response:
        status = query.get("status", "publish")
        if status != "publish" and user is None:
            return wp_error(
                400, INVALID_PARAM, "Invalid parameter(s): status",
                params={"status": "Status is forbidden."},
                details={"status": {"code": "rest_forbidden_status",
                                    "message": "Status is forbidden.", "data": {"status": 401}}},
            )
        items = [
            p
            for p in self.posts.values()
            if (p["status"] != "trash" if status == "any" else p["status"] in status.split(","))
        ]
        if "slug" in query:
            wanted = {sanitize_title(s) for s in query["slug"].split(",")}
            items = [p for p in items if p["slug"] in wanted]
        if "search" in query:
            needle = query["search"].lower()
            items = [
                p
                for p in items
                if needle in (p["title"]["raw"] + p["content"]["raw"] + p["excerpt"]["raw"]).lower()
            ]
        return self.page(items, query)

    def page(self, items: list[dict[str, Any]], query: dict[str, str]) -> httpx.Response:
        try:
            per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
        except ValueError:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if not 1 <= per_page <= 100:
            return wp_error(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): per_page",
                params={"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"},
            )
        pages = max(1, math.ceil(len(items) / per_page))
        if page > pages and items:
            return wp_error(
                400,
                "rest_post_invalid_page_number",
                "The page number requested is larger than the number of pages available.",
            )
        chunk = items[(page - 1) * per_page : page * per_page]
        return json_response(
            200, chunk, {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}
        )

    # --- terms and media ----------------------------------------------------------------
    def list_terms(self, taxonomy: str, query: dict[str, str]) -> httpx.Response:
        items = list(self.terms[taxonomy].values())
        if "slug" in query:
            wanted = {sanitize_title(s) for s in query["slug"].split(",")}
            items = [t for t in items if t["slug"] in wanted]
        if "search" in query:
            items = [t for t in items if query["search"].lower() in t["name"].lower()]
        return self.page(items, query)

    def create_term(self, taxonomy: str, body: dict[str, Any], user: str | None) -> httpx.Response:
        if user is None:
            return wp_error(
                401,
                "rest_cannot_create",
                "Sorry, you are not allowed to create terms in this taxonomy.",
            )
        name = " ".join(re.sub(r"<[^>]*>", "", str(body.get("name") or "")).split())
        name = re.sub(r"&(?![#\w]+;)", "&amp;", name)  # stored as core's kses leaves it
        if not name:
            return wp_error(
                400, "rest_missing_callback_param", "Missing parameter(s): name", params=["name"]
            )
        if "parent" in body and taxonomy == "tags":
            return wp_error(
                400,
                "rest_taxonomy_not_hierarchical",
                "Can not set parent term, taxonomy is not hierarchical.",
            )
        for term in self.terms[taxonomy].values():
            if term["name"].lower() == name.lower():
                return json_response(
                    400,
                    {
                        "code": "term_exists",
                        "message": "A term with the name provided already exists in this taxonomy.",
                        "data": {"status": 400, "term_id": term["id"]},
                        "additional_data": [term["id"]],
                    },
                )
        term = {
            "id": self.new_id(),
            "name": name,
            "slug": self.unique_term_slug(taxonomy, sanitize_title(str(body.get("slug") or name))),
            "taxonomy": "post_tag" if taxonomy == "tags" else "category",
            "count": 0,
        }
        self.terms[taxonomy][term["id"]] = term
        return json_response(
            201, term, {"Location": f"{self.site}/wp-json/wp/v2/{taxonomy}/{term['id']}"}
        )

    def unique_term_slug(self, taxonomy: str, slug: str) -> str:
        taken = {t["slug"] for t in self.terms[taxonomy].values()}
        n, candidate = 2, slug
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    def delete_term(
        self, taxonomy: str, term_id: int, query: dict[str, str], user: str | None
    ) -> httpx.Response:
        term = self.terms[taxonomy].get(term_id)
        if term is None:
            return wp_error(404, "rest_term_invalid", "Term does not exist.")
        if user is None:
            return wp_error(
                401, "rest_cannot_delete", "Sorry, you are not allowed to delete this term."
            )
        if query.get("force") not in ("true", "1"):
            return wp_error(
                501, "rest_trash_not_supported",
                "Terms do not support trashing. Set 'force=true' to delete.",
            )
        del self.terms[taxonomy][term_id]
        return json_response(200, {"deleted": True, "previous": term})

    def unique_file_name(self, name: str) -> str:
        """``cover.png``, then ``cover-1.png``, ``cover-2.png`` (wp_unique_filename)."""
        taken = {m.get("file") for m in self.media.values()}
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        n, candidate = 1, name
        while candidate in taken:
            candidate, n = f"{stem}-{n}{dot}{ext}", n + 1
        return candidate

    def upload(self, request: httpx.Request, user: str | None) -> httpx.Response:
        if user is None:
            return wp_error(
                401,
                "rest_cannot_create",
                "Sorry, you are not allowed to upload media as this user.",
            )
        if not request.content:
            return wp_error(400, "rest_upload_no_data", "No data supplied.")
        kind = request.headers.get("content-type")
        if not kind:
            return wp_error(400, "rest_upload_no_content_type", "No Content-Type supplied.")
        disposition = request.headers.get("content-disposition")
        if not disposition:
            return wp_error(
                400, "rest_upload_no_content_disposition", "No Content-Disposition supplied."
            )
        match = re.search(r'filename="?([^";]+)"?', disposition)
        if match is None:
            return wp_error(
                400,
                "rest_upload_invalid_disposition",
                'Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as `attachment; filename="image.png"` or similar.',  # noqa: E501 (WordPress's exact message)
            )
        name = match.group(1).strip().rsplit("/", 1)[-1]
        allowed = UPLOAD_TYPES.get(name.rpartition(".")[2].lower())
        magic = IMAGE_MAGIC.get(allowed or "")
        if allowed is None or (magic and not request.content.startswith(magic)):
            return wp_error(
                500, "rest_upload_sideload_error",
                "Sorry, you are not allowed to upload this file type.",
            )
        name = self.unique_file_name(name)
        stem = name.rpartition(".")[0] or name
        month = now_utc().strftime("%Y/%m")
        media: dict[str, Any] = {
            "id": self.new_id(),
            "file": name,
            "slug": self.unique_slug(sanitize_title(stem)),
            "title": {"raw": stem, "rendered": stem},
            "source_url": f"{self.site}/wp-content/uploads/{month}/{name}",
            "mime_type": allowed,
            "media_type": "image" if allowed.startswith("image/") else "file",
        }
        self.media[media["id"]] = media
        return json_response(
            201, media, {"Location": f"{self.site}/wp-json/wp/v2/media/{media['id']}"}
        )


def fakes(ctx: SandboxContext) -> list[FakeWordPress]:
    return [FakeWordPress(site=ctx.url("wordpress"))]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_WORDPRESS__BASE_URL": base_url,
            "SYNDICATE_WORDPRESS__USERNAME": WORDPRESS_USER,
            "SYNDICATE_WORDPRESS__APP_PASSWORD": WORDPRESS_APP_PASSWORD}
