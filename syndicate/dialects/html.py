"""Canonical HTML → the full HTML WordPress and Ghost store.

The canonical HTML is already clean (absolute URLs, no scripts, no site-only parts);
what is left are comments — syndicate's own region markers, which ``syndicate.tailor``
has already acted on, and anything else — that would show up in a platform's editor or
turn into stray blocks in Gutenberg. Text cannot hold a literal ``<!--`` (the parser
escapes it), so a pattern is enough; no second parse is spent here.
"""

from __future__ import annotations

import re

COMMENTS = re.compile(r"<!--.*?-->[ \t]*\n?", re.DOTALL)
BLANK_RUNS = re.compile(r"\n{3,}")
PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)


def to_full_html(html: str) -> str:
    """``html`` without comments, blank-line runs collapsed outside ``<pre>``, ending in
    one newline — the same input always gives the same bytes, so updates can be compared."""
    pieces = PRE.split(COMMENTS.sub("", html))
    for index in range(0, len(pieces), 2):
        pieces[index] = BLANK_RUNS.sub("\n\n", pieces[index])
    return "".join(pieces).strip() + "\n"
