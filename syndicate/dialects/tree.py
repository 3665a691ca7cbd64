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
The markup stage's own tree, edited and then written out as a post's canonical HTML, is
first made into exactly what that HTML parses to (``adopt``), so the post's first dialect
does not parse it again either.

bs4 warns when a short input "looks like a URL or a file name"; a post body that is just
a link is legitimate here, so that warning (and only it) is silenced once.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from functools import lru_cache

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning
from bs4.element import CData, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from syndicate.dialects.write import write

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

KEPT = 8
ODD_NODES = (Doctype, Declaration, CData, ProcessingInstruction)
"""Nodes whose serialisation does not parse back to them exactly (a doctype gains a
line break; bs4 reads any ``<!…>`` declaration as a doctype)."""

ASCII_SPACES = frozenset("\x20\x0a\x09\x0c\x0d")
"""What bs4 collapses a white-space-only string of (outside ``<pre>``/``<textarea>``)."""

_KNOWN: OrderedDict[str, BeautifulSoup] = OrderedDict()
"""Text written by ``serialise`` or given to ``adopt`` → the tree it parses to."""


@lru_cache(maxsize=KEPT)
def parse_text(html: str) -> BeautifulSoup:
    """A fresh parse of ``html``, kept for the next few callers."""
    return BeautifulSoup(html, "html.parser")


def parse(html: str) -> BeautifulSoup:
    """The (shared, read-only) tree of ``html``."""
    tree = _KNOWN.get(html)
    return tree if tree is not None else parse_text(html)


def forget() -> None:
    """Drop every kept tree (tests that count parses start from nothing)."""
    parse_text.cache_clear()
    _KNOWN.clear()


def round_trips(tree: BeautifulSoup) -> bool:
    """Whether parsing ``str(tree)`` gives ``tree`` back, node for node, for a tree that
    ``parse`` made (never one edited since: edits leave strings side by side).

    A fresh parse already has what the parser normalises: names and attribute names in
    lower case, one string between two tags, white-space-only strings collapsed, entities
    decoded (and re-encoded by the serialisation). What is left is what bs4 writes in a
    way the parser reads differently: the nodes of ``ODD_NODES``, and two strings side by
    side (a stray end tag such as ``a</div>b`` splits the text; written out, it is one
    string again), attributes out of alphabetical order (bs4 writes them sorted), and
    (in an edited tree) a void element such as ``<br>`` given children. An empty string
    would vanish too.
    """
    for node in tree.descendants:
        if isinstance(node, Tag):
            if len(node.attrs) > 1 and list(node.attrs) != sorted(node.attrs):
                return False
            if node.can_be_empty_element and node.contents:
                return False  # a void element given children: its end tag is not read back
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
    text = write(tree)
    if text not in _KNOWN and round_trips(tree):
        remember(text, tree)
    return text


def remember(text: str, tree: BeautifulSoup) -> None:
    _KNOWN[text] = tree
    if len(_KNOWN) > KEPT:
        _KNOWN.popitem(last=False)


def adopt(tree: BeautifulSoup, text: str) -> None:
    """Let ``tree`` stand for ``text``, which must be ``str(tree).strip() + "\n"``: the
    tree is edited into exactly what parsing ``text`` gives, or left out if it holds
    anything this cannot vouch for. The caller must be done with ``tree`` as it was.

    What a parse of the serialisation does differently from an edited tree: strings side
    by side (left by a removed comment, tag or unwrapped element) are one string; an empty
    one is none; a white-space-only one outside ``<pre>``/``<textarea>`` is one newline
    (or space); attributes come in the order bs4 writes them, sorted. ``strip`` and the
    final newline change only the first and last top-level strings.
    """
    if normalise(tree):
        top = tree.contents
        if top and type(top[0]) is NavigableString:
            replace_string(top[0], top[0].lstrip())
        if top and type(top[-1]) is NavigableString:
            replace_string(top[-1], top[-1].rstrip())
        if top and type(top[-1]) is NavigableString:
            replace_string(top[-1], top[-1] + "\n")
        else:
            tree.append(NavigableString("\n"))
        if round_trips(tree):
            remember(text, tree)


def replace_string(node: NavigableString, value: str) -> None:
    if not value:
        node.extract()
    elif value != node:
        node.replace_with(NavigableString(value))


def normalise(tree: BeautifulSoup) -> bool:
    """Edit ``tree`` into what parsing its serialisation gives (see ``adopt``); False
    when it holds nodes whose reading back this does not model (doctypes and the like,
    strings that take their class from an element such as ``<rt>`` or ``<script>``)."""
    containers = tree.builder.string_containers
    for node in list(tree.descendants):
        if isinstance(node, Tag):
            if node.name in containers:
                return False
            if len(node.attrs) > 1 and list(node.attrs) != sorted(node.attrs):
                ordered = sorted(node.attrs.items())
                node.attrs.clear()
                node.attrs.update(ordered)
        elif type(node) is NavigableString:
            before = node.previous_sibling
            if type(before) is NavigableString:
                before.replace_with(NavigableString(before + node))
                node.extract()
        elif type(node) is not Comment:
            return False
    preserve = tree.builder.preserve_whitespace_tags
    for node in [n for n in tree.descendants if type(n) is NavigableString]:
        if not node:
            node.extract()
        elif all(ch in ASCII_SPACES for ch in node) and not any(
                parent.name in preserve for parent in node.parents):
            replace_string(node, "\n" if "\n" in node else " ")
    return True
