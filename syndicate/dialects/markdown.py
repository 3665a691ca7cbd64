"""Canonical HTML → Markdown for Medium, dev.to and Hashnode, via markdownify.

markdownify does the walking; the options here pin what platforms parse well: ATX
headings, ``*`` bullets, fenced code that keeps its language (taken from the
``language-x`` class the markup stage writes), and tables kept as GFM tables.
"""

from __future__ import annotations

import re

from bs4 import Tag
from markdownify import MarkdownConverter

BLANK_RUNS = re.compile(r"\n{3,}")


def code_language(el: Tag) -> str:
    """The language of a ``<pre><code class="language-x">`` block, or ''."""
    code = el.find("code")
    for node in (code, el):
        if isinstance(node, Tag):
            for cls in node.get("class") or []:
                if cls.startswith("language-"):
                    return str(cls.removeprefix("language-"))
    return ""


class PostConverter(MarkdownConverter):  # type: ignore[misc]
    """markdownify with the choices above; nothing else is customised."""


OPTIONS = {
    "heading_style": "ATX",
    "bullets": "*",
    "code_language_callback": code_language,
    "escape_underscores": False,
    "escape_asterisks": True,
    "strip": ["script", "style"],
}


def to_markdown(html: str) -> str:
    """Markdown for ``html``; stable (same input, same bytes) and ending in one newline."""
    text = PostConverter(**OPTIONS).convert(html)
    return BLANK_RUNS.sub("\n\n", text).strip() + "\n"
