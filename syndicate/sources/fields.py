"""Front-matter fields normalised by a table of small functions (one per field).

Keys are matched case-insensitively, as Hugo does (``Title`` == ``title``); unknown keys
are ignored. Each processor takes the raw value and returns the clean one or raises
ValueError with a message; the caller turns that into a SourceError naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, tzinfo
from typing import Any

SEPARATORS = re.compile(r"[,\s]+")


def as_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise ValueError("expected text, found a " + type(value).__name__)
    return "" if value is None else str(value).strip()


def as_list(value: Any) -> tuple[str, ...]:
    """Tags and categories: a list, a comma- or space-separated string, or numbers."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        items = [str(v).strip() for v in value if v is not None and not isinstance(v, (dict, list))]
    elif isinstance(value, str):
        items = [part for part in SEPARATORS.split(value.strip()) if part]
    elif isinstance(value, (int, float)):
        items = [str(value)]
    else:
        raise ValueError("expected a list or a comma-separated string")
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0", ""):
        return False
    if isinstance(value, int):
        return bool(value)
    raise ValueError("expected true or false")


def as_datetime(value: Any) -> datetime:
    """A date or datetime; strings in the forms Jekyll and Hugo accept."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        text = value.strip().replace(" +", "+").replace(" -", "-")
        text = re.sub(r"^(\d{4}-\d{2}-\d{2}) (\d)", r"\1T\2", text)
        text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
    raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +ZZZZ)")


Processor = Callable[[Any], Any]
FIELDS: dict[str, tuple[str, Processor]] = {
    "title": ("title", as_text),
    "date": ("date", as_datetime),
    "publishdate": ("date", as_datetime),
    "lastmod": ("updated", as_datetime),
    "last_modified_at": ("updated", as_datetime),
    "updated": ("updated", as_datetime),
    "author": ("author", as_text),
    "summary": ("summary", as_text),
    "description": ("summary", as_text),
    "excerpt": ("summary", as_text),
    "tags": ("tags", as_list),
    "keywords": ("keywords", as_list),
    "categories": ("categories", as_list),
    "category": ("categories", as_list),
    "lang": ("language", as_text),
    "language": ("language", as_text),
    "slug": ("slug", as_text),
    "permalink": ("permalink", as_text),
    "url": ("url", as_text),
    "draft": ("draft", as_bool),
    "published": ("published", as_bool),
    "excerpt_separator": ("excerpt_separator", as_text),
}
SCHEDULE: dict[str, str] = {"publishdate": "publish_date", "expirydate": "expiry_date",
                            "unpublishdate": "expiry_date"}
"""Hugo's window of publication, kept apart from ``date``: a page dated in the past but with
a future publishDate is not on the site yet."""
COVER_KEYS = ("image", "cover", "cover_image", "featured_image", "thumbnail", "banner")


def cover_of(meta: dict[str, Any]) -> str | None:
    for key in COVER_KEYS:
        value = meta.get(key)
        if isinstance(value, dict):
            value = value.get("path") or value.get("feature") or value.get("src") or value.get("image")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def normalise(raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Clean fields and a list of (field, problem) for values that could not be used.

    The first key in ``FIELDS`` order wins when several map to one field (``summary``
    before ``description`` before ``excerpt``).
    """
    lowered = {str(k).lower(): v for k, v in raw.items()}
    clean: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, (target, processor) in FIELDS.items():
        if key not in lowered or target in clean:
            continue
        try:
            value = processor(lowered[key])
        except ValueError as exc:
            problems.append((key, str(exc)))
            continue
        if value not in ("", ()):
            clean[target] = value
    for key, target in SCHEDULE.items():
        if key in lowered and target not in clean and lowered[key] not in (None, ""):
            try:
                clean[target] = as_datetime(lowered[key])
            except ValueError as exc:
                problems.append((key, str(exc)))
    cover = cover_of(lowered)
    if cover:
        clean["cover"] = cover
    clean["syndicate"] = lowered.get("syndicate")
    return clean, problems


def localise(moment: datetime, zone: tzinfo) -> datetime:
    """Naive times are in the site's time zone, as the generators read them."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
