"""What the markup stage needs to know about the post it renders, and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from syndicate.post import Notice


def no_links(_kind: str, _target: str) -> str | None:
    return None


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
    site_vars: Mapping[str, Any] = field(default_factory=dict)
    page_vars: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    notices: tuple[Notice, ...]
    first_image: str | None
    excerpt_html: str | None
    first_paragraph: str


class NoticeSink:
    """Collects notices with file line numbers computed from an offset in the body."""

    def __init__(self, ctx: MarkupContext, body: str) -> None:
        self.ctx = ctx
        self.body = body
        self.items: list[Notice] = []

    def add(self, offset: int, message: str) -> None:
        line = self.ctx.body_line + self.body.count("\n", 0, offset)
        self.items.append(Notice(self.ctx.path, message, line))
