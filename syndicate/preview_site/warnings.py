"""What a reader of the preview should worry about, for one post on one platform.

Each warning is computed from the payload a push would send (and the notices the
source and adapter already attached), never from a second rendering, so a warning here
is a fact about what the platform will receive.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from syndicate.adapter import Limit, Unit

if TYPE_CHECKING:
    from syndicate.previews import PreviewItem

HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
MD_IMG = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
SPACES = re.compile(r"\s+")
MARKUP = re.compile(r"https?://[^\s)\]>]+|[\[\]()*_`>#~|]|&[a-z]+;|<[^>]*>")
"""Link targets and Markdown/HTML punctuation: a summary says "text (url)" where a body says
"[text](url)", and that is the same words, not a cut."""
IMAGE_ADDRESS = re.compile(r"^\S+\.(?:png|jpe?g|gif|webp|avif|svg|bmp|tiff?)(?:[?#]\S*)?$", re.I)


@dataclass(frozen=True)
class Alert:
    """One warning shown beside a rendering; ``kind`` picks its label."""

    kind: str
    """truncated, markup, image, tags, limit, platform."""
    message: str


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
    """Every image URL inside a payload's data, wherever the adapter put it.

    Images inside markup (HTML ``<img>``, Markdown ``![]()``), and any string that is an
    image address on its own (a photo or cover field): found by what the value is, not by
    guessing each platform's field names.
    """
    found: list[str] = []
    for value in walk_strings(data):
        found += [next(g for g in m.groups() if g is not None) for m in HTML_IMG.finditer(value)]
        found += MD_IMG.findall(value)
        if IMAGE_ADDRESS.match(value.strip()):
            found.append(value.strip())
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
    """A warning naming where ``summary`` was cut in ``shown`` text, if it was.

    Compared on the words alone (no spaces, link targets or markup), because the body may
    write the summary's "text (url)" as "[text](url)" and that is no cut.
    """
    want = SPACES.sub(" ", summary).strip()
    bare_want, have = words(want), words(shown)
    if not bare_want or bare_want in have:
        return None
    lo, hi = 0, len(bare_want)
    while lo < hi:  # longest prefix of the summary that made it in
        mid = (lo + hi + 1) // 2
        if bare_want[:mid] in have:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return None  # this text does not carry the summary at all: nothing was cut
    end = position_after(want, bare_want[:lo])
    tail = want[max(0, end - 24):end]
    return Alert("truncated", f"text cut after {end} of {len(want)} characters of the summary, "
                                f"after “…{tail}”")


def words(text: str) -> str:
    return SPACES.sub("", MARKUP.sub("", text))


def position_after(text: str, bare_prefix: str) -> int:
    """Where in ``text`` the words of ``bare_prefix`` end (the inverse of ``words``)."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(words(text[:mid])) >= len(bare_prefix):
            hi = mid
        else:
            lo = mid + 1
    return lo


Measured = Sequence[tuple[Limit, str]]
"""Each declared limit with a text it applies to: ``Adapter.measured(payload)``."""


def limit_warnings(measured: Measured) -> list[Alert]:
    """One warning per text over its platform's limit, counted the platform's way."""
    out = []
    for limit, text in measured:
        used = count(text, limit.unit, limit.url_length)
        if used > limit.maximum:
            out.append(Alert("limit", f"{limit.field} is {used} {limit.unit.value}, over the "
                                      f"limit of {limit.maximum}: the platform will refuse it"))
    return out


def collect(item: PreviewItem, measured: Measured) -> list[Alert]:
    """Every warning for one PreviewItem (post notices, payload notices, images, limits, cuts).

    ``measured`` are the texts the adapter declares limits for; the summary counts as cut
    when those texts hold its start but not all of it.
    """
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
    found += limit_warnings(measured)
    cut = truncation(post.summary, " ".join(text for _, text in measured)) if post.summary else None
    if cut:
        found.append(cut)
    return found
