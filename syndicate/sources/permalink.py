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


def slugify(text: str) -> str:
    """Jekyll's default slugify: lower case, runs of non-alphanumerics become one hyphen."""
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")


def hugo_urlize(text: str) -> str:
    return re.sub(r"\s+", "-", text.strip().lower())


HUGO_PATH_KEEP = frozenset("./\\_-#+~%")


def hugo_path(path: str, *, lower: bool) -> str:
    """A page path as Hugo publishes it (its MakePathSanitized): spaces become hyphens,
    characters other than letters, marks, digits and ``./_-#+~%`` are dropped, and the
    whole is lower-cased unless the site sets ``disablePathToLower``."""
    import unicodedata

    kept = []
    for char in unquote(path):
        if char.isspace():
            kept.append("-")
        elif char in HUGO_PATH_KEEP or unicodedata.category(char)[0] in "LMN":
            kept.append(char)
    clean = "".join(kept)
    return quote(clean.lower() if lower else clean, safe=SAFE)
