"""What a reader of the preview should worry about, for one post on one platform.

Each warning is computed from the payload a push would send (and the notices the
source and adapter already attached), never from a second rendering, so a warning here
is a fact about what the platform will receive.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from syndicate.adapter import Capabilities, Unit

if TYPE_CHECKING:
    from syndicate.previews import PreviewItem

TAG = re.compile(r"<[^>]*>")
HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
MD_IMG = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Alert:
    """One warning shown beside a rendering; ``kind`` picks its label."""

    kind: str
    """truncated, markup, image, tags, limit, platform."""
    message: str


def plain_text(telegram_html: str) -> str:
    """What Telegram counts: the text after its HTML entities are parsed."""
    return html.unescape(TAG.sub("", telegram_html))


def count(text: str, unit: Unit, url_length: int | None = None) -> int:
    from syndicate.dialects.fit import count as fit_count

    return fit_count(text, unit, url_length=url_length)


def image_problem(src: str) -> str | None:
    """Why a platform could not show an image at ``src`` (None: it can)."""
    parts = urlsplit(src.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return None
    if not parts.scheme:
        return f"image {src!r} is relative: the platform cannot resolve it"
    return f"image {src!r} uses the {parts.scheme}: scheme, not http(s)"


def image_sources(data: Mapping[str, Any]) -> list[str]:
    """Every image URL inside a payload's data, wherever the adapter put it."""
    found: list[str] = []
    for value in walk_strings(data):
        found += [next(g for g in m.groups() if g is not None) for m in HTML_IMG.finditer(value)]
        found += MD_IMG.findall(value)
    for message in data.get("messages", ()) or ():
        photo = (message.get("params") or {}).get("photo")
        if isinstance(photo, str):
            found.append(photo)
    return list(dict.fromkeys(html.unescape(s) for s in found))


def walk_strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from walk_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from walk_strings(item)


def truncation(summary: str, shown: str) -> Alert | None:
    """A warning naming where ``summary`` was cut in ``shown`` text, if it was."""
    want = SPACES.sub(" ", summary).strip()
    have = SPACES.sub(" ", shown)
    if not want or want in have:
        return None
    lo, hi = 0, len(want)
    while lo < hi:  # longest prefix of the summary that made it in
        mid = (lo + hi + 1) // 2
        if want[:mid] in have:
            lo = mid
        else:
            hi = mid - 1
    tail = want[max(0, lo - 24):lo]
    return Alert("truncated", f"text cut after {lo} of {len(want)} characters of the summary, "
                                f"after “…{tail}”")


def limit_warnings(field: str, text: str, caps: Capabilities | None) -> list[Alert]:
    if caps is None:
        return []
    out = []
    for limit in caps.limits:
        if limit.field == field:
            used = count(text, limit.unit, limit.url_length)
            if used > limit.maximum:
                out.append(Alert("limit", f"{field} is {used} {limit.unit.value}, over the limit "
                                          f"of {limit.maximum}: the platform will refuse it"))
    return out


def collect(item: PreviewItem, caps: Capabilities | None) -> list[Alert]:
    """Every warning for one PreviewItem (post notices, payload notices, images, cuts)."""
    post, data = item.post, item.payload.data
    found = [Alert("markup", str(n)) for n in post.notices
             if n.platform in (None, item.platform)]
    for notice in item.payload.notices:
        kind = "tags" if notice.startswith("tag ") else "platform"
        found.append(Alert(kind, notice))
    sources = image_sources(data)
    if post.cover_image and post.cover_image not in sources:
        sources.append(post.cover_image)
    for src in sources:
        problem = image_problem(src)
        if problem:
            found.append(Alert("image", problem))
    if caps is not None:
        for limit in caps.limits:
            value = data.get(limit.field)
            if isinstance(value, str):
                found += limit_warnings(limit.field, value, caps)
    for message in data.get("messages", ()) or ():
        params = message.get("params") or {}
        field = "caption" if "caption" in params else "text"
        text = plain_text(str(params.get(field, "")))
        found += limit_warnings(field, text, caps)
        cut = truncation(post.summary, text) if post.summary else None
        if cut and data.get("mode", "link") != "full":
            found.append(cut)
    return found
