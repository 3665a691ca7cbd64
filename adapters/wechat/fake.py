"""A faithful fake of the WeChat Official Account API (token, uploads, drafts, publishing).

Written from WeChat's documentation (see README.md beside it), not from the adapter: it
does not import adapter.py, so it checks the adapter rather than agreeing with it.
Everything answers HTTP 200 with ``errcode``/``errmsg`` (plus the ``hint: [...] rid:``
suffix real answers carry). Enforced: the AppID/AppSecret, the IP whitelist (40164,
switched by ``blocked_ip``), tokens that expire after 7,200 s (42001) and that
``/cgi-bin/token`` invalidates (40001) while ``stable_token`` hands out the current one;
uploadimg (JPG/PNG by their bytes, under 1 MB), permanent materials (image ≤ 10 MB,
thumb ≤ 64 KB JPG), draft limits (title 32, author 16, digest 128 characters, content
under 20,000 characters and 1 MB, a known permanent ``thumb_media_id``), the external
image rule (images not from uploadimg are filtered out; with ``strict`` the article is
refused, 45166), links only to mp.weixin.qq.com, daily quotas per API (45009) and
``clear_quota`` (10 a month, 48006), and publish jobs that run 1 → 0 (or a scripted
failure status) and remove the draft on success.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from syndicate.sandbox.base import Fake, SandboxContext, wall_clock

APP_ID = "wxsandbox0000000001"
APP_SECRET = "sandbox-wechat-secret-0123456789ab"
DEFAULT_THUMB = "sandbox-default-cover"
"""A permanent image material the sandbox account already holds (its default cover)."""
TOKEN_SECONDS = 7200
TOKEN_GRACE = 300
MMBIZ = "http://mmbiz.qpic.cn/"
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)("[^>]*>)', re.IGNORECASE)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
A_TAG = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
SCRIPT = re.compile(r"<script\b.*?</script>", re.IGNORECASE | re.DOTALL)
LIMITS = {"title": (32, 45003), "author": (16, 45110), "digest": (128, 45004)}
DAILY = {"draft/add": 1000, "media/uploadimg": 5000, "material/add_material": 1000,
         "freepublish/submit": 100, "stable_token": 500_000, "token": 2000}


def answer(code: int = 0, message: str = "ok", **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {"errcode": code, "errmsg": message, **fields}
    if code:
        rid = hashlib.sha1(f"{code}{message}".encode()).hexdigest()[:8]
        body["errmsg"] = f"{message} hint: [{rid.upper()}] rid: {rid}-sandbox"
    return httpx.Response(200, content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                          headers={"Content-Type": "application/json; encoding=utf-8"})


def image_kind(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"BM"):
        return "bmp"
    return None


def multipart_media(request: httpx.Request) -> tuple[str, bytes] | None:
    """The ``media`` part of a multipart body: (file name, bytes)."""
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        return None
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + request.content)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "media":
            payload = part.get_payload(decode=True)
            return str(part.get_filename() or ""), payload if isinstance(payload, bytes) else b""
    return None


class FakeWeChat:
    """One Official Account. ``strict``: refuse external images and links (45166) instead
    of filtering them; ``publish_outcome``: the final status of the next publish jobs."""

    name = "wechat"

    def __init__(self, clock: Callable[[], float] = wall_clock, *, strict: bool = False) -> None:
        self.clock = clock
        self.strict = strict
        self.blocked_ip: str | None = None
        self.can_publish = True
        self.publish_outcome = 0
        self.tokens: dict[str, float] = {}
        self.stable: str | None = None
        self.serial = 0
        self.images: set[str] = set()
        self.materials: dict[str, dict[str, Any]] = {DEFAULT_THUMB: {"type": "image", "url": ""}}
        self.drafts: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.articles: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, int] = {}
        self.quota_day = ""
        self.clears_left = 10

    # --- the contract the sandbox relies on ---------------------------------------------

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return answer(45011, "api minute-quota reach limit mustslower retry next minute")

    def records(self) -> list[dict[str, Any]]:
        found = [{"id": mid, "title": d["articles"][0]["title"], "url": d["articles"][0]["url"],
                  "state": "draft"} for mid, d in self.drafts.items()]
        found += [{"id": aid, "title": a["title"], "url": a["url"], "state": "published"}
                  for aid, a in self.articles.items()]
        return found

    def dump(self) -> dict[str, Any]:
        return {"tokens": self.tokens, "stable": self.stable, "serial": self.serial,
                "images": sorted(self.images), "materials": self.materials,
                "drafts": self.drafts, "jobs": self.jobs, "articles": self.articles,
                "calls": self.calls, "quota_day": self.quota_day, "clears_left": self.clears_left}

    def load(self, data: dict[str, Any]) -> None:
        self.tokens, self.stable = dict(data["tokens"]), data["stable"]
        self.serial, self.images = int(data["serial"]), set(data["images"])
        self.materials, self.drafts = dict(data["materials"]), dict(data["drafts"])
        self.jobs, self.articles = dict(data["jobs"]), dict(data["articles"])
        self.calls, self.quota_day = dict(data["calls"]), str(data["quota_day"])
        self.clears_left = int(data["clears_left"])

    # --- requests --------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial:06d}" + hashlib.sha1(str(self.serial).encode()).hexdigest()[:10]

    def counted(self, api: str) -> bool:
        """Count one call of ``api`` today; False once its daily quota is used up."""
        day = str(int((self.clock() + 8 * 3600) // 86400))  # days turn at midnight Beijing time
        if day != self.quota_day:
            self.quota_day, self.calls = day, {}
        self.calls[api] = self.calls.get(api, 0) + 1
        return self.calls[api] <= DAILY.get(api, 10_000)

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        api = path.removeprefix("/cgi-bin/")
        if not path.startswith("/cgi-bin/"):
            return httpx.Response(404, text="<html>404 Not Found</html>")
        if self.blocked_ip:  # every call from a machine off the whitelist
            return answer(40164, f"invalid ip {self.blocked_ip} ipv6 ::ffff:{self.blocked_ip}, "
                          "not in whitelist")
        if not self.counted(api):
            return answer(45009, "reach max api daily quota limit")
        if api == "token":
            return self.token_classic(request)
        if api == "stable_token":
            return self.token_stable(request)
        if api == "clear_quota":
            return self.clear_quota(request)
        refused = self.check_token(request)
        if refused is not None:
            return refused
        if api == "media/uploadimg":
            return self.uploadimg(request)
        if api == "material/add_material":
            return self.add_material(request)
        if request.method != "POST":
            return answer(43002, "require POST method")
        try:
            body = json.loads(request.content.decode("utf-8")) if request.content else None
        except (UnicodeDecodeError, ValueError):
            return answer(47001, "data format error")
        if body is None:
            return answer(44002, "empty post data")
        routes: dict[str, Callable[[Any], httpx.Response]] = {
            "draft/add": self.draft_add, "draft/update": self.draft_update,
            "draft/get": self.draft_get, "draft/delete": self.draft_delete,
            "draft/batchget": self.draft_batchget, "draft/count": self.draft_count,
            "freepublish/submit": self.submit, "freepublish/get": self.job_status,
            "freepublish/batchget": self.published_batchget}
        route = routes.get(api)
        if route is None:
            return answer(48001, "api unauthorized")
        if not isinstance(body, dict):
            return answer(47001, "data format error")
        return route(body)

    # --- access tokens ----------------------------------------------------------------------

    def credentials_error(self, app_id: Any, secret: Any) -> httpx.Response | None:
        if not app_id:
            return answer(41002, "appid missing")
        if not secret:
            return answer(41004, "appsecret missing")
        if app_id != APP_ID:
            return answer(40013, "invalid appid")
        if secret != APP_SECRET:
            return answer(40001, "invalid credential, access_token is invalid or not latest")
        return None

    def issue(self) -> str:
        token = "sandboxtoken_" + hashlib.sha256(f"{self.serial}{self.clock()}".encode()).hexdigest()
        self.serial += 1
        now = self.clock()
        for old, expiry in list(self.tokens.items()):  # a new token leaves the old 5 minutes
            self.tokens[old] = min(expiry, now + TOKEN_GRACE)
        self.tokens[token] = now + TOKEN_SECONDS
        return token

    def token_classic(self, request: httpx.Request) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query)
        app_id, secret = (query.get(k, [""])[0] for k in ("appid", "secret"))
        refused = self.credentials_error(app_id, secret)
        if refused is not None:
            return refused
        self.stable = None
        return answer(access_token=self.issue(), expires_in=TOKEN_SECONDS)

    def token_stable(self, request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return answer(47001, "data format error")
        refused = self.credentials_error(body.get("appid"), body.get("secret"))
        if refused is not None:
            return refused
        now = self.clock()
        current = self.stable if self.stable and self.tokens.get(self.stable, 0) > now else None
        if current is None or body.get("force_refresh"):
            current = self.stable = self.issue()
        return answer(access_token=current, expires_in=int(self.tokens[current] - now))

    def check_token(self, request: httpx.Request) -> httpx.Response | None:
        token = parse_qs(urlsplit(str(request.url)).query).get("access_token", [""])[0]
        if not token:
            return answer(41001, "access_token missing")
        expiry = self.tokens.get(token)
        if expiry is None:
            return answer(40001, "invalid credential, access_token is invalid or not latest")
        if self.clock() >= expiry:
            return answer(42001, "access_token expired")
        return None

    def clear_quota(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content.decode("utf-8") or "{}")
        if body.get("appid") != APP_ID:
            return answer(40013, "invalid appid")
        if self.clears_left <= 0:
            return answer(48006, "forbid to clear quota because of reaching the limit")
        self.clears_left -= 1
        self.calls = {}
        return answer()

    # --- uploads ----------------------------------------------------------------------------

    def uploadimg(self, request: httpx.Request) -> httpx.Response:
        media = multipart_media(request)
        if media is None or not media[1]:
            return answer(41005, "media data missing")
        name, data = media
        kind = image_kind(data)
        if kind not in ("png", "jpeg") or not name.lower().endswith((".png", ".jpg", ".jpeg")):
            return answer(40005, "invalid file type")
        if len(data) >= 1024 * 1024:
            return answer(40009, "invalid image size")
        digest = hashlib.sha1(data).hexdigest()
        url = f"{MMBIZ}sz_mmbiz_{'png' if kind == 'png' else 'jpg'}/{digest}/0?wx_fmt={kind}"
        self.images.add(url)
        return answer(url=url)

    def add_material(self, request: httpx.Request) -> httpx.Response:
        kind = parse_qs(urlsplit(str(request.url)).query).get("type", [""])[0]
        media = multipart_media(request)
        if media is None or not media[1]:
            return answer(41005, "media data missing")
        name, data = media
        found = image_kind(data)
        if kind == "thumb":
            if found != "jpeg":
                return answer(40005, "invalid file type")
            if len(data) > 64 * 1024:
                return answer(40009, "invalid image size")
        elif kind == "image":
            if found is None:
                return answer(40005, "invalid file type")
            if len(data) > 10 * 1024 * 1024:
                return answer(40009, "invalid image size")
        else:
            return answer(40004, "invalid media type")
        media_id = self.new_id("mat_")
        url = f"{MMBIZ}mmbiz_{found}/{hashlib.sha1(data).hexdigest()}/0?wx_fmt={found}"
        self.materials[media_id] = {"type": kind, "url": url, "name": name}
        return answer(media_id=media_id, url=url, item=[])

    # --- drafts -----------------------------------------------------------------------------

    def filtered(self, content: str) -> str | httpx.Response:
        """The content as WeChat keeps it: no scripts, only uploaded images, only mp links."""
        content = SCRIPT.sub("", content)
        foreign = [m.group(2) for m in IMG_SRC.finditer(content) if m.group(2) not in self.images]
        links = [m.group(1) for m in A_TAG.finditer(content)
                 if urlsplit(m.group(1)).hostname != "mp.weixin.qq.com"]
        if self.strict and (foreign or links):
            return answer(45166, "invalid content")
        content = IMG_TAG.sub(lambda m: m.group(0) if any(f'src="{u}"' in m.group(0)
                                                         for u in self.images) else "", content)
        return A_TAG.sub(lambda m: m.group(0) if urlsplit(m.group(1)).hostname == "mp.weixin.qq.com"
                         else m.group(2), content)

    def checked_article(self, article: Any) -> dict[str, Any] | httpx.Response:
        if not isinstance(article, dict):
            return answer(47001, "data format error")
        kind = article.get("article_type", "news")
        if not article.get("title"):
            return answer(40227, "title is empty")
        for field, (limit, code) in LIMITS.items():
            if len(str(article.get(field) or "")) > limit:
                return answer(code, f"{field} size out of limit")
        content = str(article.get("content") or "")
        if not content:
            return answer(44003, "empty news data")
        if len(content) >= 20_000 or len(content.encode("utf-8")) >= 1024 * 1024:
            return answer(45002, "content size out of limit")
        if len(str(article.get("content_source_url") or "").encode()) > 1024:
            return answer(45002, "content_source_url size out of limit")
        thumb = article.get("thumb_media_id")
        if kind == "news" and (thumb not in self.materials
                               or self.materials[str(thumb)]["type"] not in ("image", "thumb")):
            return answer(40007, "invalid media_id")
        kept = self.filtered(content)
        if isinstance(kept, httpx.Response):
            return kept
        return {**article, "content": kept}

    def draft_add(self, body: dict[str, Any]) -> httpx.Response:
        articles = body.get("articles")
        if not isinstance(articles, list) or not articles:
            return answer(44003, "empty news data")
        stored = []
        for article in articles:
            checked = self.checked_article(article)
            if isinstance(checked, httpx.Response):
                return checked
            stored.append(checked)
        media_id = self.new_id("draft_")
        for article in stored:
            article["url"] = f"http://mp.weixin.qq.com/s?__biz=sandbox&tempkey={media_id}"
        self.drafts[media_id] = {"articles": stored, "update_time": int(self.clock())}
        return answer(media_id=media_id)

    def draft_update(self, body: dict[str, Any]) -> httpx.Response:
        draft = self.drafts.get(str(body.get("media_id")))
        index = body.get("index", 0)
        if draft is None or not isinstance(index, int) or not 0 <= index < len(draft["articles"]):
            return answer(40007, "invalid media_id")
        checked = self.checked_article(body.get("articles"))
        if isinstance(checked, httpx.Response):
            return checked
        checked["url"] = draft["articles"][index]["url"]
        draft["articles"][index] = checked
        draft["update_time"] = int(self.clock())
        return answer()

    def draft_get(self, body: dict[str, Any]) -> httpx.Response:
        draft = self.drafts.get(str(body.get("media_id")))
        if draft is None:
            return answer(40007, "invalid media_id")
        return answer(news_item=draft["articles"])

    def draft_delete(self, body: dict[str, Any]) -> httpx.Response:
        if self.drafts.pop(str(body.get("media_id")), None) is None:
            return answer(40007, "invalid media_id")
        return answer()

    def draft_count(self, body: dict[str, Any]) -> httpx.Response:
        return answer(total_count=len(self.drafts))

    def page(self, body: dict[str, Any], rows: list[dict[str, Any]]) -> httpx.Response:
        offset, count = body.get("offset"), body.get("count")
        if not isinstance(offset, int) or not isinstance(count, int) or not 1 <= count <= 20:
            return answer(40035, "invalid args")
        chosen = rows[offset:offset + count]
        if body.get("no_content"):
            chosen = [{**row, "content": {"news_item": [
                {k: v for k, v in item.items() if k != "content"}
                for item in row["content"]["news_item"]]}} for row in chosen]
        return answer(total_count=len(rows), item_count=len(chosen), item=chosen)

    def draft_batchget(self, body: dict[str, Any]) -> httpx.Response:
        rows = [{"media_id": mid, "content": {"news_item": d["articles"]},
                 "update_time": d["update_time"]} for mid, d in self.drafts.items()]
        return self.page(body, rows)

    # --- publishing -------------------------------------------------------------------------

    def submit(self, body: dict[str, Any]) -> httpx.Response:
        if not self.can_publish:
            return answer(48001, "api unauthorized")
        media_id = str(body.get("media_id"))
        if media_id not in self.drafts:
            return answer(40007, "invalid media_id")
        job = self.new_id("job_")
        self.jobs[job] = {"draft": media_id, "asked": 0, "outcome": self.publish_outcome,
                          "article_id": None}
        return answer(publish_id=job, msg_data_id=self.new_id("msg_"))

    def job_status(self, body: dict[str, Any]) -> httpx.Response:
        job = self.jobs.get(str(body.get("publish_id")))
        if job is None:
            return answer(40007, "invalid publish_id")
        job["asked"] += 1
        if job["asked"] == 1:
            return answer(publish_id=body["publish_id"], publish_status=1)
        if job["outcome"] != 0:
            return answer(publish_id=body["publish_id"], publish_status=job["outcome"],
                          fail_idx=[1])
        if job["article_id"] is None:
            draft = self.drafts.pop(job["draft"])
            article_id = self.new_id("art_")
            first = draft["articles"][0]
            self.articles[article_id] = {**first, "url": f"https://mp.weixin.qq.com/s/{article_id}",
                                         "update_time": int(self.clock())}
            job["article_id"] = article_id
        article = self.articles[job["article_id"]]
        return answer(publish_id=body["publish_id"], publish_status=0,
                      article_id=job["article_id"],
                      article_detail={"count": 1, "item": [{"idx": 1, "article_url": article["url"]}]},
                      fail_idx=[])

    def published_batchget(self, body: dict[str, Any]) -> httpx.Response:
        rows = [{"article_id": aid, "content": {"news_item": [a]}, "update_time": a["update_time"]}
                for aid, a in self.articles.items()]
        return self.page(body, rows)


def fakes(ctx: SandboxContext) -> list[Fake]:
    """The sandbox's WeChat: one Official Account, on the sandbox's clock."""
    return [FakeWeChat(clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    """Settings that point syndicate at this fake mounted at ``base_url``."""
    return {"SYNDICATE_WECHAT__BASE_URL": base_url.rstrip("/"),
            "SYNDICATE_WECHAT__APP_ID": APP_ID,
            "SYNDICATE_WECHAT__APP_SECRET": APP_SECRET,
            "SYNDICATE_WECHAT__THUMB_MEDIA_ID": DEFAULT_THUMB}
