"""Canonical HTML → Markdown for Medium, dev.to and Hashnode, via markdownify.

markdownify does the walking; the options here pin what platforms parse well: ATX
headings, ``*`` bullets, fenced code that keeps its language (taken from the
``language-x`` class the markup stage writes), and tables kept as GFM tables — with
``|`` inside a cell escaped, or the row would gain a column. Footnote references become
``[[1]](…#fn:1)`` links, which every Markdown flavour renders.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bs4 import Tag
from markdownify import MarkdownConverter

from syndicate.dialects.tree import parse

BLANK_RUNS = re.compile(r"\n{3,}")
FENCE = re.compile(r"(^```.*?^```$)", re.DOTALL | re.MULTILINE)


def code_language(el: Tag) -> str:
    """The language of a ``<pre><code class="language-x">`` block, or ''."""
    code = el.find("code")
    for node in (code, el):
        if isinstance(node, Tag):
            for cls in node.get("class") or []:
                if cls.startswith("language-"):
                    return str(cls.removeprefix("language-"))
    return ""


ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal(text: str) -> str:
    """``text`` escaped so that any CommonMark renderer shows exactly it: every ASCII
    punctuation mark backslash-escaped (maths keeps its ``\\``, ``_`` and ``*``)."""
    return ASCII_PUNCTUATION.sub(r"\\\1", text)


def is_math(el: Tag) -> bool:
    return "math" in (el.get("class") or [])


class PostConverter(MarkdownConverter):
    """markdownify with table cells and footnote references made safe, text that looks like
    HTML kept as text, and maths kept as its source."""

    def escape(self, text: str, parent_tags: Any) -> str:
        # A post showing "&lt;img src=…&gt;" holds the text "<img src=…>": written back as
        # it is, a Markdown renderer (Medium's) would make it a live tag again.
        text = ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")
        return str(super().escape(text, parent_tags))  # type: ignore[misc]

    def convert_span(self, el: Tag, text: str, parent_tags: Any) -> str:
        return literal(el.get_text()) if is_math(el) else text

    def convert_div(self, el: Tag, text: str, parent_tags: Any) -> str:
        if is_math(el):
            return f"\n\n{literal(el.get_text())}\n\n"
        return str(super().convert_div(el, text, parent_tags))  # type: ignore[misc]

    def convert_td(self, el: Tag, text: str, parent_tags: Any) -> str:
        return cell(el, text)

    def convert_th(self, el: Tag, text: str, parent_tags: Any) -> str:
        return cell(el, text)

    def convert_sup(self, el: Tag, text: str, parent_tags: Any) -> str:
        link = el.find("a", href=True)
        label = el.get_text().strip()
        if isinstance(link, Tag) and label:
            return f"[[{label}]]({link['href']})"
        return f"^{label}" if label else ""


def cell(el: Tag, text: str) -> str:
    """One GFM cell (and its colspan's empty followers), ``|`` escaped, on one line."""
    span = str(el.get("colspan") or "1")
    colspan = max(1, min(1000, int(span))) if span.isdigit() else 1
    return " " + text.strip().replace("\n", " ").replace("|", r"\|") + " |" * colspan


CONVERTER = PostConverter(
    heading_style="ATX",
    bullets="*",
    code_language_callback=code_language,
    escape_underscores=False,
    escape_asterisks=True,
    strip=["script", "style"],
)
"""Stateless between calls, so built once."""


@lru_cache(maxsize=8)
def to_markdown(html: str) -> str:
    """Markdown for ``html``; stable (same input, same bytes) and ending in one newline.

    Runs of blank lines collapse to one, except inside fenced code where they are code.
    Several platforms of one post take Markdown (Medium, dev.to, Hashnode) and, tailored
    alike, hand over the same HTML one after the other: the last few results are kept, so
    each post is converted once rather than once per platform (a ``str`` result is safe
    to share).
    """
    text = str(CONVERTER.convert_soup(parse(html)))
    pieces = FENCE.split(text)
    for index in range(0, len(pieces), 2):
        pieces[index] = BLANK_RUNS.sub("\n\n", pieces[index])
    return "".join(pieces).strip() + "\n"
