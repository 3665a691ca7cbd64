"""How the preview draws a dev.to article: the very Markdown Forem receives, rendered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markdown_it import MarkdownIt

from syndicate.adapter import Capabilities
from syndicate.preview_site.sanitize import BLOG, clean
from syndicate.preview_site.views import counter, esc, find_limit, is_web_url

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
CSS = """
.devto { font-family: -apple-system, "Segoe UI", sans-serif; max-width: 42rem; }
.devto .dv-cover { max-width: 100%; border-radius: .4rem; }
.devto .dv-title { font-size: 2rem; margin: .3rem 0; }
.devto .dv-tags li { display: inline; margin-right: .6rem; }
.devto .dv-tags li::before { content: "#"; color: #3b49df; }
"""


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    """Cover, title, tags as dev.to shows them, the body, then where it points back to."""
    image = data.get("main_image")
    cover = (f'<img class="dv-cover" src="{esc(image)}" alt="cover image: {esc(image)}">'
             if is_web_url(image) else "")
    tags = "".join(f"<li>{esc(t)}</li>" for t in data.get("tags", ()) or ())
    state = "published" if data.get("published") else "draft"
    title = str(data.get("title", ""))
    return (f'<article class="devto">{cover}{counter(title, find_limit(caps, "title"))}'
            f'<h3 class="dv-title">{esc(title)}</h3>'
            f'<ul class="dv-tags" aria-label="tags">{tags}</ul>'
            f'<div class="dv-body">{clean(MARKDOWN.render(str(data.get("body_markdown", ""))), BLOG)}'
            f'</div><p class="meta" lang="en">{state} · canonical: '
            f'<span class="url">{esc(data.get("canonical_url", ""))}</span></p></article>')
