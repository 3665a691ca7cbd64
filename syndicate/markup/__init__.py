"""Post body → canonical HTML: generator syntax executed, Markdown rendered, HTML cleaned.

Stages, in order: Jekyll Liquid or Hugo shortcodes (``liquid``, ``shortcodes``), Kramdown
attribute lists removed, Markdown in the site's dialect (``engines``: CommonMark or
kramdown with its options, GFM tables, strikethrough, footnotes, definition lists, maths
kept as source), then the HTML pass (``clean``). HTML content files skip Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from bs4 import Tag
from markdown_it import MarkdownIt

from syndicate.dialects.tree import adopt
from syndicate.dialects.write import write
from syndicate.markup.blockhtml import markdown_in_html
from syndicate.markup.clean import clean
from syndicate.markup.context import MarkdownOptions, MarkupContext, NoticeSink, RenderedBody
from syndicate.markup.embeds import gist_scripts_to_links
from syndicate.markup.emojis import emojify
from syndicate.markup.engines import parser
from syndicate.markup.liquid import run_liquid
from syndicate.markup.rawhtml import note_omitted_html
from syndicate.markup.shortcodes import run_shortcodes

__all__ = ["MarkdownOptions", "MarkupContext", "RenderedBody", "render_body"]

IAL_LINE = re.compile(r"^\s*\{:[^}\n]*\}\s*$", re.M)
IAL_INLINE = re.compile(r"\{:\s*[^}\n]*\}")


def markdown(options: MarkdownOptions | None = None) -> MarkdownIt:
    """The parser for ``options`` (CommonMark when none are given)."""
    return parser(options or MarkdownOptions())


def preprocess(body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    if ctx.generator == "hugo":
        if ctx.source_format != "html":
            note_omitted_html(body, ctx, sink)
        body = run_shortcodes(body, ctx, sink)
    elif ctx.generator == "jekyll":
        body = run_liquid(body, ctx, sink)
    if ctx.source_format == "html":
        return body
    return kramdown_marks_out(body, eob=ctx.markdown.engine == "kramdown")


DEFINITION_INDENTED = re.compile(r"^( {0,3}:)[ \t]{4,}(?=\S)")
"""``:     text``: kramdown indents a definition by its first line, so the text is a
paragraph; CommonMark reads four spaces more as an indented code block."""
LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
IAL_LANGUAGE = re.compile(r"^\s*\{:[^}\n]*\.language-([\w+#-]+)[^}\n]*\}\s*$")


def kramdown_marks_out(body: str, *, eob: bool) -> str:
    """kramdown's attribute lists (``{:width="64px"}``) and, on kramdown sites, its
    end-of-block marks (a line of ``^``) removed, but never inside code: a post that shows
    ``![x](y){:width="64px"}`` in a code block shows it as written."""
    out: list[str] = []
    fence = ""
    previous_blank = True
    in_indented = in_list = False
    opened_at = closed_at = -1
    for line in body.split("\n"):
        opening = FENCE_LINE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
                closed_at = len(out)
            out.append(line)
            continue
        if opening:
            fence, opened_at = opening.group(1), len(out)
            out.append(line)
            continue
        language = IAL_LANGUAGE.match(line)
        if language and closed_at == len(out) - 1 and not out[opened_at].strip().lstrip("`~"):
            out[opened_at] = out[opened_at].rstrip() + language.group(1)  # {: .language-ruby}
        indented = line.startswith(("    ", "\t")) and bool(line.strip())
        if line.strip() and not indented:
            in_list = bool(LIST_ITEM.match(line))  # indented lines after it are its own
        in_indented = indented and not in_list and (previous_blank or in_indented)
        previous_blank = not line.strip()
        if in_indented:
            out.append(line)
        elif eob and line.strip() == "^":
            out.append("<!-- -->")  # ends the block before it, as kramdown's mark does
        elif eob and DEFINITION_INDENTED.match(line):
            out.append(DEFINITION_INDENTED.sub(r"\1 ", line))  # text, not code, to kramdown
        else:
            out.append(IAL_INLINE.sub("", IAL_LINE.sub("", line)))
    return "\n".join(out)


def compose(after: Callable[[str], str], first: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: after(first(text))


def render_body(source: str, ctx: MarkupContext, *, excerpt: bool = True) -> RenderedBody:
    """Canonical HTML for one post body, with notices for whatever had to be removed;
    ``excerpt=False`` when the post has its own summary and the excerpt would go unread."""
    source = source.replace("\r\n", "\n")
    sink = NoticeSink(ctx, source)
    text = preprocess(source, ctx, sink)
    render = (lambda html: html) if ctx.source_format == "html" else markdown(ctx.markdown).render
    if ctx.markdown.engine == "kramdown" and ctx.source_format != "html":
        render = partial(markdown_in_html, parse_all=ctx.markdown.parse_block_html, render=render)
    if ctx.site_flag("enableEmoji"):
        render = compose(emojify, render)
    soup, first_image = clean(gist_scripts_to_links(render(text)), ctx.page_url, ctx.site_url,
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
