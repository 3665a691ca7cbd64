"""How deep a post's HTML nests, found with one linear scan and no recursion.

Every converter downstream (Markdown for Medium, Telegram's subset, Telegraph nodes)
walks the tree recursively; 500 nested ``<div>`` made one of them raise RecursionError
and took the whole run down, and 20,000 took 38 s first. A post deeper than
``MAX_DEPTH`` is refused here, before it is rendered, with its file and line.
"""

from __future__ import annotations

import re

from syndicate.errors import SourceError

MAX_DEPTH = 100
"""Far beyond any real post (a quote in a list in a table nests under 20)."""
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>")
UNCOUNTED = frozenset({
    # void elements, and those whose end tag HTML lets an author leave out
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody",
    "tfoot", "colgroup", "rt", "rp", "optgroup",
})


def deepest(html: str, limit: int = MAX_DEPTH) -> tuple[int, int] | None:
    """(depth, offset) where the nesting first passes ``limit``, or None."""
    depth = 0
    for match in TAG.finditer(html):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if name in UNCOUNTED or selfclosing:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > limit:
            return depth, match.start()
    return None


def refuse_deep(html: str, rel: str, first_line: int = 1) -> None:
    """Raise a SourceError naming the line if ``html`` nests deeper than MAX_DEPTH."""
    found = deepest(html)
    if found is not None:
        line = first_line + html.count("\n", 0, found[1])
        raise SourceError(rel, f"HTML nested more than {MAX_DEPTH} levels deep", line=line,
                          fix="flatten the nested elements (no platform's converter takes "
                          "that many levels)")
