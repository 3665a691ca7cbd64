"""Front-matter fields normalised by a table of small functions (one per field).

Keys are matched case-insensitively, as Hugo does (``Title`` == ``title``); unknown keys
are ignored. Each processor takes the raw value and returns the clean one or raises
ValueError with a message; the caller turns that into a SourceError naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

SEPARATORS = re.compile(r"[,\s]+")


def as_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise ValueError("expected text, found a " + type(value).__name__)
    return "" if value is None else str(value).strip()


def as_person(value: Any) -> str:
    """An author: a name, or a mapping with one (``author: {name: Ann, email: …}``, as
    Jekyll themes write it), or a list of those (the first is named)."""
    if isinstance(value, list):
        return as_person(value[0]) if value else ""
    if isinstance(value, dict):
        names = [value.get(key) for key in ("name", "display_name", "displayname", "title")]
        return next((name.strip() for name in names if isinstance(name, str)), "")
    return as_text(value)


def as_series(value: Any) -> str:
    """A series name: Jekyll themes write one string, Hugo's ``series`` taxonomy a list
    (the first term names it)."""
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if isinstance(v, (str, int, float))), None)
    return as_text(value)


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


LOOSE_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?", re.I)


def loose_datetime(text: str) -> datetime | None:
    """The forms ISO refuses but Ruby's Time.parse and Go's date casting accept: one-digit
    months, days and hours (``2019-04-09T8:09:26-07:00``), ``+07`` zones."""
    match = LOOSE_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                          int(second or 0), micro)
    except ValueError:
        return None
    if zone:
        if zone.upper() == "Z":
            return moment.replace(tzinfo=UTC)
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        if offset >= timedelta(hours=24):
            return None
        return moment.replace(tzinfo=timezone(sign * offset))
    return moment


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
            loose = loose_datetime(value.strip())
            if loose is not None:
                return loose
    raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +ZZZZ)")


Processor = Callable[[Any], Any]
FIELDS: dict[str, tuple[str, Processor]] = {
    "title": ("title", as_text),
    "date": ("date", as_datetime),
    "publishdate": ("date", as_datetime),
    "lastmod": ("updated", as_datetime),
    "last_modified_at": ("updated", as_datetime),
    "updated": ("updated", as_datetime),
    "author": ("author", as_person),
    "summary": ("summary", as_text),
    "description": ("summary", as_text),
    "excerpt": ("summary", as_text),
    "tags": ("tags", as_list),
    "keywords": ("keywords", as_list),
    "categories": ("categories", as_list),
    "category": ("categories", as_list),
    "series": ("series", as_series),
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
COVER_KEYS = ("image", "cover", "cover_image", "featured_image", "thumbnail", "banner",
              "header-img", "header_img", "header")
"""Front-matter keys a post's cover is written under, generic ones first; the last three are
popular themes' own (Hux's ``header-img``, Minimal Mistakes' ``header: {overlay_image: …}``):
a cover the live site shows should reach the copies too."""
COVER_SUBKEYS = ("path", "feature", "src", "image", "overlay_image", "teaser")


def cover_of(meta: dict[str, Any]) -> str | None:
    for key in COVER_KEYS:
        value = meta.get(key)
        if isinstance(value, dict):
            value = next((value[k] for k in COVER_SUBKEYS if isinstance(value.get(k), str)
                          and value[k].strip()), None)
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
        if key not in lowered or target in clean or lowered[key] is None:
            continue  # an empty value (``last_modified_at:``) is no value, as for the generators
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
