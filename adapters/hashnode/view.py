"""How the preview draws a Hashnode post: the very Markdown the GraphQL API receives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markdown_it import MarkdownIt

from syndicate.adapter import Capabilities
from syndicate.preview_site.sanitize import BLOG, clean
from syndicate.preview_site.views import esc, is_web_url

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
CSS = """
.hashnode { font-family: Inter, system-ui, sans-serif; max-width: 42rem; }
.hashnode .hn-cover { max-width: 100%; }
.hashnode .hn-title { font-size: 2rem; margin: .3rem 0 0; }
.hashnode .hn-subtitle { color: #475569; font-size: 1.2rem; margin-top: .2rem; }
"""


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    """Cover, title, subtitle, the body, the tags asked for and the original URL."""
    image = data.get("cover")
    cover = (f'<img class="hn-cover" src="{esc(image)}" alt="cover image: {esc(image)}">'
             if is_web_url(image) else "")
    subtitle = data.get("subtitle")
    tags = "".join(f"<li>{esc(t)}</li>" for t in data.get("tags", ()) or ())
    return (f'<article class="hashnode">{cover}'
            f'<h3 class="hn-title">{esc(data.get("title", ""))}</h3>'
            + (f'<p class="hn-subtitle">{esc(subtitle)}</p>' if subtitle else "")
            + f'<div class="hn-body">{clean(MARKDOWN.render(str(data.get("contentMarkdown", ""))), BLOG)}'
            f'</div><ul class="tags" aria-label="tags (only those Hashnode already has)">{tags}</ul>'
            f'<p class="meta" lang="en">/{esc(data.get("slug", ""))} · originally at '
            f'<span class="url">{esc(data.get("originalArticleURL", ""))}</span></p></article>')
