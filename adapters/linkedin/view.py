"""How the preview draws a LinkedIn share: the commentary as LinkedIn keeps it (escapes
resolved, hashtag templates shown as hashtags) above the article card."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from syndicate.adapter import Capabilities
from syndicate.dialects.fit import count

CSS = """
.linkedin{border:1px solid #e0dfdc;border-radius:8px;max-width:555px;background:#fff;
  font-family:system-ui,sans-serif;color:#000000e6}
.linkedin .commentary{white-space:pre-wrap;padding:12px 16px;margin:0}
.linkedin .tag{color:#0a66c2;font-weight:600}
.linkedin .article{border-top:1px solid #e0dfdc;background:#eef3f8}
.linkedin .article img{width:100%;display:block}
.linkedin .article .meta{padding:8px 16px}
"""
TEMPLATE = re.compile(r"\{hashtag\|[#＃]\|([^{}|]+)\}")
ESCAPE = re.compile(r"\\(.)")


def shown(commentary: str) -> str:
    out, at = [], 0
    for match in TEMPLATE.finditer(commentary):
        out.append(html.escape(ESCAPE.sub(r"\1", commentary[at:match.start()])))
        out.append(f'<span class="tag">#{html.escape(match.group(1))}</span>')
        at = match.end()
    out.append(html.escape(ESCAPE.sub(r"\1", commentary[at:])))
    return "".join(out)


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    post = data.get("post") or {}
    commentary = str(post.get("commentary", ""))
    article = (post.get("content") or {}).get("article") or {}
    card = ""
    if article:
        thumb = data.get("thumbnail")
        image = (f'<img src="{html.escape(thumb)}" alt="article thumbnail">'
                 if isinstance(thumb, str) and thumb.startswith(("http://", "https://")) else "")
        card = (f'<div class="article">{image}<div class="meta"><strong>'
                f'{html.escape(str(article.get("title", "")))}</strong><br>'
                f'<span>{html.escape(urlsplit(str(article.get("source", ""))).netloc)}</span>'
                f"</div></div>")
    limit = caps.limits[0] if caps.limits else None
    used = count(commentary, limit.unit) if limit else 0
    counter = (f'<p class="counter {"over" if limit and used > limit.maximum else "ok"}" lang="en">'
               f"{used} / {limit.maximum} {limit.unit.value}</p>") if limit else ""
    return f'<article class="linkedin"><p class="commentary">{shown(commentary)}</p>{card}{counter}</article>'
