"""How the preview site draws a WeChat article: the draft's HTML in a phone-width frame.

It reads the payload only: the title, author and digest as sent, and the article's
content as ``draft/add`` receives it, except that each image shows from the site until
the push uploads it to WeChat. The markup goes through the
preview's allowlist cleaner like every other platform's (inline styles are not trusted
in a preview of someone else's pull request); the frame's own CSS imitates WeChat's
reading view instead.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from syndicate.adapter import Capabilities

CSS = """
.wechat-phone { width: 375px; max-width: 100%; margin: 0 auto; border: 10px solid #222;
  border-radius: 28px; background: #fff; overflow: hidden; }
.wechat-phone .wx-bar { background: #ededed; color: #111; font: 600 15px/2.6 sans-serif;
  text-align: center; }
.wechat-phone .wx-body { padding: 16px; font: 17px/1.75 -apple-system, "PingFang SC",
  "Microsoft YaHei", sans-serif; color: #333; overflow-wrap: anywhere; }
.wechat-phone h3.wx-title { font-size: 22px; line-height: 1.4; margin: 0 0 8px; color: #111; }
.wechat-phone .wx-meta { color: #576b95; font-size: 15px; margin: 0 0 16px; }
.wechat-phone .wx-digest { color: #888; font-size: 14px; border-left: 3px solid #ddd;
  padding-left: 8px; }
.wechat-phone img { max-width: 100%; height: auto; }
.wechat-phone pre { white-space: pre-wrap; word-break: break-all; background: #f6f8fa;
  padding: 12px; font-size: 13px; line-height: 1.6; }
.wechat-phone .wx-source { color: #576b95; font-size: 14px; margin-top: 24px; }
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def view(data: Mapping[str, Any], caps: Capabilities | None) -> str:
    from syndicate.preview_site.sanitize import BLOG, clean
    from syndicate.preview_site.views import counter, find_limit

    article: Mapping[str, Any] = data.get("article") or {}
    content = str(article.get("content", ""))
    cover = data.get("cover")
    cover_html = (f'<img class="wx-cover" src="{esc(cover)}" alt="cover: {esc(cover)}">'
                  if isinstance(cover, str) and cover.startswith(("http://", "https://"))
                  else f'<p class="missing" lang="en">cover: material '
                       f'{esc(article.get("thumb_media_id") or "none")}</p>')
    publish = "draft, then published" if data.get("publish") else "draft only"
    title = str(article.get("title", ""))
    return (f'<div class="wechat-phone" role="group" aria-label="WeChat article, phone width">'
            f'<div class="wx-bar" lang="en">Official Account · {publish}</div>'
            f'<div class="wx-body">{cover_html}<h3 class="wx-title">{esc(title)}</h3>'
            f"{counter(title, find_limit(caps, 'article.title'))}"
            f'<p class="wx-meta">{esc(article.get("author", ""))}</p>'
            f'<p class="wx-digest">{esc(article.get("digest", ""))}</p>'
            f'<div class="wx-content">{clean(content, BLOG)}</div>'
            f"{counter(content, find_limit(caps, 'article.content'))}"
            f'<p class="wx-source">阅读原文 → <span class="url">'
            f'{esc(article.get("content_source_url", ""))}</span></p></div></div>')
