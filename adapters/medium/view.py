"""How the preview draws a Medium payload: the story rendered from the Markdown it is sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markdown_it import MarkdownIt

from syndicate.adapter import Capabilities
from syndicate.preview_site.sanitize import BLOG, clean
from syndicate.preview_site.views import counter, esc, find_limit

CSS = """\
article.medium {
  font-family: Georgia, "Noto Serif", "Noto Serif CJK SC", "Songti SC", serif;
  font-size: 1.05rem;
}
article.medium h1 { font-size: 1.6rem; }
.tags { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; }
.tags li { background: #e8eaf0; border-radius: 99px; padding: .05rem .6rem; font-size: .85rem; }
.meta, .byline { color: #4b5563; font-size: .85rem; }
"""
MARKDOWN = MarkdownIt("commonmark", {"html": False})


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    """Medium's story from the Markdown it is sent (the body starts with ``# title``)."""
    content = str(data.get("content", ""))
    if data.get("contentFormat") == "html":
        body = clean(content, BLOG)
    else:
        body = clean(MARKDOWN.render(content), BLOG)
    tags = "".join(f"<li>{esc(t)}</li>" for t in data.get("tags", ()) or ())
    canonical = data.get("canonicalUrl")
    meta = (f'<p class="meta" lang="en">canonical: <span class="url">{esc(canonical)}</span>'
            f" · {esc(data.get('publishStatus', ''))} · {esc(data.get('license', ''))}</p>"
            if canonical else "")
    title_count = counter(str(data.get("title", "")), find_limit(caps, "title"))
    return (f'<article class="medium">{title_count}'
            f'{body}{meta}<ul class="tags" aria-label="tags">{tags}</ul></article>')
