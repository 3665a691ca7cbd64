"""The neutral Post: one shape for every source and every platform.

Sources build it, adapters read it, nobody mutates it. Markdown and plain text are
derived from the canonical HTML on first use so that posts which are never rendered
(the warm, nothing-changed path) never pay for the conversion.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from types import MappingProxyType


@dataclass(frozen=True)
class Notice:
    """A problem that did not stop a post (unknown Liquid tag, dropped tag...)."""

    path: str
    message: str
    line: int | None = None
    platform: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        prefix = f"[{self.platform}] " if self.platform else ""
        return f"{prefix}{where}: {self.message}"


@dataclass(frozen=True)
class PlatformOverride:
    """Per-platform replacements from the post's ``syndicate:`` front-matter block."""

    title: str | None = None
    tags: tuple[str, ...] | None = None


EMPTY_OVERRIDES: Mapping[str, PlatformOverride] = MappingProxyType({})
NO_FILES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class PostOptions:
    """What the author asked for this post in its ``syndicate:`` block.

    ``syndicate: false`` sets ``enabled`` to False; ``platforms`` restricts the post to
    the named platforms (None: every configured one).
    """

    enabled: bool = True
    platforms: tuple[str, ...] | None = None
    overrides: Mapping[str, PlatformOverride] = field(default_factory=lambda: EMPTY_OVERRIDES)

    def allows(self, platform: str) -> bool:
        return self.enabled and (self.platforms is None or platform in self.platforms)


@dataclass(frozen=True)
class Post:
    """One blog post, read and normalised, with every URL in ``html`` absolute."""

    key: str
    source_path: str
    source_hash: str
    title: str
    date: datetime
    canonical_url: str
    html: str
    updated: datetime | None = None
    author: str | None = None
    summary: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    language: str | None = None
    series: str | None = None
    """The series the post belongs to (front matter ``series``), for platforms that group
    posts into series (dev.to)."""
    cover_image: str | None = None
    cover_file: str | None = None
    """Absolute path of ``cover_image`` when it is a file of the site itself (so adapters can
    upload it instead of fetching a URL); None for remote covers."""
    image_files: Mapping[str, str] = field(default_factory=lambda: NO_FILES)
    """Images of ``html`` that are files of the site itself: absolute URL → absolute path
    (for platforms that take uploads only, like WeChat); remote images are not listed."""
    options: PostOptions = field(default_factory=PostOptions)
    notices: tuple[Notice, ...] = ()
    hold: str | None = None
    """Why this post must not go out at all (draft, ``published: false``, future date)."""
    turns_at: datetime | None = None
    """The next moment ``hold`` changes by the clock alone (a future date, Hugo's publishDate
    or expiryDate): a remembered plan is stale from then on."""
    renderer: str = "builtin"
    """Which renderer made ``html``: "builtin" or "generator" (``[site] render``)."""

    @cached_property
    def markdown(self) -> str:
        from syndicate.dialects.markdown import to_markdown

        return to_markdown(self.html)

    @cached_property
    def text(self) -> str:
        from syndicate.dialects.text import to_text

        return to_text(self.html)

    def for_platform(self, platform: str) -> Post:
        """The post as ``platform`` should see it: front-matter overrides applied."""
        override = self.options.overrides.get(platform)
        if override is None:
            return self
        changes: dict[str, object] = {}
        if override.title is not None:
            changes["title"] = override.title
        if override.tags is not None:
            changes["tags"] = override.tags
        return dataclasses.replace(self, **changes) if changes else self  # type: ignore[arg-type]
