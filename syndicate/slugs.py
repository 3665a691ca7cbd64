"""Deterministic ASCII slugs for platforms that find a post again by its slug.

Platforms rewrite slugs they dislike (some transliterate other scripts, others drop
characters), which would make a later look-up by the slug we sent miss. A slug already
in the plain ``[a-z0-9-]`` form comes back as sent; a non-ASCII one gets a stable hash of
the canonical URL, so the same post always asks for the same slug.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote, urlparse

SLUG_MAX = 150


def ascii_slug(canonical_url: str, fallback: str) -> str:
    """The canonical URL's last part as ``[a-z0-9-]``; ``fallback`` when the URL has none."""
    tail = urlparse(canonical_url).path.rstrip("/").rsplit("/", 1)[-1]
    tail = unquote(tail.removesuffix(".html") or fallback).lower()
    ascii_part = re.sub(r"[^a-z0-9]+", "-", tail).strip("-")
    if ascii_part and tail.isascii():
        return ascii_part[:SLUG_MAX].strip("-")
    digest = hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:10]
    return f"{ascii_part[:SLUG_MAX - 12].strip('-')}-{digest}".lstrip("-")
