"""The one way dialects parse HTML: bs4 with the standard library's parser.

Parsing is most of the cost of a conversion, and a post is converted to several dialects
in a row, so the last few trees are kept: every dialect of one post shares one parse, and
``syndicate.tailor`` tests its selectors on the same tree. The trees are read-only by
contract — no converter may change one (tailor edits a private parse of its own).

Only the same string shares a tree. Parsing the serialisation of a tree does not always
give that tree back (adjacent strings merge, white space collapses, a doctype gains a
line), and the dialects see the difference, so a tree is never reused for other text.

bs4 warns when a short input "looks like a URL or a file name"; a post body that is just
a link is legitimate here, so that warning (and only it) is silenced once.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


@lru_cache(maxsize=8)
def parse(html: str) -> BeautifulSoup:
    """The (shared, read-only) tree of ``html``."""
    return BeautifulSoup(html, "html.parser")
