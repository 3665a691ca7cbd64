"""Canonical URLs computed exactly as the generator publishes them.

Jekyll: named styles and ``:placeholders`` (``:categories`` are lower-cased and joined
with ``/``; empty parts collapse; non-ASCII is percent-encoded as Jekyll escapes paths).
Hugo: ``permalinks`` per section with ``:year :month :day :title :slug :filename :section``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote, unquote

JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
PLACEHOLDER = re.compile(r":([a-z_]+)")
SAFE = "/-._~!$&'()*+,;=:@%"


def jekyll_pattern(permalink: str | None) -> str:
    value = (permalink or "date").strip()
    return JEKYLL_STYLES.get(value, value)


def date_parts(moment: datetime) -> dict[str, str]:
    return {
        "year": f"{moment.year:04d}",
        "month": f"{moment.month:02d}",
        "i_month": str(moment.month),
        "day": f"{moment.day:02d}",
        "i_day": str(moment.day),
        "short_year": f"{moment.year % 100:02d}",
        "y_day": f"{moment.timetuple().tm_yday:03d}",
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "second": f"{moment.second:02d}",
        "week": f"{moment.isocalendar()[1]:02d}",
        "short_day": moment.strftime("%a"),
        "long_day": moment.strftime("%A"),
        "short_month": moment.strftime("%b"),
        "long_month": moment.strftime("%B"),
    }


def expand(pattern: str, values: Mapping[str, str]) -> str:
    """Fill ``:name`` placeholders (longest name first), collapse ``//``, percent-encode."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        for end in range(len(name), 0, -1):
            if name[:end] in values:
                return values[name[:end]] + name[end:]
        return match.group(0)

    path = PLACEHOLDER.sub(replace, pattern)
    path = re.sub(r"/{2,}", "/", "/" + path.lstrip("/"))
    return quote(path, safe=SAFE)


SLUG_MODES = {
    "raw": re.compile(r"\s+"),
    "default": re.compile(r"[\W_]+"),
    "pretty": re.compile(r"[^\w._~!$&'()+,;=@]+"),
    "ascii": re.compile(r"[^a-zA-Z0-9]+"),
}
"""Jekyll's ``Utils.slugify`` modes: what a run of characters replaced by one hyphen is."""


def slugify(text: str, mode: str = "default", *, cased: bool = False) -> str:
    """Jekyll's slugify: runs of characters the mode does not keep become one hyphen, hyphens
    at either end go, and the result is lower-cased unless ``cased``."""
    pattern = SLUG_MODES.get(mode, SLUG_MODES["default"])
    slug = pattern.sub("-", text).strip("-")
    return slug if cased else slug.lower()


def hugo_urlize(text: str) -> str:
    """A title as a path part: left to ``hugo_path`` whole, whose sanitising turns the
    run " & " into one hyphen ("TOML front matter & CRLF" → toml-front-matter-crlf);
    turning spaces into hyphens first would leave two."""
    return text.strip()


HUGO_PATH_KEEP = frozenset("./\\_#+~%@-")


def hugo_path(path: str, *, lower: bool) -> str:
    """A page path as Hugo 0.111 publishes it (its UnicodeSanitize): letters, marks, digits
    and ``./\\_#+~%@-`` are kept, anything else dropped; a run of white space becomes one
    hyphen unless a hyphen is already there (``how- to`` → ``how-to``, ``a - b`` → ``a-b``);
    the whole is lower-cased unless the site sets ``disablePathToLower``."""
    import unicodedata

    kept: list[str] = []
    hyphen_due = was_hyphen = False
    for char in unquote(path):
        if char in HUGO_PATH_KEEP or unicodedata.category(char)[0] in "LMN":
            was_hyphen = char == "-"
            if hyphen_due and not was_hyphen:
                kept.append("-")
            hyphen_due = False
            kept.append(char)
        elif kept and not was_hyphen and char.isspace():
            hyphen_due = True
    clean = "".join(kept)
    return quote(clean.lower() if lower else clean, safe=SAFE)
