"""A faithful fake of the Forem API v1 (dev.to), for tests and the sandbox.

Enforced (facts and sources in this folder's README.md):
- ``api-key`` header on writes and ``/me*``; missing or unknown → 401
  ``{"error": "unauthorized", "status": 401}``. Errors are ``{"error", "status"}``.
- ``{"article": {...}}``: missing or not an object → 422 "param is missing or the value is
  empty: article"; keys outside Forem's permitted list are dropped silently; ``tags`` that
  is not a list is dropped silently (Rails strong parameters).
- title present and ≤128 characters; ``body_markdown`` ≤800 KB (bytes); ``canonical_url``
  and ``main_image`` http(s) without spaces, ``""`` canonical becomes null.
- Tags: lower-cased, comma-split inside one element, at most 4, each ≤30 ASCII letters or
  digits; errors joined into one sentence ("Tag list exceed the maximum of 4 tags").
- Uniqueness: ``canonical_url`` across the whole site (``others`` holds articles of other
  accounts) → 422 "Canonical url has already been taken"; the same title and body for one
  user → 422 "Body markdown has already been taken".
- A body starting with ``---`` front matter overrides title, tags, published,
  canonical_url, description (the trap the adapter must avoid).
- 201 + ``Location`` on create; single responses carry ``tag_list`` as a string and
  ``tags`` as a list, list responses the other way round.
- Drafts get ``<title>-temp-slug-NNNNNNN``; the first publish gives ``<title>-xxxx`` and
  ``published_at``. No DELETE route (404); unpublish is PUT ``published: false``; a PUT on
  another account's or a missing id → 404.
- ``/articles/me`` (published), ``/me/published``, ``/me/unpublished``, ``/me/all`` with
  ``page`` and ``per_page`` (≤1000, default 30), newest published first, then newest.
- Throttles on the injectable clock: one write a second per key (429, plain-text body
  "Retry later", ``Retry-After: 1``) and ``window_limit`` article creates/updates per 30 s
  (429 JSON "Rate limit reached, try again in 30 seconds", ``Retry-After: 30``).

Simplifications: the v1 ``Accept`` header is not required (Forem would answer with the
deprecated v0 controllers, whose shapes match for these calls); tag aliases, organisations'
membership checks and spam scoring are not modelled.
"""

from __future__ import annotations

import json
import random
import re
import string
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import yaml

from syndicate.sandbox.base import Clock, SandboxContext, json_response

API_KEY = "sandbox-devto-api-key"
"""The sandbox's throwaway key (it unlocks nothing real)."""
USER = {"name": "Sandbox Writer", "username": "sandbox", "user_id": 1234567,
        "twitter_username": None, "github_username": None, "website_url": None,
        "profile_image": "", "profile_image_90": ""}
PERMITTED = frozenset({"title", "body_markdown", "published", "series", "main_image",
                       "canonical_url", "description", "tags", "organization_id",
                       "published_at", "video_source_url", "language", "subforem_id"})
URL = re.compile(r"https?://\S+\Z")


def forem_error(status: int, message: str) -> httpx.Response:
    return json_response(status, {"error": message, "status": status})


def sentence(errors: list[str]) -> str:
    if len(errors) <= 1:
        return "".join(errors)
    return ", ".join(errors[:-1]) + " and " + errors[-1]


def stamp(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parameterize(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:100] or "article"


class FakeDevto:
    name = "devto"

    def __init__(self, *, site: str = "https://dev.to", api_key: str = API_KEY,
                 clock: Clock = time.time, window_limit: int = 9,
                 others: list[dict[str, Any]] | None = None, seed: int = 0) -> None:
        self.site = site.rstrip("/")
        self.api_key = api_key
        self.clock = clock
        self.window_limit = window_limit
        self.articles: list[dict[str, Any]] = []
        self.others = list(others or [])
        """Articles of other accounts: they only take canonical URLs."""
        self.last_write = -1e18
        self.window: list[float] = []
        self.random = random.Random(seed)

    # --- sandbox contract -------------------------------------------------------------

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return httpx.Response(429, text="Retry later\n", headers={
            "Retry-After": str(max(retry_after, 0)), "Content-Type": "text/plain"})

    def records(self) -> list[dict[str, Any]]:
        return [{"id": a["id"], "title": a["title"], "url": a["url"]} for a in self.articles]

    def dump(self) -> dict[str, Any]:
        return {"articles": self.articles, "others": self.others}

    def load(self, data: dict[str, Any]) -> None:
        self.articles = list(data.get("articles", []))
        self.others = list(data.get("others", []))

    # --- routing ----------------------------------------------------------------------

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        path = "/" + path.strip("/")
        if not path.startswith("/api/"):
            return forem_error(404, "not found")
        route = path[len("/api"):]
        query = request.url.params
        write = request.method in ("POST", "PUT", "DELETE")
        needs_key = write or route.startswith(("/articles/me", "/users/me"))
        if needs_key and request.headers.get("api-key") != self.api_key:
            return forem_error(401, "unauthorized")
        if write:
            now = self.clock()
            if now - self.last_write < 1.0:
                return self.rate_limit_response(1)
            self.last_write = now
        if route == "/users/me" and request.method == "GET":
            return json_response(200, {"type_of": "user", "id": USER["user_id"], **USER})
        if route == "/articles" and request.method == "POST":
            return self.create(request)
        found = re.fullmatch(r"/articles/me(?:/(all|published|unpublished))?", route)
        if found and request.method == "GET":
            return self.mine(found[1] or "published", query)
        found = re.fullmatch(r"/articles/(\d+)", route)
        if found and request.method == "PUT":
            return self.update(request, int(found[1]))
        if found and request.method == "GET":
            article = self.by_id(int(found[1]))
            if article is None or not article["published"]:
                return forem_error(404, "not found")
            return json_response(200, self.single(article))
        return forem_error(404, "not found")

    # --- articles ---------------------------------------------------------------------

    def by_id(self, article_id: int) -> dict[str, Any] | None:
        return next((a for a in self.articles if a["id"] == article_id), None)

    def incoming(self, request: httpx.Request) -> dict[str, Any] | httpx.Response:
        try:
            body = json.loads(request.read() or b"null")
        except ValueError:
            return forem_error(400, "Error occurred while parsing request parameters")
        article = body.get("article") if isinstance(body, dict) else None
        if not isinstance(article, dict) or not article:
            return forem_error(422, "param is missing or the value is empty: article")
        fields = {k: v for k, v in article.items() if k in PERMITTED}
        if "tags" in fields and not isinstance(fields["tags"], list):
            del fields["tags"]  # strong params permit only tags: []
        return fields

    def front_matter(self, fields: dict[str, Any]) -> dict[str, Any]:
        body = str(fields.get("body_markdown") or "")
        found = re.match(r"---\s*\n(.*?)\n---\s*(\n|\Z)", body, re.DOTALL)
        if not found:
            return fields
        try:
            meta = yaml.safe_load(found[1])
        except yaml.YAMLError:
            return fields
        if not isinstance(meta, dict):
            return fields
        out = dict(fields)
        for key in ("title", "published", "canonical_url", "description"):
            if key in meta:
                out[key] = meta[key]
        if "tags" in meta:
            out["tags"] = str(meta["tags"]).split(",") if not isinstance(meta["tags"], list) \
                else meta["tags"]
        if "cover_image" in meta:
            out["main_image"] = meta["cover_image"]
        return out

    def problems(self, art: dict[str, Any], self_id: int | None) -> list[str]:
        errors = []
        title = str(art.get("title") or "")
        if not title.strip():
            errors.append("Title can't be blank")
        elif len(title) > 128:
            errors.append("Title is too long (maximum is 128 characters)")
        if len(str(art.get("body_markdown") or "").encode("utf-8")) > 800 * 1024:
            errors.append("Body markdown is too long (maximum is 800 KB)")
        for key, label in (("canonical_url", "Canonical url"), ("main_image", "Main image")):
            value = art.get(key)
            if value and not URL.match(str(value)):
                errors.append(f"{label} must be a valid URL")
        tags = art.get("tag_list_array", [])
        if len(tags) > 4:
            errors.append("Tag list exceed the maximum of 4 tags")
        for tag in tags:
            if len(tag) > 30:
                errors.append(f'Tag "{tag}" is too long (maximum is 30 characters)')
            elif not re.fullmatch(r"[a-z0-9]+", tag):
                errors.append(f'Tag "{tag}" contains non-ASCII characters')
        canonical = art.get("canonical_url")
        if canonical and any(a.get("canonical_url") == canonical and a["id"] != self_id
                             for a in self.articles + self.others):
            errors.append("Canonical url has already been taken")
        if any(a["title"] == title and a["body_markdown"] == art.get("body_markdown")
               and a["id"] != self_id for a in self.articles):
            errors.append("Body markdown has already been taken")
        return errors

    def window_full(self) -> httpx.Response | None:
        now = self.clock()
        self.window = [t for t in self.window if now - t < 30.0]
        if len(self.window) >= self.window_limit:
            return json_response(429, {"error": "Rate limit reached, try again in 30 seconds",
                                       "status": 429}, {"Retry-After": "30"})
        return None

    def apply(self, art: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(art)
        out.update({k: v for k, v in fields.items() if k != "tags"})
        if "tags" in fields:
            split = [t.strip().lower() for tag in fields["tags"] for t in str(tag).split(",")]
            out["tag_list_array"] = [t for t in dict.fromkeys(split) if t]
        if out.get("canonical_url") == "":
            out["canonical_url"] = None
        out["published"] = bool(out.get("published"))
        return out

    def create(self, request: httpx.Request) -> httpx.Response:
        fields = self.incoming(request)
        if isinstance(fields, httpx.Response):
            return fields
        fields = self.front_matter(fields)
        if fields.get("published") and (refused := self.window_full()):
            return refused
        now = self.clock()
        art = self.apply({"id": max([a["id"] for a in self.articles + self.others] + [1000]) + 1,
                          "tag_list_array": [], "created_at": now, "published_at": None,
                          "edited_at": None, "description": None, "main_image": None,
                          "canonical_url": None, "body_markdown": ""}, fields)
        errors = self.problems(art, None)
        if errors:
            return forem_error(422, sentence(errors))
        self.set_slug(art)
        if fields.get("published"):
            self.window.append(now)
        self.articles.append(art)
        return json_response(201, self.single(art), {"Location": art["url"]})

    def set_slug(self, art: dict[str, Any]) -> None:
        base = parameterize(art["title"])
        if art["published"] and (not art.get("slug") or "-temp-slug-" in art["slug"]):
            suffix = "".join(self.random.choice(string.ascii_lowercase) for _ in range(4))
            art["slug"] = f"{base}-{suffix}"
            art["published_at"] = art["published_at"] or self.clock()
        elif not art.get("slug"):
            art["slug"] = f"{base}-temp-slug-{self.random.randrange(10**6, 10**7)}"
        art["url"] = f"{self.site}/{USER['username']}/{art['slug']}"

    def update(self, request: httpx.Request, article_id: int) -> httpx.Response:
        art = self.by_id(article_id)
        if art is None:
            return forem_error(404, "not found")
        fields = self.incoming(request)
        if isinstance(fields, httpx.Response):
            return fields
        fields = self.front_matter(fields)
        if refused := self.window_full():
            return refused
        changed = self.apply(art, fields)
        errors = self.problems(changed, article_id)
        if errors:
            return forem_error(422, sentence(errors))
        changed["edited_at"] = self.clock()
        self.set_slug(changed)
        self.window.append(self.clock())
        art.clear()
        art.update(changed)
        return json_response(200, self.single(art))

    def shown(self, art: dict[str, Any]) -> dict[str, Any]:
        return {
            "type_of": "article", "id": art["id"], "title": art["title"],
            "description": art.get("description") or art["body_markdown"][:100],
            "slug": art["slug"], "path": "/" + art["url"].split("/", 3)[-1], "url": art["url"],
            "cover_image": art.get("main_image"), "social_image": art.get("main_image"),
            "canonical_url": art.get("canonical_url") or art["url"],
            "created_at": stamp(art["created_at"]), "edited_at": stamp(art.get("edited_at")),
            "published_at": stamp(art.get("published_at")), "user": dict(USER),
        }

    def single(self, art: dict[str, Any]) -> dict[str, Any]:
        return {**self.shown(art), "tag_list": ", ".join(art["tag_list_array"]),
                "tags": list(art["tag_list_array"]), "body_markdown": art["body_markdown"]}

    def mine(self, which: str, query: httpx.QueryParams) -> httpx.Response:
        try:
            page = max(1, int(query.get("page", 1)))
            per_page = max(1, min(1000, int(query.get("per_page", 30))))
        except ValueError:
            return forem_error(400, "page and per_page must be numbers")
        chosen = [a for a in self.articles
                  if which == "all" or a["published"] == (which == "published")]
        chosen.sort(key=lambda a: (a.get("published_at") or 0, a["created_at"]), reverse=True)
        shown = [{**self.shown(a), "published": a["published"],
                  "tag_list": list(a["tag_list_array"]), "tags": ", ".join(a["tag_list_array"]),
                  "body_markdown": a["body_markdown"], "page_views_count": 0}
                 for a in chosen[(page - 1) * per_page: page * per_page]]
        return json_response(200, shown)


def fakes(ctx: SandboxContext) -> list[FakeDevto]:
    """The sandbox's dev.to, mounted at /devto."""
    return [FakeDevto(site=ctx.url("devto"), clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    """Point syndicate's dev.to settings at the fake mounted at ``base_url``."""
    return {"SYNDICATE_DEVTO__BASE_URL": base_url.rstrip("/") + "/api",
            "SYNDICATE_DEVTO__API_KEY": API_KEY}
