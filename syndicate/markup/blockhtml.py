"""kramdown's HTML blocks: Markdown inside ``<div markdown="1">`` always, inside every
block element when the site sets ``parse_block_html: true`` (unless it says
``markdown="0"``); any other block element kept raw up to its closing tag, blank lines
included, as kramdown reads it.

CommonMark leaves an HTML block's content as raw text, so ``*x*`` inside a ``<div>``
would reach the platforms with its asterisks. Each such block is rendered on its own and
put back after the rest of the post is rendered, behind a placeholder paragraph, so that
a blank line inside it (in a code block, say) cannot end the HTML block half-way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

BLOCK_TAGS = ("div", "section", "article", "aside", "header", "footer", "main", "nav",
              "figure", "blockquote", "center", "table", "details", "dl", "ul", "ol", "form", "p")
OPEN = re.compile(r"^<(" + "|".join(BLOCK_TAGS) + r")\b([^>]*)>(?:[ \t]*\n)?", re.M | re.I)
"""A block element at the start of a line, with or without text after it on that line
(kramdown reads ``<p>text`` … ``</p>`` as one HTML block, indented lines and all)."""
MARKDOWN_ATTR = re.compile(r"""\s+markdown\s*=\s*["']?(\w+)["']?""", re.I)
PLACEHOLDER = "\ue002{}\ue003"
RESTORE = re.compile("<p>\ue002(\\d+)\ue003</p>\n?")


def closing(text: str, name: str, start: int) -> int:
    """Offset of the ``</name>`` that closes the element opened before ``start``, or -1."""
    depth = 1
    tags = re.compile(rf"<(/?){name}\b[^>]*>", re.I)
    for match in tags.finditer(text, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.start()
    return -1


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$", re.M | re.S)
"""A closed fenced code block (kramdown reads an unclosed fence as text)."""


def fenced_code(text: str) -> list[tuple[int, int]]:
    """Where the fenced code blocks are: an ``<ul>`` written inside one is code, not HTML."""
    return [(m.start(), m.end()) for m in FENCE.finditer(text)]


NESTED_OPEN = re.compile(r"<(" + "|".join(BLOCK_TAGS) + r")\b([^>]*)>", re.I)


def marked_children(raw: str, parse_all: bool, render: Callable[[str], str]) -> str:
    """A raw block's elements that ask for Markdown (``<div markdown="1">`` inside a plain
    ``<div>``: kramdown reads nested HTML too) rendered; the rest left as written."""
    out: list[str] = []
    position = 0
    for match in NESTED_OPEN.finditer(raw):
        if match.start() < position:
            continue
        wanted = MARKDOWN_ATTR.search(match.group(2))
        if not wanted or wanted.group(1).lower() not in ("1", "block", "span"):
            continue
        name = match.group(1)
        end = closing(raw, name, match.end())
        if end < 0:
            continue
        out.append(raw[position:match.start()])
        out.append(f"<{name}{MARKDOWN_ATTR.sub('', match.group(2))}>\n"
                   f"{markdown_in_html(raw[match.end():end], parse_all, render)}")
        position = end
    out.append(raw[position:])
    return "".join(out)


def markdown_in_html(text: str, parse_all: bool, render: Callable[[str], str]) -> str:
    """``render(text)`` with the HTML blocks kramdown parses rendered as Markdown too."""
    if "<" not in text:
        return render(text)
    blocks: list[str] = []
    out: list[str] = []
    position = 0
    code = fenced_code(text)
    for match in OPEN.finditer(text):
        if match.start() < position:
            continue  # nested inside a block already taken
        if any(start <= match.start() < end for start, end in code):
            continue
        name, attrs = match.group(1), match.group(2)
        wanted = MARKDOWN_ATTR.search(attrs)
        parse = wanted.group(1).lower() in ("1", "block", "span") if wanted else parse_all
        end = closing(text, name, match.end())
        if end < 0:
            continue
        inner = text[match.end():end]
        kept_attrs = MARKDOWN_ATTR.sub("", attrs)
        if parse:
            inner = markdown_in_html(inner, parse_all, render)
        elif "markdown" in inner:
            inner = marked_children(inner, parse_all, render)
        # not parsed: kramdown keeps the whole element raw, blank lines and all, where
        # CommonMark would end the HTML block at the first blank line and read on as Markdown
        blocks.append(f"<{name}{kept_attrs}>{chr(10) if match.group(0).endswith(chr(10)) else ''}"
                      f"{inner}</{name}>\n")
        out.append(text[position:match.start()])
        out.append("\n\n" + PLACEHOLDER.format(len(blocks) - 1) + "\n\n")
        position = text.index(">", end) + 1
    out.append(text[position:])
    rendered = render("".join(out))
    return RESTORE.sub(lambda m: blocks[int(m.group(1))], rendered)
