"""A faithful fake of Medium's API v1, for tests and the sandbox.

Enforced, as documented (see the Medium adapter's docstring for sources):
- ``Authorization: Bearer``: missing → 401 code 6000, unknown token → 401 code 6003
  (``bad_token_code=6005`` gives "Application not found", as some old tokens now get);
  error shape ``{"errors": [{"message", "code"}]}``.
- ``GET /v1/me`` gives the one user; posting (or listing publications) as another
  user id → 403.
- ``title``, ``contentFormat`` (exactly html|markdown) and ``content`` are required
  (400); unknown ``publishStatus``/``license`` → 400; status defaults to ``public``.
- Silent rules, never an error: only the first 3 tags are kept, tags over 25 code
  points dropped, a title over 100 characters ignored (one is made from the content).
- 201 ``{"data": Post}``; ``canonicalUrl`` only when sent; ``publishedAt`` (epoch ms)
  only when not a draft. Publications: editors any status, writers drafts only,
  anyone else 403; the post carries ``publicationId``.
- A daily cap (10 per rolling 24 h by default, on an injectable clock) → 429 code 1007,
  with no Retry-After (Medium documents none).
- No route reads, edits or deletes posts (404), so no adapter can come to rely on one.
- ``POST /v1/images``: multipart with one part named ``image`` of type jpeg, png, gif or
  tiff → 201 ``{"data": {"url", "md5"}}``; anything else 400.
Simplifications: error codes for bad fields are not documented by Medium; this fake uses
400 with code 2004 and names the field. The 429 the sandbox injects as a fault carries a
short Retry-After so faulted runs recover quickly; the cap's own 429 does not.
"""
from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import re
import time
from email.message import EmailMessage
from typing import Any

import httpx

from syndicate.sandbox.base import Clock, SandboxContext, json_response

MEDIUM_TOKEN = "sandbox-medium-token"
"""The sandbox's throwaway token and user id: they unlock nothing real."""
MEDIUM_USER_ID = "5303d74c64f66366f00cb9b2a94f3251bf5"

STATUSES = ("public", "draft", "unlisted")
LICENSES = ("all-rights-reserved", "cc-40-by", "cc-40-by-sa", "cc-40-by-nd", "cc-40-by-nc",
            "cc-40-by-nc-nd", "cc-40-by-nc-sa", "cc-40-zero", "public-domain")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/tiff")
DAY = 86400.0


def error(status: int, message: str, code: int) -> httpx.Response:
    return json_response(status, {"errors": [{"message": message, "code": code}]})


class FakeMedium:
    name = "medium"

    def __init__(self, *, token: str = MEDIUM_TOKEN, user_id: str = MEDIUM_USER_ID,
                 username: str = "sandbox", daily_cap: int = 10, clock: Clock = time.time,
                 publications: dict[str, str] | None = None, bad_token_code: int = 6003) -> None:
        self.token, self.user_id, self.username = token, user_id, username
        self.bad_token_code = bad_token_code
        self.daily_cap, self.clock = daily_cap, clock
        self.publications = publications or {}
        """publication id → this user's role there (editor, writer)."""
        self.posts: list[dict[str, Any]] = []
        self.created_at: list[float] = []

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        """Medium's 429; ``retry_after`` > 0 adds the header (only the sandbox's faults do)."""
        response = error(429, "User has reached the rate limit for publishing today.", 1007)
        if retry_after > 0:
            response.headers["Retry-After"] = str(retry_after)
        return response

    def records(self) -> list[dict[str, Any]]:
        return [{"id": p["id"], "title": p["title"], "url": p["url"]} for p in self.posts]

    def dump(self) -> dict[str, Any]:
        return {"posts": self.posts, "created_at": self.created_at}

    def load(self, data: dict[str, Any]) -> None:
        self.posts, self.created_at = list(data.get("posts", [])), list(data.get("created_at", []))

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            return error(401, "An access token is required.", 6000)
        if auth[7:].strip() != self.token:
            if self.bad_token_code == 6005:
                return error(401, "Application not found.", 6005)
            return error(401, "Token was invalid.", self.bad_token_code)
        if request.method == "GET" and path == "/v1/me":
            return json_response(200, {"data": {"id": self.user_id, "username": self.username,
                                                "name": "Sandbox", "url": f"https://medium.com/@{self.username}",
                                                "imageUrl": ""}})
        match = re.fullmatch(r"/v1/users/([^/]+)/publications", path)
        if request.method == "GET" and match:
            if match.group(1) != self.user_id:
                return error(403, "You may only list your own publications.", 6027)
            return json_response(200, {"data": [{"id": p, "name": p, "description": "", "url": "",
                                                 "imageUrl": ""} for p in self.publications]})
        match = re.fullmatch(r"/v1/(users|publications)/([^/]+)/posts", path)
        if request.method == "POST" and match:
            return self.create(request, match.group(1), match.group(2))
        if request.method == "POST" and path == "/v1/images":
            return self.image(request)
        return error(404, "Not found.", 6001)

    def create(self, request: httpx.Request, owner: str, owner_id: str) -> httpx.Response:
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            return error(400, "Request body is not valid JSON.", 2001)
        if not isinstance(body, dict):
            return error(400, "Request body must be an object.", 2001)
        for field in ("title", "contentFormat", "content"):
            if not body.get(field):
                return error(400, f"Missing required field: {field}.", 2004)
        if body["contentFormat"] not in ("html", "markdown"):
            return error(400, "contentFormat must be html or markdown.", 2004)
        status = body.get("publishStatus", "public")
        if status not in STATUSES:
            return error(400, f"Invalid publishStatus: {status}.", 2004)
        license_ = body.get("license", "all-rights-reserved")
        if license_ not in LICENSES:
            return error(400, f"Invalid license: {license_}.", 2004)
        publication = None
        if owner == "users" and owner_id != self.user_id:
            return error(403, "You may only create posts as yourself.", 6027)
        if owner == "publications":
            role = self.publications.get(owner_id)
            if role is None or (role == "writer" and status != "draft"):
                return error(403, "You do not have permission to publish there.", 6027)
            publication = owner_id
        now = self.clock()
        self.created_at = [t for t in self.created_at if now - t < DAY]
        if len(self.created_at) >= self.daily_cap:
            return self.rate_limit_response(0)
        self.created_at.append(now)
        title = str(body["title"])
        if len(title) > 100:
            first_line = str(body["content"]).strip().split("\n", 1)[0]
            title = re.sub(r"<[^>]*>|[#*_`>\[\]]", "", first_line).strip()[:100]
        tags = [t for t in (body.get("tags") or [])[:3] if isinstance(t, str) and len(t) <= 25]
        post_id = hashlib.sha1(f"{len(self.posts)}:{title}".encode()).hexdigest()[:12]
        post: dict[str, Any] = {
            "id": post_id, "title": title, "authorId": self.user_id, "tags": tags,
            "url": f"https://medium.com/@{self.username}/{post_id}", "publishStatus": status,
            "license": license_, "licenseUrl": "", "content": body["content"],
        }
        if body.get("canonicalUrl"):
            post["canonicalUrl"] = body["canonicalUrl"]
        if status != "draft":
            post["publishedAt"] = int(now * 1000)
        if publication:
            post["publicationId"] = publication
        self.posts.append(post)
        return json_response(201, {"data": {k: v for k, v in post.items() if k != "content"}})

    def image(self, request: httpx.Request) -> httpx.Response:
        kind = request.headers.get("content-type", "")
        if not kind.startswith("multipart/form-data"):
            return error(400, "Image upload must be multipart/form-data.", 2004)
        image = image_part(kind, request.content)
        if image is None:
            return error(400, "Missing image part named 'image'.", 2004)
        if image.get_content_type() not in IMAGE_TYPES:
            return error(400, "Unsupported image type.", 2004)
        data = image.get_payload(decode=True)
        digest = hashlib.md5(data if isinstance(data, bytes) else b"").hexdigest()  # noqa: S324 - Medium's own field is an md5
        extension = image.get_content_subtype()
        return json_response(201, {"data": {"url": f"https://cdn-images-1.medium.com/{digest}.{extension}",
                                            "md5": digest}})


def image_part(content_type: str, body: bytes) -> EmailMessage | None:
    """The multipart part named ``image``, parsed as a MIME message (CRLF and all)."""
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(part, EmailMessage) and name == "image":
            return part
    return None


def fakes(ctx: SandboxContext) -> list[FakeMedium]:
    return [FakeMedium(daily_cap=ctx.daily_cap, clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_MEDIUM__BASE_URL": f"{base_url}/v1", "SYNDICATE_MEDIUM__TOKEN": MEDIUM_TOKEN}
