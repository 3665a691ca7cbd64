"""Canonical HTML → plain text, for summaries, short-form platforms and length checks."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

BLOCKS = frozenset({"p", "div", "section", "article", "blockquote", "pre", "table", "figure",
                    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "hr", "tr", "li", "dl",
                    "dt", "dd", "figcaption", "center"})
BLANK_RUNS = re.compile(r"\n{3,}")
SPACES = re.compile(r"[ \t\r\f\v]+")


def walk(node: Tag, out: list[str], in_pre: bool = False) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is not NavigableString:  # comments, doctype, CDATA
                continue
            out.append(str(child) if in_pre else SPACES.sub(" ", str(child).replace("\n", " ")))
            continue
        if not isinstance(child, Tag) or child.name in ("script", "style", "noscript"):
            continue
        name = child.name
        if name == "br":
            out.append("\n")
        elif name == "img":
            continue
        elif name == "li":
            out.append("\n• ")
            walk(child, out, in_pre)
        elif name == "a":
            before = len(out)
            walk(child, out, in_pre)
            label = "".join(out[before:]).strip()
            href = str(child.get("href") or "")
            if href.startswith(("http://", "https://")) and href not in (label, label + "/"):
                out.append(f" ({href})")
        elif name in BLOCKS:
            out.append("\n\n")
            walk(child, out, in_pre or name == "pre")
            out.append("\n\n")
        elif name in ("td", "th"):
            walk(child, out, in_pre)
            out.append("\t")
        else:
            walk(child, out, in_pre)


def to_text(html: str) -> str:
    """Readable plain text: blocks separated by a blank line, bullets for list items."""
    out: list[str] = []
    walk(BeautifulSoup(html, "html.parser"), out)
    lines = [line.strip() for line in "".join(out).split("\n")]
    return BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
