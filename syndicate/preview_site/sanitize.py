"""Allowlist HTML cleaning for everything the preview shows as markup.

A preview of a pull request renders text written by whoever opened it, so the payload's
HTML is never trusted: tags outside an allowlist are dropped (their text kept, escaped),
the contents of script/style-like elements vanish, only listed attributes survive, and
links or images whose scheme is not http(s) lose their target. One small parser serves
both the WordPress/Medium HTML and Telegram's HTML subset, each with its own table of
tags, so there is exactly one place where escaping can go wrong.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

SAFE_URL = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                               "template", "svg", "math", "textarea", "select", "title"})
VOID = frozenset({"br", "hr", "img"})


@dataclass(frozen=True)
class Policy:
    """Which tags survive, under which name, with which attributes."""

    tags: Mapping[str, str]
    """Input tag → output tag."""
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Output tag → attributes kept (href/src are URL-checked)."""
    classes: Mapping[str, str] = field(default_factory=dict)
    """Output tag → class added (Telegram's spoiler becomes a styled span)."""


BLOG = Policy(
    tags={t: t for t in (
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
        "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "mark", "small",
        "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "span", "div",
        "section", "abbr", "kbd", "q", "cite")},
    attributes={"a": frozenset({"href", "title"}), "img": frozenset({"src", "alt", "title",
                "width", "height"}), "th": frozenset({"colspan", "rowspan"}),
                "td": frozenset({"colspan", "rowspan"}), "ol": frozenset({"start"}),
                "abbr": frozenset({"title"})},
)

TELEGRAM_HTML = Policy(
    tags={"b": "strong", "strong": "strong", "i": "em", "em": "em", "u": "u", "ins": "u",
          "s": "s", "strike": "s", "del": "s", "tg-spoiler": "span", "a": "a", "code": "code",
          "pre": "pre", "blockquote": "blockquote"},
    attributes={"a": frozenset({"href"})},
    classes={"span": "tg-spoiler"},
)


@dataclass
class Image:
    """An image the cleaned markup refers to, and whether a platform could fetch it."""

    src: str
    alt: str


class Cleaner(HTMLParser):
    """Streams allowed markup out; everything else becomes escaped text or nothing."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.out: list[str] = []
        self.open: list[tuple[str, str | None]] = []
        """Input tag and what it became (None: dropped, its text kept) for each open element."""
        self.skip_depth = 0
        self.images: list[Image] = []
        self.rejected_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        name = self.output_tag(tag, dict(attrs))
        if name is None:
            if tag not in VOID:
                self.open.append((tag, None))
            return
        kept = self.attributes(name, attrs)
        if name == "img":
            self.image(kept)
            return
        extra = self.policy.classes.get(name)
        if extra:
            kept.append(("class", extra))
        self.out.append(f"<{name}{render_attrs(kept)}>")
        if name not in VOID:
            self.open.append((tag, name))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID or tag in DROP_WITH_CONTENT:
            if tag not in DROP_WITH_CONTENT:
                self.handle_starttag(tag, attrs)
            return
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def output_tag(self, tag: str, attrs: Mapping[str, str | None]) -> str | None:
        if tag == "span" and self.policy is TELEGRAM_HTML:
            return "span" if attrs.get("class") == "tg-spoiler" else None
        return self.policy.tags.get(tag)

    def attributes(self, name: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
        allowed = self.policy.attributes.get(name, frozenset())
        kept: list[tuple[str, str]] = []
        for key, value in attrs:
            if key not in allowed or value is None:
                continue
            if key in ("href", "src") and not SAFE_URL.match(value.strip()):
                self.rejected_urls.append(value)
                continue
            kept.append((key, value))
        if name == "a" and any(k == "href" for k, _ in kept):
            kept.append(("rel", "nofollow noopener"))
        return kept

    def image(self, kept: list[tuple[str, str]]) -> None:
        values = dict(kept)
        src, alt = values.get("src", ""), values.get("alt", "")
        if not src.lower().startswith(("http://", "https://")):
            return  # rejected already (or relative): the warning names it
        self.images.append(Image(src, alt))
        if not alt:
            kept = [*kept, ("alt", f"image: {src}")]
            kept = [(k, v) for k, v in kept if (k, v) != ("alt", "")]
        self.out.append(f"<img{render_attrs(kept)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth or tag not in (opened for opened, _ in self.open):
            return
        while self.open:  # close what the author left open inside, like a browser would
            opened, name = self.open.pop()
            if name is not None:
                self.out.append(f"</{name}>")
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{name}>" for _, name in reversed(self.open) if name)


def render_attrs(attrs: list[tuple[str, str]]) -> str:
    return "".join(f' {key}="{html.escape(value, quote=True)}"' for key, value in attrs)


def clean(markup: str, policy: Policy = BLOG) -> str:
    """``markup`` reduced to the allowlist of ``policy``; always safe to embed."""
    cleaner = Cleaner(policy)
    cleaner.feed(markup)
    return cleaner.result()


def clean_with_report(markup: str, policy: Policy = BLOG) -> tuple[str, list[Image], list[str]]:
    """Cleaned markup, the images it keeps, and the URLs it refused (unsafe schemes)."""
    cleaner = Cleaner(policy)
    cleaner.feed(markup)
    return cleaner.result(), cleaner.images, cleaner.rejected_urls
