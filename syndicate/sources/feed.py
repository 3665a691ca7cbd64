"""Any blog with a feed: each entry of an RSS, Atom or JSON Feed becomes a Post.

``[site] kind = "feed"`` and ``feed = "<URL or path>"`` in syndicate.toml (a folder
holding only ``feed.xml``, ``atom.xml``, ``rss.xml``, ``index.xml`` or ``feed.json`` is
found without them). The entry's id/guid is the post's key — stable across feed
rewrites, never its position — and its link the canonical URL. A feed shows only the
latest entries, so an entry leaving it is not a deletion: nothing is ever planned for
entries that are not there. The feed is read once per command, lazily, so commands
that only look at the state file never touch the network.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from syndicate.config import SyndicateConfig
from syndicate.errors import ConfigError, SourceError
from syndicate.post import Notice, Post, PostOptions
from syndicate.sources.feedfetch import is_remote, read_feed
from syndicate.sources.feedparse import FeedEntry, ParsedFeed, parse_feed
from syndicate.sources.site import Meta, Site, SourceFile

FEED_NAMES = ("feed.xml", "atom.xml", "rss.xml", "index.xml", "feed.json")
"""Files that make a folder a feed site without any configuration."""


def find_feed_file(root: Path) -> str | None:
    return next((name for name in FEED_NAMES if (root / name).is_file()), None)


@dataclass(frozen=True)
class EntrySource(SourceFile):
    """One feed entry where other sources have a file: its digest hashes the entry."""

    entry: FeedEntry | None = None
    problem: str | None = None
    """Why this entry cannot become a post (reported by ``read``, like a broken file)."""

    def digest(self) -> str:
        fingerprint = self.entry.fingerprint() if self.entry else {"problem": self.problem}
        blob = json.dumps(fingerprint, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class FeedSite(Site):
    kind = "feed"
    rolling = True
    front_matter_required = False
    transport: httpx.BaseTransport | None = None
    """Tests hand the remote fetch a transport; the real run uses the network."""

    def __init__(self, root: Path, config: SyndicateConfig, spec: str) -> None:
        # The site's URL comes from the feed, which is read only when posts are wanted.
        self.root = root
        self.config = config
        self.settings: dict[str, Any] = {}
        self.spec = spec
        self.url = (config.site.url or "").rstrip("/")
        self.baseurl = ""
        self.zone = UTC
        if config.site.timezone:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                self.zone = ZoneInfo(config.site.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"unknown time zone '{config.site.timezone}'",
                                  source="syndicate.toml", key="site.timezone") from None
        self.now = datetime.now(UTC)

    @property
    def label(self) -> str:
        """How entries are named in messages and the state file's ``source``."""
        return self.spec if is_remote(self.spec) else Path(self.spec).name

    @cached_property
    def feed(self) -> ParsedFeed:
        document = read_feed(self.spec, self.root, transport=self.transport)
        parsed = parse_feed(document.data, document.location)
        if not self.url:
            self.url = (parsed.home or origin(self.spec) or "").rstrip("/")
        return parsed

    def discover(self) -> list[SourceFile]:
        feed = self.feed
        seen: set[str] = set()
        found: list[SourceFile] = []
        for entry in feed.entries:
            if entry.id in seen:  # the first of two entries with one id wins, as readers do
                continue
            seen.add(entry.id)
            found.append(EntrySource(f"{self.label}#{entry.id}", self.root, entry))
        found.extend(EntrySource(f"{self.label}#{label}", self.root, problem=why)
                     for label, why in feed.problems)
        return found

    def post_date(self, meta: Meta) -> datetime:  # entries carry their dates; see read()
        raise NotImplementedError

    def page_path(self, meta: Meta, date: datetime) -> str:
        raise NotImplementedError

    def entry_link(self, entry: FeedEntry, rel: str) -> str:
        from urllib.parse import urljoin

        link = entry.link or (entry.id if is_remote(entry.id) else "")
        if not link:
            raise SourceError(rel, "the entry has no link, so it has no canonical URL",
                              field="link", fix="give the entry a <link> (or a JSON Feed 'url')")
        link = urljoin(self.url + "/", link) if not is_remote(link) and self.url else link
        if not is_remote(link):
            raise SourceError(rel, f"the entry's link '{link}' is not an http(s) URL",
                              field="link", fix="set [site] url so relative links can be resolved")
        return link

    def read(self, source: SourceFile) -> Post:
        from syndicate.dialects.text import to_text
        from syndicate.markup.clean import absolute, clean

        if not isinstance(source, EntrySource) or source.entry is None:
            raise SourceError(source.rel_path, getattr(source, "problem", None)
                              or "not an entry of this feed")
        entry = source.entry
        rel = source.rel_path
        if not entry.title:
            raise SourceError(rel, "the entry has no title", field="title",
                              fix="give every entry a title in the feed")
        canonical = self.entry_link(entry, rel)
        date = entry.published or entry.updated
        if date is None:
            raise SourceError(rel, "the entry has no date", field="published",
                              fix="give the entry a published date (<pubDate>, <published>, "
                                  "'date_published')")
        base = entry.base or canonical
        site_url = origin(base)
        soup, first_image = clean(entry.content, base, site_url)
        html = str(soup).strip() + "\n"
        notices: list[Notice] = []
        if entry.summary_only:
            notices.append(Notice(rel, "the feed carries only a summary of this post, so the "
                                       "platforms get the summary, not the full text; publish "
                                       "full content in the feed (content:encoded, Atom "
                                       "<content>, JSON Feed content_html)"))
        cover = absolute(entry.cover, canonical, origin(canonical)) if entry.cover else first_image
        summary = to_text(entry.summary) if entry.summary and not entry.summary_only else ""
        if entry.summary_only:
            summary = to_text(html)
        hold = f"dated in the future ({date.isoformat()})" if date > self.now else None
        return Post(
            key=entry.id,
            source_path=rel,
            source_hash=source.digest(),
            title=entry.title,
            date=date.astimezone(self.zone),
            updated=entry.updated.astimezone(self.zone) if entry.updated else None,
            canonical_url=canonical,
            html=html,
            author=entry.author or self.feed.author or self.config.site.author,
            summary=summary.strip(),
            tags=entry.tags,
            language=entry.language or self.feed.language or self.config.site.language,
            cover_image=cover,
            cover_file=self.local_file(cover),
            image_files=self.image_files(html),
            options=PostOptions(),
            notices=tuple(notices),
            hold=hold,
            turns_at=date if date > self.now else None,
        )
