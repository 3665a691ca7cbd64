"""A feed document (RSS 2.0, Atom 1.0, JSON Feed 1.x) → plain entries, nothing else.

RSS and Atom go through feedparser, which also resolves relative links against
``xml:base`` and sanitises the HTML; JSON Feed is plain JSON with a short, stable
spec (jsonfeed.org/version/1.1), so it is read here. No network, no site knowledge:
``syndicate.sources.feed`` turns these entries into Posts.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from syndicate.errors import ConfigError

JSON_FEED_VERSION = "https://jsonfeed.org/version/1"
UNSET_BASE = "https://unset-base.invalid/"
"""Handed to feedparser as the document's address. feedparser forgets to restore an empty
base after an entry with its own ``xml:base`` (the next entry inherits it), so the root
base must not be empty; whatever still carries this marker had no base of its own."""
IMAGE_TYPES = ("image/",)


@dataclass(frozen=True)
class FeedEntry:
    """One entry as the feed states it; ``content`` is HTML, possibly with relative URLs."""

    id: str
    link: str
    title: str
    published: datetime | None
    updated: datetime | None
    author: str | None
    tags: tuple[str, ...]
    content: str
    summary_only: bool
    """The feed carried only a summary (or nothing) for this entry, not the full text."""
    summary: str
    cover: str | None
    language: str | None = None
    base: str | None = None
    """The ``xml:base`` in force for ``content``, if the feed set one."""

    def fingerprint(self) -> dict[str, Any]:
        """Everything a post is made from, for the entry's digest (its "file hash")."""
        return {
            "id": self.id, "link": self.link, "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "author": self.author, "tags": list(self.tags), "content": self.content,
            "summary_only": self.summary_only, "summary": self.summary, "cover": self.cover,
            "language": self.language, "base": self.base,
        }


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    home: str
    """The site's address as the feed gives it (RSS channel link, Atom alternate link,
    JSON Feed ``home_page_url``); may be empty."""
    language: str | None
    author: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(entry label, what is wrong) for entries that cannot become a post."""


def parse_feed(data: bytes, location: str) -> ParsedFeed:
    """Parse ``data``; ConfigError (naming ``location``) when it is not a feed at all."""
    if data.lstrip()[:1] == b"{":
        return parse_json_feed(data, location)
    return parse_xml_feed(data, location)


def when(value: Any) -> datetime | None:
    """feedparser's UTC ``time.struct_time`` → aware datetime."""
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def iso_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def image_of_xml_entry(entry: Any) -> str | None:
    """The entry's own picture: an image enclosure, ``media:content`` or ``media:thumbnail``."""
    for enclosure in entry.get("enclosures") or ():
        if str(enclosure.get("type", "")).startswith(IMAGE_TYPES) and enclosure.get("href"):
            return str(enclosure["href"])
    for media in entry.get("media_content") or ():
        # Media RSS says "image" in its medium attribute, or an image/* MIME type in type.
        kinds = [str(value) for key, value in media.items() if key != "url"]
        if media.get("url") and any(k == "image" or k.startswith(IMAGE_TYPES) for k in kinds):
            return str(media["url"])
    for thumb in entry.get("media_thumbnail") or ():
        if thumb.get("url"):
            return str(thumb["url"])
    return None


def unset(url: str) -> str:
    """A URL feedparser resolved against nothing, given back as the feed wrote it
    (root-relative); resolved later against the entry's link or the site."""
    return "/" + url[len(UNSET_BASE):] if url.startswith(UNSET_BASE) else url


def parse_xml_feed(data: bytes, location: str) -> ParsedFeed:
    import feedparser  # type: ignore[import-untyped]

    # Relative URLs in content are resolved later (syndicate.markup.clean) against the
    # entry's xml:base, else against the entry's own link, as a reader of the post would.
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False,
                              response_headers={"content-location": UNSET_BASE})
    feed = parsed.get("feed", {})
    if parsed.get("bozo") and not parsed.get("entries") and not feed.get("title"):
        problem = parsed.get("bozo_exception")
        raise ConfigError(f"not an RSS, Atom or JSON feed ({problem}); check the address",
                          source=location, key="site.feed")
    out = ParsedFeed(title=str(feed.get("title") or ""), home=unset(str(feed.get("link") or "")),
                     language=feed.get("language") or None,
                     author=feed.get("author") or None)
    for index, entry in enumerate(parsed.get("entries", ())):
        ident = str(entry.get("id") or entry.get("link") or "").strip()
        title = str(entry.get("title") or "").strip()
        label = ident or title or f"entry {index + 1}"
        if not ident:
            out.problems.append((label, "the entry has no id/guid and no link, so it has no "
                                        "stable identity; give it a <guid> or <id>"))
            continue
        contents = entry.get("content") or ()
        full = next((c for c in contents if "html" in str(c.get("type", ""))), None)
        full = full or (contents[0] if contents else None)
        summary = str(entry.get("summary") or "")
        tags = tuple(str(t.get("term")).strip() for t in entry.get("tags") or () if t.get("term"))
        detail = full or entry.get("summary_detail") or {}
        out.entries.append(FeedEntry(
            id=unset(ident), link=unset(str(entry.get("link") or "")), title=title,
            published=when(entry.get("published_parsed")),
            updated=when(dict.get(entry, "updated_parsed")),  # no published fallback
            author=entry.get("author") or None, tags=tags,
            content=str(full["value"]) if full else summary,
            summary_only=full is None, summary=summary,
            cover=unset(image_of_xml_entry(entry) or "") or None, language=None,
            base=None if str(detail.get("base") or UNSET_BASE).startswith(UNSET_BASE)
            else str(detail["base"]),
        ))
    return out


def parse_json_feed(data: bytes, location: str) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"not valid JSON ({exc}); check the feed", source=location,
                          key="site.feed") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(JSON_FEED_VERSION):
        raise ConfigError("a JSON document but not a JSON Feed (no 'version' of "
                          f"{JSON_FEED_VERSION}.x)", source=location, key="site.feed")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ConfigError("a JSON Feed needs an 'items' list", source=location, key="site.feed")
    out = ParsedFeed(title=str(doc.get("title") or ""), home=str(doc.get("home_page_url") or ""),
                     language=doc.get("language") or None, author=json_author(doc))
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            out.problems.append((f"item {index + 1}", "an item must be an object"))
            continue
        ident = str(item.get("id") or "").strip()
        label = ident or str(item.get("title") or f"item {index + 1}")
        if not ident:
            out.problems.append((label, "the item has no 'id', which JSON Feed requires; add one"))
            continue
        html = item.get("content_html")
        text = item.get("content_text")
        summary = str(item.get("summary") or "")
        if isinstance(html, str) and html:
            content, summary_only = html, False
        elif isinstance(text, str) and text:
            content, summary_only = text_to_html(text), False
        else:
            content, summary_only = text_to_html(summary), True
        raw_tags = item.get("tags")
        out.entries.append(FeedEntry(
            id=ident, link=str(item.get("url") or item.get("external_url") or ""),
            title=str(item.get("title") or "").strip(),
            published=iso_date(item.get("date_published")),
            updated=iso_date(item.get("date_modified")),
            author=json_author(item), tags=tuple(str(t) for t in raw_tags)
            if isinstance(raw_tags, list) else (),
            content=content, summary_only=summary_only, summary=summary,
            cover=json_image(item), language=item.get("language") or None,
        ))
    return out


def json_author(node: dict[str, Any]) -> str | None:
    """1.1's ``authors`` list, or 1.0's single ``author``."""
    authors = node.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return str(authors[0].get("name") or "") or None
    author = node.get("author")
    if isinstance(author, dict):
        return str(author.get("name") or "") or None
    return None


def json_image(item: dict[str, Any]) -> str | None:
    for key in ("image", "banner_image"):
        if isinstance(item.get(key), str) and item[key]:
            return str(item[key])
    for attachment in item.get("attachments") or ():
        if (isinstance(attachment, dict) and attachment.get("url")
                and str(attachment.get("mime_type", "")).startswith(IMAGE_TYPES)):
            return str(attachment["url"])
    return None


def text_to_html(text: str) -> str:
    """Plain text (JSON Feed ``content_text``) as paragraphs, escaped."""
    from html import escape

    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
