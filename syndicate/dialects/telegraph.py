"""Canonical HTML → Telegraph's node tree (the ``content`` of createPage/editPage).

Telegraph accepts only a short list of tags and the attributes href and src; its page
limit (64 KB) is on the JSON-serialised content in UTF-8 bytes.
"""

from __future__ import annotations

import json
from typing import Any

from bs4 import Tag
from bs4.element import NavigableString

from syndicate.dialects.table import table_text
from syndicate.dialects.tree import parse

Node = str | dict[str, Any]
TAGS = frozenset({"a", "aside", "b", "blockquote", "br", "code", "em", "figcaption", "figure",
                  "h3", "h4", "hr", "i", "iframe", "img", "li", "ol", "p", "pre", "s", "strong",
                  "u", "ul", "video"})
RENAME = {"h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4", "del": "s", "strike": "s",
          "ins": "u", "center": "p", "div": "p", "section": "p", "article": "p"}
BLOCK = frozenset({"p", "div", "center", "section", "article", "blockquote", "pre", "ul", "ol",
                   "table", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "aside", "iframe"})
CONTAINERS = frozenset({"center", "div", "section", "article"})
DROP = frozenset({"script", "style", "noscript", "template"})


def convert(node: Tag) -> list[Node]:
    out: list[Node] = []
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString and str(child):
                out.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in DROP:
            continue
        name = RENAME.get(child.name, child.name)
        if name == "table":
            text = table_text(child)
            if text:
                out.append({"tag": "pre", "children": [text]})
            continue
        if child.name in CONTAINERS and child.find(BLOCK):
            out.extend(strip_blank(convert(child)))  # a <p> may not hold blocks: unwrap
            continue
        if name == "pre":
            text = child.get_text().strip("\n")
            code = {"tag": "code", "children": [text]} if child.find("code") else text
            if text:
                out.append({"tag": "pre", "children": [code]})
            continue
        children = convert(child)
        if name in ("ul", "ol", "blockquote", "figure", "aside"):  # layout white space only
            children = strip_blank(children)
        if name not in TAGS:
            out.extend(children)
            continue
        element: dict[str, Any] = {"tag": name}
        attrs = {k: str(child.get(k)) for k in ("href", "src") if child.get(k)}
        if attrs:
            element["attrs"] = attrs
        if children:
            element["children"] = children
        out.append(element)
    return out


def strip_blank(nodes: list[Node]) -> list[Node]:
    return [n for n in nodes if not (isinstance(n, str) and not n.strip())]


def to_nodes(html: str) -> list[Node]:
    """Telegraph nodes for ``html``: allowed tags only, other tags unwrapped."""
    return strip_blank(convert(parse(html)))


PAGE_LIMIT = 64 * 1024
"""Telegraph's limit on a page's serialised ``content``, in UTF-8 bytes."""


def content_size(nodes: list[Node]) -> int:
    """Bytes Telegraph counts against its 64 KB page limit."""
    return len(json.dumps(nodes, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def node_size(node: Node) -> int:
    return len(json.dumps(node, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def fit_page(nodes: list[Node], link: str, limit: int = PAGE_LIMIT) -> tuple[list[Node], bool]:
    """``nodes`` cut at a block so that they fit ``limit``, ending with a paragraph that
    links to the rest on the original post; True when a cut was made. Telegraph refuses
    a whole page over the limit, so sending it as it is would lose all of it."""
    if content_size(nodes) <= limit:
        return nodes, False
    tail: Node = {"tag": "p", "children": [
        {"tag": "i", "children": ["Continued on the original post: "]},
        {"tag": "a", "attrs": {"href": link}, "children": [link]}]}
    budget = limit - node_size(tail) - 2  # the list's brackets
    kept: list[Node] = []
    used = 0
    for node in nodes:
        size = node_size(node) + (1 if kept else 0)  # the comma before it
        if used + size > budget:
            break
        kept.append(node)
        used += size
    return [*kept, tail], True
