"""Post body → canonical HTML: generator syntax executed, Markdown rendered, HTML cleaned.

Stages, in order: Jekyll Liquid or Hugo shortcodes (``liquid``, ``shortcodes``), Kramdown
attribute lists removed, Markdown in the site's dialect (``engines``: CommonMark or
kramdown with its options, GFM tables, strikethrough, footnotes, definition lists, maths
kept as source), then the HTML pass (``clean``). HTML content files skip Markdown.
"""

from __future__ import annotations

import re
from functools import partial

from bs4 import Tag
from markdown_it import MarkdownIt

from syndicate.dialects.tree import adopt
from syndicate.dialects.write import write
from syndicate.markup.blockhtml import markdown_in_html
from syndicate.markup.clean import clean
from syndicate.markup.context import MarkdownOptions, MarkupContext, NoticeSink, RenderedBody
from syndicate.markup.engines import parser
from syndicate.markup.liquid import run_liquid
from syndicate.markup.shortcodes import run_shortcodes

__all__ = ["MarkdownOptions", "MarkupContext", "RenderedBody", "render_body"]

IAL_LINE = re.compile(r"^\s*\{:[^}\n]*\}\s*$", re.M)
IAL_INLINE = re.compile(r"\{:\s*[^}\n]*\}")


def markdown(options: MarkdownOptions | None = None) -> MarkdownIt:
    """The parser for ``options`` (CommonMark when none are given)."""
    return parser(options or MarkdownOptions())


def preprocess(body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    if ctx.generator == "hugo":
        body = run_shortcodes(body, ctx, sink)
    elif ctx.generator == "jekyll":
        body = run_liquid(body, ctx, sink)
    if ctx.source_format == "html":
        return body
    body = IAL_LINE.sub("", body)
    return IAL_INLINE.sub("", body)


def render_body(source: str, ctx: MarkupContext, *, excerpt: bool = True) -> RenderedBody:
    """Canonical HTML for one post body, with notices for whatever had to be removed;
    ``excerpt=False`` when the post has its own summary and the excerpt would go unread."""
    source = source.replace("\r\n", "\n")
    sink = NoticeSink(ctx, source)
    text = preprocess(source, ctx, sink)
    render = (lambda html: html) if ctx.source_format == "html" else markdown(ctx.markdown).render
    if ctx.markdown.engine == "kramdown" and ctx.source_format != "html":
        render = partial(markdown_in_html, parse_all=ctx.markdown.parse_block_html, render=render)
    soup, first_image = clean(render(text), ctx.page_url, ctx.site_url,
                              resolve=ctx.resolve_asset, report=sink.add_near)
    excerpt_html, excerpt_text = None, ""
    if excerpt and ctx.excerpt_separator and ctx.excerpt_separator in text:
        from syndicate.dialects.text import text_of

        head = text.split(ctx.excerpt_separator, 1)[0]
        excerpt_soup, _ = clean(render(head), ctx.page_url, ctx.site_url, resolve=ctx.resolve_asset)
        excerpt_html = write(excerpt_soup).strip()
        excerpt_text = text_of(excerpt_soup)
    paragraph = next((node for node in soup.descendants if isinstance(node, Tag) and node.name == "p"
                      and node.get_text(strip=True)), None)
    first_paragraph = paragraph.get_text(" ", strip=True) if paragraph else ""
    html = write(soup).strip() + "\n"
    adopt(soup, html)  # every dialect of the post reads this tree rather than parse the HTML again
    return RenderedBody(
        html=html,
        notices=tuple(sink.items),
        first_image=first_image,
        excerpt_html=excerpt_html,
        excerpt_text=excerpt_text,
        first_paragraph=first_paragraph,
    )
