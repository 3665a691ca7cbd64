"""Short announcements: one template, filled and fitted to every limit a platform counts.

Mastodon, Bluesky, LinkedIn, Discord and Slack announce a post in a few lines: its title,
its summary, the link back and hashtags. The user writes the template (``{title}``,
``{summary}``, ``{canonical_url}``, ``{tags}``); this module fills it, then gives things up
until the text fits every ``Measure`` the platform counts by (Bluesky: graphemes *and*
UTF-8 bytes): first the summary (cut at a sentence end or a space, then dropped), then
hashtags from the last one, then the title. The link back is never cut or dropped; no
cut falls inside a URL, a hashtag or a grapheme cluster.

The result carries the spans of every link and hashtag in the text exactly as it will be
sent, so Bluesky's facets are computed from the final text, never guessed afterwards.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from syndicate.adapter import Unit
from syndicate.dialects.fit import HASHTAG, HASHTAG_WORD, URL, best_cut, count, cut_points, trimmed
from syndicate.post import Post

FIELDS = ("title", "summary", "canonical_url", "tags")
ELLIPSIS = "…"


@dataclass(frozen=True)
class Measure:
    """One limit on the whole text: at most ``maximum`` ``unit``s, URLs counting
    ``url_length`` each when set (Mastodon: 23)."""

    maximum: int
    unit: Unit
    url_length: int | None = None

    def allows(self, text: str) -> bool:
        return count(text, self.unit, url_length=self.url_length) <= self.maximum


@dataclass(frozen=True)
class Span:
    """Where a link or hashtag sits in the composed text (``str`` offsets)."""

    start: int
    end: int
    kind: Literal["link", "tag"]
    value: str
    """The link's URL, or the tag without its ``#``."""


@dataclass(frozen=True)
class Short:
    text: str
    spans: tuple[Span, ...]
    notices: tuple[str, ...] = ()


def template_fields(template: str) -> list[str]:
    """The fields a template uses; ValueError names an unknown one (a typo in the config)."""
    used = []
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if name not in FIELDS or spec or conversion:
            known = ", ".join("{" + field + "}" for field in FIELDS)
            raise ValueError(f"unknown template field {{{name}}}; use {known}")
        used.append(name)
    return used


def hashtag_body(tag: str, max_graphemes: int = 64) -> str | None:
    """``tag`` as one hashtag word ("machine learning" → "MachineLearning", "编程" stays);
    None when nothing of it can be a hashtag (only punctuation or emoji, only digits)."""
    words = HASHTAG_WORD.findall(tag)
    if not words:
        return None
    body = words[0] if len(words) == 1 else "".join(w[:1].upper() + w[1:] for w in words)
    if all(ch.isdigit() or ch == "_" for ch in body):
        return None
    if count(body, Unit.GRAPHEMES) > max_graphemes:
        return None
    return body


@dataclass
class _Parts:
    title: str
    summary: str
    tags: list[str]


class Composer:
    """Fills one template for one platform; ``escape`` turns plain text into the platform's
    text (Slack mrkdwn, LinkedIn little text) and ``tag_text`` writes one hashtag."""

    def __init__(
        self,
        template: str,
        measures: Sequence[Measure],
        *,
        link_required: bool = True,
        escape: Callable[[str], str] = lambda text: text,
        tag_text: Callable[[str], str] = lambda body: f"#{body}",
        max_tag_graphemes: int = 64,
    ) -> None:
        used = template_fields(template)
        if link_required and "canonical_url" not in used:
            template = f"{template}\n\n{{canonical_url}}" if template.strip() else "{canonical_url}"
        self.segments = [
            (literal, name) for literal, name, _spec, _conv in string.Formatter().parse(template)
        ]
        self.measures = tuple(measures)
        self.escape = escape
        self.tag_text = tag_text
        self.max_tag_graphemes = max_tag_graphemes

    def fits(self, text: str) -> bool:
        return all(measure.allows(text) for measure in self.measures)

    def compose(self, *, title: str, summary: str, url: str, tags: Sequence[str]) -> Short:
        notices: list[str] = []
        bodies: list[str] = []
        for tag in tags:
            body = hashtag_body(tag, self.max_tag_graphemes)
            if body is None:
                notices.append(f"tag {tag!r} cannot be a hashtag; left out")
            elif body.casefold() not in {b.casefold() for b in bodies}:
                bodies.append(body)
        parts = _Parts(" ".join(title.split()), " ".join(summary.split()), bodies)
        # Each step below rebuilds the text only when it changed ``parts``: most posts fit
        # at once, and building and measuring the same text again was most of the cost.
        built = self.build(parts, url)
        if not self.fits(built[0]):
            parts.summary = self.shorten(parts, "summary", url)
            built = self.build(parts, url)
        fitting = self.fits(built[0])
        while parts.tags and not fitting:
            notices.append(f"hashtag #{parts.tags.pop()} left out to fit")
            built = self.build(parts, url)
            fitting = self.fits(built[0])
        if not fitting:
            parts.title = self.shorten(parts, "title", url)
            built = self.build(parts, url)
        text, spans = built
        if summary.strip() and parts.summary != " ".join(summary.split()):
            notices.append("summary shortened to fit" if parts.summary else "summary left out to fit")
        return Short(text, spans, tuple(notices))

    def shorten(self, parts: _Parts, field: Literal["title", "summary"], url: str) -> str:
        """The longest cut of ``field`` (plus an ellipsis) with which the text fits, at the
        nicest point nearby; "" when nothing of it fits."""
        value = getattr(parts, field)
        tags = [m.span() for m in HASHTAG.finditer(value)]
        points = [p for p in cut_points(value) if not any(s < p < e for s, e in tags)]

        def fitting(point: int) -> bool:
            head = value[: trimmed(value, point, points)]
            trial = _Parts(**{**parts.__dict__, field: head + ELLIPSIS if head else ""})
            return self.fits(self.build(trial, url)[0])

        lo, hi, best = 0, len(points) - 1, 0
        while lo <= hi:
            mid = (lo + hi) // 2
            if fitting(points[mid]):
                best, lo = points[mid], mid + 1
            else:
                hi = mid - 1
        if best == 0:
            return ""
        nicer = best_cut(value, best, points)
        head = value[: trimmed(value, nicer or best, points)]
        if not head:
            head = value[: trimmed(value, best, points)]
        return head + ELLIPSIS if head else ""

    def build(self, parts: _Parts, url: str) -> tuple[str, tuple[Span, ...]]:
        """The text and its link/tag spans. An empty field takes the white-space-only
        literal after it along, so no blank lines pile up."""
        out: list[str] = []
        spans: list[Span] = []
        length = 0
        skip_literal = False
        for literal, name in self.segments:
            if literal and not (skip_literal and not literal.strip()):
                piece = self.escape(literal)
                out.append(piece)
                length += len(piece)
            skip_literal = False
            if name is None:
                continue
            start = length
            if name == "canonical_url":
                piece = self.escape(url)
                spans.append(Span(start, start + len(piece), "link", url))
            elif name == "tags":
                words = []
                cursor = start
                for body in parts.tags:
                    word = self.tag_text(body)
                    spans.append(Span(cursor, cursor + len(word), "tag", body))
                    words.append(word)
                    cursor += len(word) + 1
                piece = " ".join(words)
            else:
                raw = getattr(parts, name)
                piece = self.escape(raw)
                if piece == raw:  # links inside a title or summary are links too
                    spans.extend(Span(start + m.start(), start + m.end(), "link", m.group())
                                 for m in URL.finditer(piece))
            if not piece:
                skip_literal = True
            out.append(piece)
            length += len(piece)
        text = "".join(out)
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        shifted = tuple(Span(s.start - lead, s.end - lead, s.kind, s.value) for s in spans
                        if s.end - lead <= len(text) and s.start >= lead)
        return text, shifted


def announce(composer: Composer, post: Post) -> Short:
    """The short text for ``post`` (title, summary, link back and tags, as the template says)."""
    return composer.compose(title=post.title, summary=post.summary, url=post.canonical_url,
                            tags=post.tags)
