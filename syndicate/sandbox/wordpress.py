"""A faithful fake of the WordPress REST API ``wp/v2`` with Application Passwords.

Enforced, following WordPress core (and checked against a real WordPress 6.1 by the
contract tests under tests/):
- Basic auth with application passwords: non-alphanumerics stripped before comparing,
  login or e-mail; unknown login → 401 ``invalid_username``, bad password → 401
  ``incorrect_password``. With ``https_or_local=False`` the credentials are ignored
  silently (anonymous), so a create fails with 401 ``rest_cannot_create``.
- Anonymous → 401, logged in but not allowed → 403; ``status`` enum → 400
  ``rest_invalid_param``; ``empty_content`` when title, content and excerpt are empty.
- Slugs sanitised (lower case, hyphens, UTF-8 percent-encoded in lower-case hex) and
  made unique with ``-2``, ``-3`` (also for drafts given a slug); drafts created without
  a slug keep it empty with a ``generated_slug``; trashed posts become ``<slug>__trashed``.
- Terms by integer id only: unknown ids dropped silently, strings → 400; a duplicate
  term name → 400 ``term_exists`` with ``data.term_id``.
- Media: raw body needing Content-Type and a Content-Disposition filename (exact codes);
  ``featured_media`` must exist. Unregistered ``meta`` keys dropped silently.
- Collections: ``X-WP-Total``/``X-WP-TotalPages``, ``per_page`` ≤ 100, a page past the end
  → 400, ``status`` defaults to publish, ``status=any`` excludes trash, ``slug``, ``search``.
- Trash: 200 trash → 410 ``rest_already_trashed`` → ``force=true`` 200 ``{deleted, previous}``.
- 201 + ``Location`` on creates; errors exactly ``{code, message, data: {status}}``;
  unknown route 404 ``rest_no_route``; bad JSON 400 ``rest_invalid_json``.
Known difference from the real server: rendered content is stored as sent (WordPress
runs wpautop and texturize filters on ``content.rendered``; ``raw`` is identical).
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

from syndicate.sandbox.base import json_response
from syndicate.sandbox.credentials import WORDPRESS_APP_PASSWORD, WORDPRESS_USER

STATUSES = ("publish", "future", "draft", "pending", "private")
PUBLISHERS = ("administrator", "editor", "author")


def wp_error(status: int, code: str, message: str, **data: Any) -> httpx.Response:
    return json_response(
        status, {"code": code, "message": message, "data": {"status": status, **data}}
    )


def sanitize_title(text: str) -> str:
    """Like sanitize_title_with_dashes: lower case, hyphens, UTF-8 percent-encoded."""
    text = re.sub(r"<[^>]*>", "", text).strip().lower()
    text = re.sub(r"[\s_.]+", "-", text)
    text = re.sub(r"[^\w%-]", "", text)
    encoded = quote(text, safe="-%").lower()
    return re.sub(r"-+", "-", encoded).strip("-")[:200]


class FakeWordPress:
    name = "wordpress"

    def __init__(
        self,
        *,
        site: str = "http://127.0.0.1/wordpress",
        https_or_local: bool = True,
        users: dict[str, tuple[str, str, str]] | None = None,
    ) -> None:
        self.site = site.rstrip("/")
        self.https_or_local = https_or_local
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
                return None, wp_error(
                    401,
                    "incorrect_password",
                    "The provided password is an invalid application password.",
                )
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
                try:
                    parsed = json.loads(request.content)
                except ValueError:
                    return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
                body = parsed if isinstance(parsed, dict) else {}
        method = request.method
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
        if route == "/wp/v2/media" and method == "POST":
            return self.upload(request, user)
        return wp_error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

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
            return wp_error(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): status",
                params={"status": f"status is not one of {', '.join(STATUSES)}."},
                details={"status": {"code": "rest_not_in_enum", "message": "", "data": None}},
            )
        role = self.users[user][2] if user else None
        if body.get("status") in ("publish", "future", "private") and role not in PUBLISHERS:
            return self.forbidden(
                user,
                "rest_cannot_publish",
                "Sorry, you are not allowed to publish posts as this user.",
            )
        for taxonomy in ("tags", "categories"):
            if taxonomy in body:
                ids = body[taxonomy]
                if not isinstance(ids, list) or not all(
                    isinstance(i, int) or (isinstance(i, str) and i.isdigit()) for i in ids
                ):
                    return wp_error(
                        400,
                        "rest_invalid_param",
                        f"Invalid parameter(s): {taxonomy}",
                        params={taxonomy: f"{taxonomy}[0] is not of type integer."},
                    )
                post[taxonomy] = [int(i) for i in ids if int(i) in self.terms[taxonomy]]
        if "featured_media" in body:
            media = int(body["featured_media"] or 0)
            if media and media not in self.media:
                return wp_error(400, "rest_invalid_featured_media", "Invalid featured media ID.")
            post["featured_media"] = media
        for field in ("title", "content", "excerpt"):
            if field in body:
                value = (
                    body[field]["raw"] if isinstance(body[field], dict) else str(body[field] or "")
                )
                post[field] = {"raw": value, "rendered": value}
        if "meta" in body:
            post["meta"] = {}
        for field in ("status", "date", "date_gmt", "author", "format", "sticky", "comment_status"):
            if field in body:
                post[field] = body[field]
        if "slug" in body:
            post["slug"] = self.unique_slug(sanitize_title(str(body["slug"])), post.get("id"))
        elif not post.get("slug") and post.get("status") not in ("draft", "pending", "auto-draft"):
            post["slug"] = self.unique_slug(
                sanitize_title(post["title"]["raw"]) or str(post["id"]), post.get("id")
            )
        post["generated_slug"] = post["slug"] or sanitize_title(post["title"]["raw"])
        post["link"] = f"{self.site}/{post['slug'] or '?p=' + str(post['id'])}/"
        post["modified_gmt"] = (
            datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        )
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
            "meta": {},
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
            return wp_error(401, "rest_forbidden_status", "Status is forbidden.")
        items = [
            p
            for p in self.posts.values()
            if (p["status"] != "trash" if status == "any" else p["status"] in status.split(","))
        ]
        if "slug" in query:
            wanted = set(query["slug"].split(","))
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
            items = [t for t in items if t["slug"] in query["slug"].split(",")]
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
        name = str(body.get("name") or "").strip()
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
            "slug": sanitize_title(str(body.get("slug") or name)),
            "taxonomy": "post_tag" if taxonomy == "tags" else "category",
            "count": 0,
        }
        self.terms[taxonomy][term["id"]] = term
        return json_response(
            201, term, {"Location": f"{self.site}/wp-json/wp/v2/{taxonomy}/{term['id']}"}
        )

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
        media = {
            "id": self.new_id(),
            "source_url": f"{self.site}/wp-content/uploads/{match.group(1)}",
            "mime_type": kind,
            "media_type": "image" if kind.startswith("image/") else "file",
        }
        self.media[media["id"]] = media
        return json_response(
            201, media, {"Location": f"{self.site}/wp-json/wp/v2/media/{media['id']}"}
        )
