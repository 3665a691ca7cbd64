"""Canonical HTML → the full HTML WordPress and Ghost store.

The canonical HTML is already clean (absolute URLs, no scripts, no site-only parts);
what is left is removing syndicate's own region markers so that they never show up in
a platform's editor.
"""

from __future__ import annotations

import re

MARKERS = re.compile(r"<!--\s*syndicate:(?:on|off)[^>]*-->\n?")


def to_full_html(html: str) -> str:
    return MARKERS.sub("", html).strip() + "\n"
