"""``str(tree)`` for the HTML trees the dialects parse, without bs4's general machinery.

bs4 writes a tree through an event stream built for pretty-printing and XML as well;
for a plain ``html.parser`` tree written compactly that generality was the larger part
of the cost, and a post is written out three times (the canonical HTML, tailored, the
WeChat copy). The pieces that decide the bytes are still bs4's own: each string's
``output_ready`` and the formatter's attribute order, escaping and quoting. Only the
walk is ours, and ``tests/test_tree_write.py`` holds it to ``str(tree)`` byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator

from bs4 import BeautifulSoup
from bs4.element import AttributeValueWithCharsetSubstitution, NavigableString, PageElement, Tag
from bs4.formatter import Formatter


def write(tree: BeautifulSoup) -> str:
    """Exactly ``str(tree)``, for a document parsed as HTML."""
    if tree.is_xml:
        return str(tree)
    formatter = tree.formatter_for_name("minimal")
    out: list[str] = []
    stack: list[Iterator[PageElement]] = [iter(tree.contents)]
    closers: list[str] = [""]
    while stack:
        for node in stack[-1]:
            if isinstance(node, NavigableString):
                # a plain string's output_ready is the formatter's substitute (no prefix or
                # suffix); comments, doctypes and the like add theirs
                out.append(formatter.substitute(node) if type(node) is NavigableString
                           else node.output_ready(formatter))
                continue
            if not isinstance(node, Tag) or node.hidden:
                out.append(str(node))
                continue
            name = f"{node.prefix}:{node.name}" if node.prefix else node.name
            opening = "<" + name + attributes(node, formatter)
            if node.is_empty_element:
                out.append(opening + (formatter.void_element_close_prefix or "") + ">")
                continue
            out.append(opening + ">")
            stack.append(iter(node.contents))
            closers.append("</" + name + ">")
            break
        else:
            stack.pop()
            out.append(closers.pop())
    return "".join(out)


def attributes(tag: Tag, formatter: Formatter) -> str:
    """The attribute string bs4 writes for ``tag`` (empty, or starting with a space)."""
    if not tag.attrs:
        return ""
    pieces = []
    for key, value in formatter.attributes(tag):
        if value is None:
            pieces.append(key)
            continue
        if isinstance(value, (list, tuple)):
            value = " ".join(value)
        elif isinstance(value, AttributeValueWithCharsetSubstitution):
            value = value.substitute_encoding("utf-8")
        elif not isinstance(value, str):
            value = str(value)
        pieces.append(f"{key}={formatter.quoted_attribute_value(formatter.attribute_value(value))}")
    return " " + " ".join(pieces)
