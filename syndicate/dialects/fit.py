"""Counting length the way each platform counts it, and cutting text to fit.

Platforms disagree on what a "character" is: Telegram counts code points, X and
Mastodon count graphemes with every URL as 23, Bluesky counts graphemes and bytes,
JavaScript-backed APIs count UTF-16 units. Every limit in syndicate is checked here.

Cutting rules, in order of preference: after a sentence end (``。！？.!?`` …), then at
white space, then at any grapheme boundary — never inside a grapheme cluster (an
emoji ZWJ sequence, a flag, a letter with combining marks) and never inside a URL.
The link back to the original is never cut: it is appended after the ellipsis.
"""

from __future__ import annotations

import bisect

import regex

from syndicate.adapter import Unit

URL = regex.compile(r"https?://[^\s<>\"'）」』】]+")
GRAPHEME = regex.compile(r"\X")
SENTENCE_END = regex.compile(r"[。！？!?…]+[」』”’）)]*|[.;；](?=\s|$)")
SPACE = regex.compile(r"\s+")
NEWLINE = regex.compile(r"\n+")
HASHTAG_WORD = regex.compile(r"[\p{L}\p{M}\p{N}_]+")
"""What may follow a ``#`` in a hashtag: letters, marks, digits, underscores (any script)."""
HASHTAG = regex.compile(r"#[\p{L}\p{M}\p{N}_]+")


def count(text: str, unit: Unit, *, url_length: int | None = None) -> int:
    """Length of ``text`` in ``unit``; with ``url_length`` every http(s) URL counts that much."""
    if url_length is not None:
        text = URL.sub(lambda _m: "x" * url_length, text)
    if unit is Unit.CODEPOINTS:
        return len(text)
    if unit is Unit.UTF16:
        return len(text.encode("utf-16-le")) // 2
    if unit is Unit.BYTES:
        return len(text.encode("utf-8"))
    return len(GRAPHEME.findall(text))


def cut_points(text: str) -> list[int]:
    """Offsets where ``text`` may be cut: grapheme boundaries outside URLs.

    One pass over graphemes and URLs together (both are in order), so the cost stays
    linear however many links a post carries.
    """
    spans = [(m.start(), m.end()) for m in URL.finditer(text)]
    points: list[int] = []
    index = 0
    for match in GRAPHEME.finditer(text):
        end = match.end()
        while index < len(spans) and spans[index][1] <= end:
            index += 1
        if index < len(spans) and spans[index][0] < end < spans[index][1]:
            continue
        points.append(end)
    return points


def best_cut(text: str, limit_offset: int, points: list[int], *, code: bool = False) -> int:
    """The nicest cut at or before ``limit_offset``, looking no further back than half of
    it: after a sentence end, then before a line break, then before a space, then at any
    point. In ``code`` sentence ends mean nothing and line breaks come first."""
    floor = limit_offset // 2
    allowed = set(points)
    sentence = []
    if not code:
        for match in SENTENCE_END.finditer(text, floor):  # no endpos: "3.14" is no end at "3."
            if match.end() > limit_offset:
                break
            if match.end() in allowed:
                sentence.append(match.end())
    if sentence:
        return sentence[-1]
    for pattern in (NEWLINE, SPACE):
        found = [m.start() for m in pattern.finditer(text, floor, limit_offset)
                 if m.start() > 0 and m.start() in allowed]
        if found:
            return found[-1]
    index = bisect.bisect_right(points, limit_offset) - 1
    return points[index] if index >= 0 else 0


def fit_text(
    text: str,
    maximum: int,
    unit: Unit,
    *,
    link: str | None = None,
    url_length: int | None = None,
    ellipsis: str = "…",
) -> str:
    """``text`` (plus a blank line and ``link``) shortened to at most ``maximum`` units.

    Raises ValueError when even the link alone cannot fit: dropping the link back is
    never an option.
    """
    tail = f"\n\n{link}" if link else ""
    if link and text.endswith(tail):  # already carries it: fitting twice changes nothing
        text = text[: -len(tail)]
    if link and text.strip() in ("", link):  # nothing to say but the link
        text, tail = "", link
    whole = text + tail
    if count(whole, unit, url_length=url_length) <= maximum:
        return whole
    reserve = count(ellipsis + tail, unit, url_length=url_length)
    if reserve > maximum:
        if link and count(link, unit, url_length=url_length) <= maximum:
            return link
        raise ValueError(f"the link back alone is longer than the limit of {maximum}")
    budget = maximum - reserve
    points = cut_points(text)
    cut = best_cut(text, longest_prefix(text, points, budget, unit, url_length), points)
    head = text[: trimmed(text, cut, points)]
    while head and ellipsis and not ellipsis[0].isspace() and url_start(head) < len(head):
        # an ellipsis glued to a URL would become part of it on the platform: space it,
        # or give the URL up when even that space does not fit
        spaced = head + " " + ellipsis + tail
        if count(spaced, unit, url_length=url_length) <= maximum:
            return spaced
        head = text[: trimmed(text, url_start(head), points)]
    if not head:
        return link if link else ellipsis
    return head + ellipsis + tail


def longest_prefix(text: str, points: list[int], budget: int, unit: Unit,
                   url_length: int | None) -> int:
    """Largest cut point whose prefix fits ``budget``: a binary search, since a prefix's
    length only grows with its end."""
    lo, hi = 0, len(points) - 1
    fitting = 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if count(text[: points[mid]], unit, url_length=url_length) <= budget:
            fitting = points[mid]
            lo = mid + 1
        else:
            hi = mid - 1
    return fitting


def trimmed(text: str, cut: int, points: list[int]) -> int:
    """``cut`` moved back over trailing white space, landing on a cut point again (a
    space can belong to the grapheme before it, e.g. after a prepended mark)."""
    end = len(text[:cut].rstrip())
    index = bisect.bisect_right(points, end) - 1
    return points[index] if index >= 0 else 0


def url_start(head: str) -> int:
    """Where the URL that ``head`` ends with begins."""
    start = len(head)
    for match in URL.finditer(head):
        if match.end() == len(head):
            start = match.start()
    return start
