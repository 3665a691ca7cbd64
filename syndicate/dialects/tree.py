"""The one way dialects parse HTML: bs4 with the standard library's parser.

bs4 warns when a short input "looks like a URL or a file name"; a post body that is just
a link is legitimate here, so that warning (and only it) is silenced once.
"""

from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")
