"""What the markup stage needs to know about the post it renders, and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from syndicate.post import Notice


def no_links(_kind: str, _target: str) -> str | None:
    return None


@dataclass(frozen=True)
class MarkdownOptions:
    """Which Markdown the site's generator speaks, and the options it was given.

    ``kramdown`` is Jekyll's default engine: looser than CommonMark about emphasis next to
    CJK text, and configured per site (``hard_wrap``, ``auto_ids``, ``parse_block_html``).
    """

    engine: str = "commonmark"
    hard_wrap: bool = False
    auto_ids: bool = False
    parse_block_html: bool = False
    typographer: bool = False
    """Curly quotes and ``--``/``---``/``...``/``<<``/``>>`` as dashes, ellipsis and
    guillemets: kramdown's ``smart_quotes`` and Goldmark's Typographer, both on by default."""
    quotes: str = "“”‘’"
    linkify: bool = False
    """Bare URLs (``https://…``, ``www.…``) and e-mail addresses as links: Goldmark's
    Linkify, on by default in Hugo."""
    raw_html: bool = True
    """Whether the generator prints the author's raw HTML: Goldmark's ``renderer.unsafe``,
    off by default in Hugo (``syndicate.markup.rawhtml`` says so in a notice)."""


@dataclass(frozen=True)
class MarkupContext:
    path: str
    generator: str
    site_url: str
    baseurl: str
    page_url: str
    body_line: int
    excerpt_separator: str | None = None
    resolve_link: Callable[[str, str], str | None] = no_links
    resolve_asset: Callable[[str], str | None] | None = None
    """A relative image or file path as the author wrote it → the URL the site serves that
    file at (bundle, static folder, site source), or None when no such file exists."""
    markdown: MarkdownOptions = field(default_factory=MarkdownOptions)
    include_text: Callable[[str], str] | None = None
    """The text of a site's own include (``_includes/figure.html``), '' when it has none:
    read for hints (``relative_url``, ``markdownify``), never run."""
    source_format: str = "markdown"
    """``html`` for content files written in HTML (Hugo renders them without Markdown)."""
    site_vars: Mapping[str, Any] = field(default_factory=dict)
    page_vars: Mapping[str, Any] = field(default_factory=dict)

    def site_flag(self, name: str) -> bool:
        """A site setting that is on only when set to ``true`` (``enableEmoji``); Hugo's
        config keys are case-insensitive."""
        return next((v for k, v in self.site_vars.items() if str(k).lower() == name.lower()),
                    False) is True


@dataclass(frozen=True)
class RenderedBody:
    html: str
    notices: tuple[Notice, ...]
    first_image: str | None
    excerpt_html: str | None
    first_paragraph: str
    excerpt_text: str = ""


class NoticeSink:
    """Collects notices with file line numbers computed from an offset in the body."""

    def __init__(self, ctx: MarkupContext, body: str) -> None:
        self.ctx = ctx
        self.body = body
        self.items: list[Notice] = []

    def add(self, offset: int, message: str, within: str | None = None) -> None:
        """A notice about ``offset`` in ``within`` (a stage's text, whose lines are the
        source's even where a stage changed lengths), or in the source itself."""
        text = self.body if within is None else within
        line = self.ctx.body_line + text.count("\n", 0, offset)
        self.items.append(Notice(self.ctx.path, message, line))

    def add_near(self, fragment: str, message: str) -> None:
        """A notice about something found after rendering: its line is where ``fragment``
        first appears in the source, if it does."""
        offset = self.body.find(fragment) if fragment else -1
        if offset < 0:
            self.items.append(Notice(self.ctx.path, message, None))
        else:
            self.add(offset, message)
