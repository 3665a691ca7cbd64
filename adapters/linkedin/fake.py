"""A faithful fake of LinkedIn's versioned Posts and Images APIs for one member.

Enforced as LinkedIn documents or is observed to behave (README.md in this folder):
- Bearer token (401 ``serviceErrorCode`` 65600 otherwise); ``/rest/*`` needs
  ``LinkedIn-Version`` from the active set (426 ``NONEXISTENT_VERSION`` otherwise) and
  ``X-Restli-Protocol-Version: 2.0.0`` (400 without).
- ``/v2/userinfo`` gives ``sub``; the author must be that member (403 ``ACCESS_DENIED``).
- ``POST /rest/posts`` → 201 with the URN in ``x-restli-id`` and an empty body;
  ``commentary`` is little text: escapes become plain characters, ``{hashtag|#|x}`` and
  ``#word`` are hashtags, and an unescaped reserved character that forms no element
  **silently cuts the stored commentary there** (still 201); over 3,000 UTF-16 units →
  400 ``ShareCommentary text length ... exceeded``; ``content.article.source`` required;
  a ``thumbnail`` must be an image URN made by ``initializeUpload`` for that author.
- An identical repeat (author, commentary, content) → 422 ``DUPLICATE_POST`` naming the
  first URN, remembered even after a delete.
- ``PARTIAL_UPDATE`` (POST + ``X-RestLi-Method``) patches only commentary and a few other
  fields; ``content`` is not patchable (400); success 204. ``DELETE`` → 204, also again.
- Reading a member's posts needs ``r_member_social``, which self-serve tokens lack: 403.
- A daily count per member (150) → 429 ``serviceErrorCode`` 101, no Retry-After.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import unquote

import httpx

from syndicate.sandbox.base import Clock, Fake, SandboxContext, json_response

TOKEN = "sandbox-linkedin-token"
SUB = "SaNdBoX42"
VERSIONS = ("202510", "202511", "202512", "202601", "202602", "202603", "202604", "202605",
            "202606", "202607", "202608", "202609", "202610", "202611", "202612")
PATCHABLE = {"commentary", "contentCallToActionLabel", "contentLandingPage", "reshareContext",
             "lifecycleState", "adContext"}
DAILY = 150
ELEMENT = re.compile(r"\{hashtag\|[#＃]\|[^{}|]+\}|@\[[^\]]*\]\(urn:li:[a-z]+:[^)]+\)|#\w+")


def li_error(status: int, message: str, code: str | None = None, service: int | None = None,
             extra: dict[str, Any] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"status": status, "message": message}
    if code:
        body["code"] = code
    if service is not None:
        body["serviceErrorCode"] = service
    return json_response(status, {**body, **(extra or {})})


def parse_little(text: str) -> str:
    """What LinkedIn keeps of a commentary: escapes resolved, elements kept, and everything
    from the first unescaped reserved character that starts no element cut off."""
    out, index = [], 0
    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if ch in "|{}@[]()<>#*_~":
            element = ELEMENT.match(text, index)
            if element is None:
                break
            out.append(element.group())
            index = element.end()
            continue
        out.append(ch)
        index += 1
    return "".join(out)


class FakeLinkedIn:
    name = "linkedin"

    def __init__(self, *, clock: Clock = time.time, token: str = TOKEN) -> None:
        self.clock, self.token = clock, token
        self.posts: dict[str, dict[str, Any]] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.fingerprints: dict[str, str] = {}
        self.made: list[float] = []
        self.serial = 0

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return li_error(429, "Resource level throttle limit for calls to this resource is reached.",
                        service=101)

    def records(self) -> list[dict[str, Any]]:
        return [{"id": urn, "title": p.get("content", {}).get("article", {}).get("title")
                 or p["commentary"].split("\n")[0],
                 "url": f"https://www.linkedin.com/feed/update/{urn}/"} for urn, p in self.posts.items()]

    def dump(self) -> dict[str, Any]:
        return {"posts": self.posts, "images": self.images, "fingerprints": self.fingerprints,
                "serial": self.serial}

    def load(self, data: dict[str, Any]) -> None:
        self.posts = dict(data.get("posts", {}))
        self.images = dict(data.get("images", {}))
        self.fingerprints = dict(data.get("fingerprints", {}))
        self.serial = int(data.get("serial", 0))

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        if path.startswith("/upload/"):
            return self.upload(request, path)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return li_error(401, "Invalid access token", service=65600)
        if path == "/v2/userinfo" and request.method == "GET":
            return json_response(200, {"sub": SUB, "name": "Sandbox Writer"})
        if not path.startswith("/rest/"):
            return li_error(404, f"No virtual resource found for {path}")
        version = request.headers.get("LinkedIn-Version")
        if version not in VERSIONS:
            return li_error(426, f"Requested version {version} is not active", "NONEXISTENT_VERSION")
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return li_error(400, "X-Restli-Protocol-Version 2.0.0 is required")
        if path == "/rest/images" and request.url.params.get("action") == "initializeUpload":
            return self.initialize(request)
        if path == "/rest/posts":
            if request.method == "POST":
                return self.create(request)
            return li_error(403, "Not enough permissions to access: partnerApiPostsExternal.FINDER-author",
                            "ACCESS_DENIED")
        match = re.fullmatch(r"/rest/posts/([^/]+)", path)
        if match:
            urn = unquote(match.group(1))
            if request.method == "DELETE":
                self.posts.pop(urn, None)
                return httpx.Response(204)
            if request.method == "GET":
                return li_error(403, "Not enough permissions to access: partnerApiPostsExternal.GET",
                                "ACCESS_DENIED")
            if request.method == "POST" and request.headers.get("X-RestLi-Method") == "PARTIAL_UPDATE":
                return self.patch(request, urn)
        return li_error(405, "Method not allowed")

    def me(self) -> str:
        return f"urn:li:person:{SUB}"

    def initialize(self, request: httpx.Request) -> httpx.Response:
        body = parse(request)
        owner = ((body or {}).get("initializeUploadRequest") or {}).get("owner")
        if owner != self.me():
            return li_error(403, "Not enough permissions to act as this owner", "ACCESS_DENIED")
        self.serial += 1
        urn = f"urn:li:image:D4E10SaNdBoX{self.serial:06d}"
        self.images[urn] = {"owner": owner, "uploaded": False}
        base = str(request.url).split("/rest/")[0]
        return json_response(200, {"value": {"uploadUrl": f"{base}/upload/{self.serial}",
                                             "image": urn, "uploadUrlExpiresAt": 0}})

    def upload(self, request: httpx.Request, path: str) -> httpx.Response:
        urn = f"urn:li:image:D4E10SaNdBoX{int(path.rsplit('/', 1)[-1]):06d}"
        if request.method not in ("PUT", "POST") or urn not in self.images or not request.content:
            return li_error(400, "Upload failed")
        self.images[urn]["uploaded"] = True
        return httpx.Response(201)

    def create(self, request: httpx.Request) -> httpx.Response:
        body = parse(request)
        if body is None:
            return li_error(400, "Invalid JSON")
        if body.get("author") != self.me():
            return li_error(403, "Not enough permissions to post as this author", "ACCESS_DENIED")
        commentary = str(body.get("commentary", ""))
        units = len(commentary.encode("utf-16-le")) // 2
        if units > 3000:
            return li_error(400, f"ShareCommentary text length ({units} characters) exceeded the "
                            "maximum allowed (3000 characters)", extra={"errorDetails": {"inputErrors": [
                                {"code": "FIELD_LENGTH_TOO_LONG", "input": {"inputPath": {
                                    "fieldPath": "commentary"}}, "maxLength": 3000}]}})
        article = (body.get("content") or {}).get("article")
        if body.get("content") is not None:
            if not isinstance(article, dict) or not article.get("source"):
                return li_error(400, "/content/article/source is required")
            thumb = article.get("thumbnail")
            if thumb is not None and not (thumb in self.images and self.images[thumb]["uploaded"]
                                          and self.images[thumb]["owner"] == body["author"]):
                return li_error(400, f"Invalid thumbnail {thumb}")
        now = self.clock()
        self.made = [t for t in self.made if int(t // 86400) == int(now // 86400)]
        if len(self.made) >= DAILY:
            return self.rate_limit_response(0)
        fingerprint = json.dumps([body.get("author"), commentary, body.get("content")],
                                 sort_keys=True, ensure_ascii=False)
        if fingerprint in self.fingerprints:
            first = self.fingerprints[fingerprint]
            return li_error(422, "com.linkedin.content.common.exception.BadRequestResponseException: "
                            f"Content is a duplicate of {first}", extra={
                                "errorDetailType": "com.linkedin.common.error.BadRequest",
                                "errorDetails": {"inputErrors": [{"code": "DUPLICATE_POST"}]}})
        self.made.append(now)
        self.serial += 1
        urn = f"urn:li:share:{7_100_000_000_000_000_000 + self.serial}"
        self.posts[urn] = {**body, "commentary": parse_little(commentary), "raw": commentary}
        self.fingerprints[fingerprint] = urn
        return httpx.Response(201, headers={"x-restli-id": urn})

    def patch(self, request: httpx.Request, urn: str) -> httpx.Response:
        post = self.posts.get(urn)
        if post is None:
            return li_error(404, f"Post {urn} not found")
        changes = ((parse(request) or {}).get("patch") or {}).get("$set")
        if not isinstance(changes, dict) or not set(changes) <= PATCHABLE:
            return li_error(400, "Only commentary and a few other fields can be patched")
        if "commentary" in changes:
            text = str(changes["commentary"])
            if len(text.encode("utf-16-le")) // 2 > 3000:
                return li_error(400, "ShareCommentary text length exceeded the maximum allowed "
                                "(3000 characters)")
            post.update(commentary=parse_little(text), raw=text)
        return httpx.Response(204)


def parse(request: httpx.Request) -> dict[str, Any] | None:
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def fakes(ctx: SandboxContext) -> list[Fake]:
    return [FakeLinkedIn(clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_LINKEDIN__BASE_URL": base_url.rstrip('/'),
            "SYNDICATE_LINKEDIN__ACCESS_TOKEN": TOKEN}
