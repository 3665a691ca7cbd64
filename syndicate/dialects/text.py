"""Canonical HTML → plain text, for summaries, short-form platforms and length checks.

Plain text still has to read well: paragraphs apart, list items on their own bulleted
(and indented when nested) lines, code and tables kept verbatim with their indentation,
links as ``text (url)`` so nothing clickable is lost, footnote references as ``[1]``.
"""

from __future__ import annotations

import re

from bs4 import Tag
from bs4.element import NavigableString

from syndicate.dialects.table import table_text
from syndicate.dialects.tree import parse

BLOCKS = frozenset({"p", "div", "section", "article", "blockquote", "figure", "h1", "h2", "h3",
                    "h4", "h5", "h6", "hr", "dl", "dt", "dd", "figcaption", "center", "header",
                    "footer", "aside", "details", "summary", "main", "nav", "address"})
SKIP = frozenset({"script", "style", "noscript", "template", "img", "iframe", "video", "audio"})
BLANK_RUNS = re.compile(r"\n{3,}")
SPACES = re.compile(r"[ \t\r\n\f\v]+")
VERBATIM = re.compile(r"\x00(\d+)\x00")
INDENT = "\x01"  # survives strip(); becomes two spaces at the end
PRIVATE = re.compile(r"[\x00\x01]")


class Writer:
    """Collects text; verbatim blocks (code, tables) wait in ``kept`` behind a placeholder
    so the white-space clean-up at the end cannot touch their indentation."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.kept: list[str] = []

    def verbatim(self, text: str) -> None:
        text = text.strip("\n")
        if text.strip():
            self.out.append(f"\n\n\x00{len(self.kept)}\x00\n\n")
            self.kept.append(text)

    def walk(self, node: Tag, depth: int = 0) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, doctype or CDATA
                    self.out.append(SPACES.sub(" ", PRIVATE.sub("", str(child))))
            elif isinstance(child, Tag) and child.name not in SKIP:
                self.element(child, depth)

    def element(self, tag: Tag, depth: int) -> None:
        name = tag.name
        if name == "br":
            self.out.append("\n")
        elif name == "pre":
            self.verbatim(tag.get_text())
        elif name == "table":
            self.verbatim(table_text(tag))
        elif name in ("ul", "ol"):
            self.out.append("\n")
            self.items(tag, depth)
            self.out.append("\n")
        elif name == "li":  # a stray item outside a list
            self.out.append("\n" + INDENT * depth + "• ")
            self.walk(tag, depth + 1)
        elif name == "a":
            self.link(tag, depth)
        elif name == "sup":
            label = SPACES.sub(" ", tag.get_text()).strip()
            if label:
                self.out.append(f"[{label}]")
        elif name in BLOCKS:
            self.out.append("\n\n")
            self.walk(tag, depth)
            self.out.append("\n\n")
        else:
            self.walk(tag, depth)

    def items(self, tag: Tag, depth: int) -> None:
        ordered = tag.name == "ol"
        start = str(tag.get("start") or "1")
        number = int(start) if start.isdigit() else 1
        for item in tag.find_all("li", recursive=False):
            marker = f"{number}." if ordered else "•"
            number += 1
            self.out.append("\n" + INDENT * depth + marker + " ")
            for child in item.children:
                if isinstance(child, Tag) and child.name == "p":  # loose list: no blank lines
                    self.walk(child, depth + 1)
                    self.out.append(" ")
                elif isinstance(child, Tag) and child.name in ("ul", "ol"):
                    self.items(child, depth + 1)
                elif isinstance(child, NavigableString):
                    if type(child) is NavigableString:
                        self.out.append(SPACES.sub(" ", PRIVATE.sub("", str(child))))
                elif isinstance(child, Tag) and child.name not in SKIP:
                    self.element(child, depth + 1)

    def link(self, tag: Tag, depth: int) -> None:
        if "reversefootnote" in (tag.get("class") or []) or "footnote-backref" in (
                tag.get("class") or []):
            return
        before = len(self.out)
        self.walk(tag, depth)
        label = "".join(self.out[before:]).strip()
        href = str(tag.get("href") or "")
        if href.startswith(("http://", "https://")) and href.rstrip("/") != label.rstrip("/"):
            self.out.append(f" ({href})" if label else href)


def to_text(html: str) -> str:
    """Readable plain text: blocks separated by a blank line, bullets for list items."""
    return text_of(parse(html))


def text_of(tree: Tag) -> str:
    """``to_text`` of a tree already parsed (the markup stage's own, saving a parse)."""
    writer = Writer()
    writer.walk(tree)
    lines = [line.strip() for line in "".join(writer.out).split("\n")]
    text = BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip().replace(INDENT, "  ")
    return VERBATIM.sub(lambda m: writer.kept[int(m.group(1))], text)
