"""Post body → canonical HTML: generator syntax executed, Markdown rendered, HTML cleaned.

Stages, in order: Jekyll Liquid or Hugo shortcodes (``liquid``, ``shortcodes``), Kramdown
attribute lists removed, Markdown (markdown-it-py, CommonMark + GFM tables,
strikethrough, footnotes, Kramdown-style definition lists), then the HTML pass (``clean``).
"""

from __future__ import annotations

import re
from functools import cache

from bs4 import Tag
from markdown_it import MarkdownIt

from syndicate.markup.clean import clean
from syndicate.markup.context import MarkupContext, NoticeSink, RenderedBody
from syndicate.markup.liquid import run_liquid
from syndicate.markup.shortcodes import run_shortcodes

__all__ = ["MarkupContext", "RenderedBody", "render_body"]

IAL_LINE = re.compile(r"^\s*\{:[^}\n]*\}\s*$", re.M)
IAL_INLINE = re.compile(r"\{:\s*[^}\n]*\}")


@cache
def markdown() -> MarkdownIt:
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    return (MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
            .enable(["table", "strikethrough"])
            .use(footnote_plugin)
            .use(deflist_plugin))


def preprocess(body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    if ctx.generator == "hugo":
        body = run_shortcodes(body, ctx, sink)
    elif ctx.generator == "jekyll":
        body = run_liquid(body, ctx, sink)
    body = IAL_LINE.sub("", body)
    return IAL_INLINE.sub("", body)


def render_body(source: str, ctx: MarkupContext) -> RenderedBody:
    """Canonical HTML for one post body, with notices for whatever had to be removed."""
    source = source.replace("\r\n", "\n")
    sink = NoticeSink(ctx, source)
    text = preprocess(source, ctx, sink)
    md = markdown()
    soup, first_image = clean(md.render(text), ctx.page_url, ctx.site_url)
    excerpt_html = None
    if ctx.excerpt_separator and ctx.excerpt_separator in text:
        head = text.split(ctx.excerpt_separator, 1)[0]
        excerpt_soup, _ = clean(md.render(head), ctx.page_url, ctx.site_url)
        excerpt_html = str(excerpt_soup).strip()
    paragraph = next((node for node in soup.descendants if isinstance(node, Tag) and node.name == "p"
                      and node.get_text(strip=True)), None)
    return RenderedBody(
        html=str(soup).strip() + "\n",
        notices=tuple(sink.items),
        first_image=first_image,
        excerpt_html=excerpt_html,
        first_paragraph=paragraph.get_text(" ", strip=True) if paragraph else "",
    )
