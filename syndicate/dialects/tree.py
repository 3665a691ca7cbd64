"""The one way dialects parse HTML: bs4 with the standard library's parser.

Parsing is most of the cost of a conversion, and a post is converted to several dialects
in a row, so the last few trees are kept: every dialect of one post shares one parse, and
``syndicate.tailor`` tests its selectors on the same tree. The trees are read-only by
contract — no converter may change one (tailor edits a private parse of its own).

A tree is shared only with text known to parse to it. That is the text it was parsed
from, and — through ``serialise`` — its own serialisation when re-parsing that is known
to give the very same tree back. It is not always so (an edited tree's adjacent strings
merge, a stray end tag splits a string that then merges, a doctype gains a line), and
the dialects see the difference, so ``round_trips`` admits only trees with none of that.

bs4 warns when a short input "looks like a URL or a file name"; a post body that is just
a link is legitimate here, so that warning (and only it) is silenced once.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from functools import lru_cache

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning
from bs4.element import CData, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

KEPT = 8
ODD_NODES = (Doctype, Declaration, CData, ProcessingInstruction)
"""Nodes whose serialisation does not parse back to them exactly (a doctype gains a
line break; bs4 reads any ``<!…>`` declaration as a doctype)."""

_SERIALISED: OrderedDict[str, BeautifulSoup] = OrderedDict()
"""Text written by ``serialise`` → the tree it is the serialisation of (and parses to)."""


@lru_cache(maxsize=KEPT)
def parse_text(html: str) -> BeautifulSoup:
    """A fresh parse of ``html``, kept for the next few callers."""
    return BeautifulSoup(html, "html.parser")


def parse(html: str) -> BeautifulSoup:
    """The (shared, read-only) tree of ``html``."""
    tree = _SERIALISED.get(html)
    return tree if tree is not None else parse_text(html)


def forget() -> None:
    """Drop every kept tree (tests that count parses start from nothing)."""
    parse_text.cache_clear()
    _SERIALISED.clear()


def round_trips(tree: BeautifulSoup) -> bool:
    """Whether parsing ``str(tree)`` gives ``tree`` back, node for node, for a tree that
    ``parse`` made (never one edited since: edits leave strings side by side).

    A fresh parse already has what the parser normalises: names and attribute names in
    lower case, one string between two tags, white-space-only strings collapsed, entities
    decoded (and re-encoded by the serialisation). What is left is what bs4 writes in a
    way the parser reads differently: the nodes of ``ODD_NODES``, and two strings side by
    side (a stray end tag such as ``a</div>b`` splits the text; written out, it is one
    string again), and attributes out of alphabetical order (bs4 writes them sorted). An
    empty string would vanish too.
    """
    for node in tree.descendants:
        if isinstance(node, Tag):
            if len(node.attrs) > 1 and list(node.attrs) != sorted(node.attrs):
                return False
        elif isinstance(node, NavigableString):
            if isinstance(node, ODD_NODES) or not node:
                return False
            if not isinstance(node, Comment):
                before = node.previous_sibling
                if isinstance(before, NavigableString) and not isinstance(before, Comment):
                    return False
    return True


def serialise(tree: BeautifulSoup) -> str:
    """``str(tree)`` of a tree from ``parse``; when that text parses back to ``tree``
    exactly (``round_trips``), the next ``parse`` of it gets ``tree`` without parsing.

    ``syndicate.tailor`` serialises each post's tree and every dialect then parses the
    result: this is one parse per post saved."""
    text = str(tree)
    if text not in _SERIALISED and round_trips(tree):
        _SERIALISED[text] = tree
        if len(_SERIALISED) > KEPT:
            _SERIALISED.popitem(last=False)
    return text
