"""WeChat Official Accounts (微信公众号): each post becomes a draft article, optionally published.

API: ``https://api.weixin.qq.com/cgi-bin/...`` with an access token from the AppID and
AppSecret (Settings and Development → Basic Configuration), and this machine's IP on the
account's IP whitelist. Set SYNDICATE_WECHAT__APP_ID and __APP_SECRET.

What is sent, in order: the body's images to ``media/uploadimg`` (WeChat shows no
external image; each ``src`` is replaced by the URL it returns), the cover to
``material/add_material?type=image`` (``thumb_media_id`` must be a permanent material:
the post's cover, else its first image, else the ``thumb_media_id`` setting, else the
post fails with a clear error), then ``draft/add`` with the restricted HTML of
``syndicate.dialects.wechat`` and ``content_source_url`` = the canonical URL (our mark:
``find`` looks for it). With ``publish = true`` the draft is submitted to
``freepublish/submit``; the job's status is polled with ``freepublish/get`` by the
engine's retries (a running job is Transient) and resumed on the next run. Updates use
``draft/update`` while the article is a draft; a published article cannot be edited
through the API, so the plan shows it blocked. Every step is recorded before the next,
so a retry never uploads or creates twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr

from adapters.wechat.api import Session
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
    Unit,
)
from syndicate.dialects.fit import fit_text
from syndicate.dialects.wechat import swap_images, to_wechat_html
from syndicate.errors import Ambiguous, Rejected, Transient
from syndicate.post import Post
from syndicate.settings import PlatformSettings

BODY_IMAGE_TYPES = (".jpg", ".jpeg", ".png")
COVER_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".bmp")
MAX_BODY_IMAGE = 1024 * 1024
MAX_COVER = 10 * 1024 * 1024
PUBLISH_FAILED = {2: "the originality check failed", 3: "publishing failed",
                  4: "the platform's review rejected it", 5: "it was published, then deleted",
                  6: "it was published, then banned"}
PUBLISHED = ("published on WeChat: the API cannot edit a published article; edit it in the "
             "WeChat console")


class WeChatSettings(PlatformSettings):
    platform_name: ClassVar[str] = "wechat"
    required_for_push: ClassVar[tuple[str, ...]] = ("app_id", "app_secret")
    base_url: str = "https://api.weixin.qq.com"
    app_id: str | None = None
    app_secret: SecretStr | None = None
    publish: bool = False
    """Submit each new draft for publishing (needs a verified account)."""
    thumb_media_id: str | None = None
    """A permanent image material used as the cover when a post has no image of its own."""
    open_comment: bool = False
    fans_only_comment: bool = False


class WeChatAdapter(Adapter[WeChatSettings]):
    name = "wechat"
    settings_model = WeChatSettings
    capabilities = Capabilities(
        dialect=Dialect.WECHAT_HTML,
        limits=(Limit("article.title", 32, Unit.CODEPOINTS),
                Limit("article.author", 16, Unit.CODEPOINTS),
                Limit("article.digest", 128, Unit.CODEPOINTS),
                Limit("article.content", 19_999, Unit.CODEPOINTS)),
        can_update=True, can_find=True, max_concurrency=1,
        cannot_update_reason=PUBLISHED)
    about = About(
        title="WeChat Official Account (微信公众号)",
        posted="a draft article (body images uploaded, a cover, 阅读原文 = canonical URL); "
               "published too with `publish = true`",
        format="WeChat's restricted HTML (links become footnotes, inline styles)",
        limits="title 32, author 16, digest 128, content < 20,000 characters; images JPG/PNG "
               "< 1 MB; daily API quotas",
        update="yes while a draft (`draft/update`); a published article is `blocked`",
        after_timeout="found again by its source URL (`draft/batchget`)")

    def __init__(self, settings: WeChatSettings) -> None:
        super().__init__(settings)
        secret = settings.app_secret.get_secret_value() if settings.app_secret else ""
        self.session = Session(settings.app_id or "", secret)

    def account(self) -> str:
        return f"{self.base_url} appid {self.settings.app_id or '?'}"

    def update_blocked(self, extra: Mapping[str, Any], payload: Payload) -> str | None:
        return PUBLISHED if extra.get("state") == "published" else None

    def render(self, post: Post) -> Payload:
        def uploadable(url: str) -> bool:
            return url in post.image_files and url.lower().endswith(BODY_IMAGE_TYPES)

        zh = (post.language or "").lower().startswith("zh")
        body = to_wechat_html(post.html, uploadable, post.canonical_url, "链接" if zh else "Links")
        notices = list(body.notices)
        files = {f"image{i}": post.image_files[url] for i, url in enumerate(body.images)}
        article: dict[str, Any] = {
            "article_type": "news",
            "title": self.fitted(post.title, 32, "title", notices),
            "author": self.fitted(post.author or "", 16, "author", notices),
            "digest": self.fitted(post.summary, 128, "digest", notices),
            "content": body.html,
            "content_source_url": post.canonical_url,
            "need_open_comment": int(self.settings.open_comment),
            "only_fans_can_comment": int(self.settings.fans_only_comment),
        }
        cover = None
        if post.cover_file and post.cover_image and post.cover_file.lower().endswith(COVER_TYPES):
            cover, files["cover"] = post.cover_image, post.cover_file
        elif body.images:
            cover, files["cover"] = body.images[0], files["image0"]
        elif self.settings.thumb_media_id:
            article["thumb_media_id"] = self.settings.thumb_media_id
        else:
            notices.append("no cover: WeChat needs one (thumb_media_id) and this post has no image "
                           "of the site; set SYNDICATE_WECHAT__THUMB_MEDIA_ID to a permanent image "
                           "material, or give the post a cover")
        if len(body.html) >= 20_000:
            notices.append(f"the article is {len(body.html)} characters of HTML; WeChat takes "
                           "fewer than 20,000 and will refuse it (45002)")
        data = {"article": article, "images": body.images, "cover": cover,
                "publish": self.settings.publish}
        return Payload(self.name, post.key, data, tuple(notices), files)

    @staticmethod
    def fitted(text: str, limit: int, field: str, notices: list[str]) -> str:
        if len(text) <= limit:
            return text
        notices.append(f"{field} shortened to WeChat's {limit} characters")
        return fit_text(text, limit, Unit.CODEPOINTS)

    def requests(self, payload: Payload) -> list[RequestSpec]:
        base = self.base_url
        token = "?access_token=***"
        specs = [RequestSpec("POST", f"{base}/cgi-bin/stable_token", body={
            "grant_type": "client_credential", "appid": self.settings.app_id or "<app id>",
            "secret": "***"})]
        specs += [RequestSpec("POST", f"{base}/cgi-bin/media/uploadimg{token}",
                              body=f"multipart media=<{url}>") for url in payload.data["images"]]
        if payload.data["cover"]:
            specs.append(RequestSpec("POST", f"{base}/cgi-bin/material/add_material{token}&type=image",
                                     body=f"multipart media=<{payload.data['cover']}>"))
        article = {**payload.data["article"]}
        article.setdefault("thumb_media_id", "<media id of the cover>")
        specs.append(RequestSpec("POST", f"{base}/cgi-bin/draft/add{token}",
                                 body={"articles": [article]}))
        if payload.data["publish"]:
            specs.append(RequestSpec("POST", f"{base}/cgi-bin/freepublish/submit{token}",
                                     body={"media_id": "<draft media id>"}))
        return specs

    async def upload(self, client: httpx.AsyncClient, path: str, endpoint: str, limit: int,
                     what: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise Rejected(self.name, f"cannot read {what} {path}: {exc.strerror}") from None
        if len(content) >= limit:
            raise Rejected(self.name, f"{what} {path} is {len(content)} bytes; WeChat takes less "
                           f"than {limit} (make it smaller)")
        try:
            return await self.session.call(client, "POST", endpoint, f"uploading {what}",
                                           params=params or {},
                                           files={"media": (Path(path).name, content)})
        except Ambiguous as exc:  # an orphan upload is harmless: nothing refers to it yet
            raise Transient(self.name, str(exc)) from None

    async def article(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt,
                      known: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The article with every image uploaded and a cover (each upload recorded first),
        and what was uploaded, for the state to keep with the remote copy."""
        data = payload.data
        uploaded: dict[str, str] = {**known.get("images", {}), **attempt.resume.get("images", {})}
        for index, url in enumerate(data["images"]):
            if url not in uploaded:
                answer = await self.upload(client, payload.files[f"image{index}"],
                                           "/cgi-bin/media/uploadimg", MAX_BODY_IMAGE, "image")
                uploaded[url] = str(answer["url"])
                attempt.record({"images": dict(uploaded)})
        wanted = {url: uploaded[url] for url in data["images"]}
        article = {**data["article"], "content": swap_images(str(data["article"]["content"]), wanted)}
        cover = data["cover"]
        uploads: dict[str, Any] = {"images": uploaded, "cover": None, "thumb": None}
        if cover:
            earlier = [e for e in (attempt.resume, known) if e.get("cover") == cover]
            if earlier and earlier[0].get("thumb"):
                article["thumb_media_id"] = earlier[0]["thumb"]
            else:
                answer = await self.upload(client, payload.files["cover"], "/cgi-bin/material/add_material",
                                           MAX_COVER, "the cover", {"type": "image"})
                article["thumb_media_id"] = str(answer["media_id"])
                attempt.record({"cover": cover, "thumb": article["thumb_media_id"]})
            uploads.update(cover=cover, thumb=article["thumb_media_id"])
        if not article.get("thumb_media_id"):
            raise Rejected(self.name, "no cover: WeChat needs a permanent image material as the "
                           "cover and this post has no JPG/PNG of the site; set "
                           "SYNDICATE_WECHAT__THUMB_MEDIA_ID, or give the post a cover image")
        return article, uploads

    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt) -> RemoteRef:
        draft = attempt.resume.get("draft")
        uploads = {key: attempt.resume.get(key) for key in ("images", "cover", "thumb")}
        if not draft:
            article, uploads = await self.article(client, payload, attempt, {})
            answer = await self.session.call(client, "POST", "/cgi-bin/draft/add", "adding the draft",
                                             json={"articles": [article]})
            draft = str(answer["media_id"])
            attempt.record({"draft": draft})
        extra = {"state": "draft", "draft": draft, **uploads}
        if not payload.data["publish"]:
            return RemoteRef(draft, await self.draft_url(client, draft), extra)
        return await self.publish(client, draft, attempt, extra)

    async def draft_url(self, client: httpx.AsyncClient, draft: str) -> str | None:
        """The draft's preview link (temporary; the console shows the draft too)."""
        answer = await self.session.call(client, "POST", "/cgi-bin/draft/get", "reading the draft",
                                         json={"media_id": draft})
        items = answer.get("news_item") or [{}]
        return str(items[0].get("url") or "") or None

    async def publish(self, client: httpx.AsyncClient, draft: str, attempt: Attempt,
                      extra: dict[str, Any]) -> RemoteRef:
        job = attempt.resume.get("publish_id")
        if not job:
            answer = await self.session.call(client, "POST", "/cgi-bin/freepublish/submit",
                                             "submitting the draft", json={"media_id": draft})
            job = str(answer["publish_id"])
            attempt.record({"publish_id": job})
        status = await self.session.call(client, "POST", "/cgi-bin/freepublish/get",
                                         "asking how publishing went", json={"publish_id": job})
        code = int(status.get("publish_status", 3))
        if code == 1:
            raise Transient(self.name, f"publish job {job} is still running; asking again")
        if code != 0:
            attempt.record({"publish_id": None})
            raise Rejected(self.name, f"publish job {job}: {PUBLISH_FAILED.get(code, code)}; the "
                           "draft is still in the draft box")
        items = (status.get("article_detail") or {}).get("item") or [{}]
        return RemoteRef(str(status.get("article_id")), items[0].get("article_url"),
                         {**extra, "state": "published", "publish_id": job})

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        known = dict(ref.extra)
        if known.get("state") == "published":
            raise Rejected(self.name, PUBLISHED)
        article, uploads = await self.article(client, payload, attempt, known)
        await self.session.call(client, "POST", "/cgi-bin/draft/update", "updating the draft",
                                json={"media_id": ref.id, "index": 0, "articles": article})
        return RemoteRef(ref.id, ref.url, {**known, **uploads, "state": "draft"})

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """A draft (or published article) carrying our canonical URL as its source URL."""
        wanted = payload.data["article"]["content_source_url"]
        for kind, path in (("draft", "/cgi-bin/draft/batchget"),
                           ("published", "/cgi-bin/freepublish/batchget")):
            offset = 0
            while offset < 2000:
                page = await self.session.call(client, "POST", path, "looking for the article",
                                               json={"offset": offset, "count": 20, "no_content": 1})
                items = page.get("item") or []
                for item in items:
                    for news in (item.get("content") or {}).get("news_item") or []:
                        if news.get("content_source_url") == wanted:
                            ident = str(item.get("media_id") or item.get("article_id"))
                            return RemoteRef(ident, news.get("url"), {"state": kind, "draft": ident})
                if len(items) < 20:
                    break
                offset += 20
            if not payload.data["publish"]:
                break
        return None

    async def check(self, client: httpx.AsyncClient) -> str:
        await self.session.access_token(client)
        count = await self.session.call(client, "POST", "/cgi-bin/draft/count", "counting drafts",
                                        json={})
        return f"AppID {self.settings.app_id}: token ok, {count.get('total_count', 0)} draft(s)"
