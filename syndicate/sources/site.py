"""The parts every source shares: finding files cheaply, and reading one into a Post.

``discover`` only lists paths (the warm, nothing-changed path hashes bytes and never
parses); ``read`` does the whole job for one file and reports any problem as a
SourceError naming the file, so one bad post never stops the others.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syndicate.config import SyndicateConfig
from syndicate.errors import ConfigError, SourceError
from syndicate.layout import IGNORED_DIRS
from syndicate.post import Notice, PlatformOverride, Post, PostOptions
from syndicate.sources import fields, frontmatter
from syndicate.sources.nesting import refuse_deep

if TYPE_CHECKING:
    from syndicate.markup.context import MarkdownOptions

IMAGE_EXTS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
"""A cover file must look like an image: only such files are ever handed to an uploader."""
IMG_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]+)"', re.IGNORECASE)
"""An image's address in canonical HTML (serialised by bs4: double quotes, entities)."""
MARKDOWN_EXTS = frozenset({".md", ".markdown", ".mkd", ".mkdn", ".mdown"})
HTML_EXTS = frozenset({".html", ".htm"})


@dataclass(frozen=True)
class SourceFile:
    rel_path: str
    path: Path

    def digest(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass
class Meta:
    """A file's normalised front matter, plus what the file name says."""

    source: SourceFile
    fields: dict[str, Any]
    body: str
    body_line: int
    notices: list[Notice] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    """The front matter as written: Liquid's ``page.x`` and Hugo's ``param`` read any key."""


def walk(root: Path, ignored: frozenset[str] = IGNORED_DIRS,
         exts: frozenset[str] = MARKDOWN_EXTS) -> list[Path]:
    # os.scandir knows each entry's type from the directory listing itself: no stat per
    # file, which on a 10,000-post blog cost more than hashing the files (bench/warm_plan.py).
    found: list[Path] = []
    with os.scandir(root) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in ignored:
                found.extend(walk(root / entry.name, ignored, exts))
        elif os.path.splitext(entry.name)[1].lower() in exts:
            found.append(root / entry.name)
    return found


def parse_options(value: Any, rel: str) -> PostOptions:
    """The ``syndicate:`` front-matter block: false, or platforms / key / per-platform overrides."""
    if value is None or value is True:
        return PostOptions()
    if value is False:
        return PostOptions(enabled=False)
    if not isinstance(value, dict):
        raise SourceError(rel, "the 'syndicate' block must be false or a mapping", field="syndicate",
                          fix="write e.g. 'syndicate: {platforms: [<platform>]}'")
    try:
        return options_of(value, rel)
    except ValueError as exc:  # a value of the wrong shape, e.g. platforms: {a: 1}
        raise SourceError(rel, f"in the 'syndicate' block: {exc}", field="syndicate",
                          fix="write e.g. 'syndicate: {platforms: [<platform>], enabled: true}'") from None


def options_of(value: dict[str, Any], rel: str) -> PostOptions:
    """The mapping form of the block; ValueError for a value of the wrong type (``enabled:
    "no"`` must not count as true, as ``bool("no")`` would)."""
    platforms = value.get("platforms")
    check_platform_names(value, platforms, rel)
    overrides: dict[str, PlatformOverride] = {}
    for name, item in value.items():
        if isinstance(item, dict) and name not in ("platforms",):
            tags = fields.as_list(item["tags"]) if "tags" in item else None
            title = str(item["title"]) if "title" in item else None
            overrides[str(name)] = PlatformOverride(title=title, tags=tags)
    return PostOptions(
        enabled=fields.as_bool(value.get("enabled", True)),
        platforms=fields.as_list(platforms) if platforms is not None else None,
        overrides=overrides,
    )


OPTION_KEYS = frozenset({"platforms", "enabled", "key"})


def check_platform_names(block: dict[str, Any], platforms: Any, rel: str) -> None:
    """A misspelt platform in ``platforms:`` (or an override table) would silently keep the
    post off that platform for good; name it instead."""
    from syndicate import registry

    known = registry.available()
    named = [*(fields.as_list(platforms) if platforms is not None else ()),
             *(str(k) for k, v in block.items() if isinstance(v, dict) and k not in OPTION_KEYS)]
    unknown = [name for name in named if name not in known]
    if unknown:
        raise SourceError(rel, f"unknown platform '{unknown[0]}' in the 'syndicate' block",
                          field="syndicate", fix=f"use one of: {', '.join(known)}")


class Site(ABC):
    """A blog folder of one generator's kind."""

    kind: str = ""
    front_matter_required = True
    rolling = False
    """True when the site shows only its latest posts (a feed): a post missing from it has
    not been removed, and nothing is said about it."""
    asset_dirs: tuple[str, ...] = ("",)
    """Folders (relative to the root) whose files the generator serves at the site's root."""

    def __init__(self, root: Path, config: SyndicateConfig, settings: dict[str, Any]) -> None:
        self.root = root
        self.config = config
        self.settings = settings
        overrides = config.site
        url = (overrides.url or str(settings.get("url") or "")).rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ConfigError("the site's URL is unknown, so canonical URLs cannot be computed; set "
                              "'url' in the generator's config or [site] url in syndicate.toml",
                              source=str(root), key="url")
        self.url = url
        base = overrides.baseurl if overrides.baseurl is not None else str(settings.get("baseurl") or "")
        self.baseurl = ("/" + base.strip("/")) if base.strip("/") else ""
        zone_name = overrides.timezone or settings.get("timezone")
        try:
            self.zone: tzinfo = ZoneInfo(str(zone_name)) if zone_name else UTC
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"unknown time zone '{zone_name}'", source=str(root),
                              key="timezone") from None
        self.now = datetime.now(UTC)

    @property
    def base_url(self) -> str:
        return self.url + self.baseurl

    @abstractmethod
    def discover(self) -> list[SourceFile]:
        """Every candidate post file, sorted; no parsing."""

    @abstractmethod
    def post_date(self, meta: Meta) -> datetime:
        """The post's date as the generator decides it."""

    @abstractmethod
    def page_path(self, meta: Meta, date: datetime) -> str:
        """URL path (without site URL) as the generator publishes the post."""

    def excerpt_separator(self, meta: Meta) -> str | None:
        return meta.fields.get("excerpt_separator") or self.config.site.excerpt_separator

    def resolve_link(self, kind: str, target: str) -> str | None:
        return None

    def include_text(self, name: str) -> str:
        return ""

    def markdown_options(self) -> MarkdownOptions:
        from syndicate.markup.context import MarkdownOptions

        return MarkdownOptions()

    def file_url(self, path: Path, meta: Meta, page_url: str) -> str | None:
        """The URL the site serves ``path`` (a resolved file under the root) at, if any:
        under an asset folder, at the base URL plus its path there."""
        root = str(self.root)
        for folder in self.asset_dirs:
            base = os.path.join(root, folder) if folder else root
            text = str(path)
            if text.startswith(base.rstrip(os.sep) + os.sep):
                rel = text[len(base.rstrip(os.sep)) + 1:].replace(os.sep, "/")
                if not any(part.startswith(("_", ".")) for part in rel.split("/")):
                    return self.base_url + "/" + quote(rel)
        return None

    def resolve_asset(self, meta: Meta, page_url: str, src: str) -> str | None:
        """URL of the site file a relative ``src`` names: looked up beside the post first,
        then (with its leading ``./`` and ``../`` taken off) in the asset folders; None if
        no such file exists. The file system decides, not the post's URL: a post published
        under date folders still reaches ``../images/x.png`` next to its source."""
        path, mark, rest = src.partition("#") if "?" not in src else src.partition("?")
        written = unquote(path)
        if not written or "\0" in written:
            return None
        root = self.root.resolve()
        tail = re.sub(r"^(\.{1,2}/)+", "", written)
        candidates = [meta.source.path.parent / written,
                      *(root / folder / tail for folder in self.asset_dirs)]
        for candidate in candidates:
            try:
                resolved = candidate.resolve()
            except (OSError, RuntimeError):
                continue
            if resolved.is_relative_to(root) and resolved.is_file():
                url = self.file_url(resolved, meta, page_url)
                if url is not None:
                    return url + (mark + rest if mark else "")
        return None

    def site_vars(self) -> dict[str, Any]:
        return {**self.settings, "url": self.url, "baseurl": self.baseurl}

    def source(self, path: Path) -> SourceFile:
        # String slicing, not Path.relative_to: on a 10,000-post blog the latter cost more
        # than hashing the files (bench/warm_plan.py, without the memo).
        text, root = str(path), str(self.root)
        if os.sep == "/" and text.startswith(root + "/"):
            return SourceFile(text[len(root) + 1:], path)
        return SourceFile(path.relative_to(self.root).as_posix(), path)

    def meta(self, source: SourceFile) -> Meta:
        text = frontmatter.read_text(source.path, source.rel_path)
        parts = frontmatter.split(text, source.rel_path, required=self.front_matter_required)
        clean, problems = fields.normalise(parts.meta)
        if problems:
            name, problem = problems[0]
            raise SourceError(source.rel_path, problem, field=name,
                              fix=f"correct or remove '{name}' in the front matter")
        return Meta(source, clean, parts.body, parts.body_line, raw=parts.meta)

    @cached_property
    def _metas(self) -> dict[str, Meta]:
        return {}

    def cached_meta(self, source: SourceFile) -> Meta:
        if source.rel_path not in self._metas:
            self._metas[source.rel_path] = self.meta(source)
        return self._metas[source.rel_path]

    def url_of(self, meta: Meta) -> str:
        return self.url + self.page_path(meta, self.post_date(meta))

    title_is_html = True
    """Jekyll themes print ``{{ page.title }}`` as it is, so ``AT&amp;T`` reads "AT&T";
    Hugo's templates escape ``.Title``, so there the entity is text."""

    def title_of(self, meta: Meta) -> str:
        title = meta.fields.get("title")
        if not title:
            raise SourceError(meta.source.rel_path, "the post has no title", field="title",
                              fix="add 'title: ...' to the front matter")
        return html.unescape(str(title)) if self.title_is_html and "&" in str(title) else str(title)

    def hold_of(self, meta: Meta, date: datetime) -> str | None:
        if meta.fields.get("published") is False:
            return "published: false"
        if meta.fields.get("draft") is True:
            return "draft"
        if date > self.now:
            return f"dated in the future ({date.isoformat()})"
        return None

    def turns_at(self, meta: Meta, date: datetime) -> datetime | None:
        """When the clock alone changes ``hold_of``: a future-dated post comes due."""
        return date if date > self.now else None

    def read(self, source: SourceFile) -> Post:
        from syndicate.dialects.text import to_text
        from syndicate.markup import MarkupContext, render_body

        meta = self.cached_meta(source)
        rel = source.rel_path
        title = self.title_of(meta)
        date = self.post_date(meta)
        canonical = self.url + self.page_path(meta, date)
        options = parse_options(meta.fields.get("syndicate"), rel)
        ctx = MarkupContext(
            path=rel, generator=self.kind, site_url=self.url, baseurl=self.baseurl,
            page_url=canonical, body_line=meta.body_line,
            excerpt_separator=self.excerpt_separator(meta), resolve_link=self.resolve_link,
            resolve_asset=partial(self.resolve_asset, meta, canonical),
            markdown=self.markdown_options(), include_text=self.include_text,
            source_format="html" if source.path.suffix.lower() in HTML_EXTS else "markdown",
            site_vars=self.site_vars(),
            page_vars={**meta.raw, **meta.fields, "title": title, "url": canonical},
        )
        refuse_deep(meta.body, rel, meta.body_line)  # before rendering: that takes time too
        renderer = self.config.site.render
        if renderer == "generator":
            from syndicate.render.generator import generator_body

            body = generator_body(self, meta, ctx)
        else:
            body = render_body(meta.body, ctx, excerpt=not meta.fields.get("summary"))
        refuse_deep(body.html, rel, meta.body_line)
        summary = meta.fields.get("summary") or (
            (body.excerpt_text or to_text(body.excerpt_html)) if body.excerpt_html
            else body.first_paragraph)
        cover_url, cover_notice = self.cover_url(meta, canonical, body.first_image)
        if cover_url and not cover_url.lower().startswith(("http://", "https://")):
            # only web URLs (or the site's own files, by their URL) ever leave the machine
            cover_notice += (Notice(rel, f"cover image {cover_url!r} is not an http(s) URL; no "
                                         "cover is sent"),)
            cover_url = None
        updated = meta.fields.get("updated")
        block = meta.fields.get("syndicate")
        key = str(block["key"]) if isinstance(block, dict) and block.get("key") else rel
        return Post(
            key=key,
            source_path=rel,
            source_hash=source.digest(),
            title=title,
            date=date,
            updated=fields.localise(updated, self.zone) if updated else None,
            canonical_url=canonical,
            html=body.html,
            author=meta.fields.get("author") or self.config.site.author or self.site_author,
            summary=str(summary or "").strip(),
            tags=tuple(meta.fields.get("tags", ())),
            categories=tuple(meta.fields.get("categories", ())),
            language=meta.fields.get("language") or self.config.site.language
            or self.settings.get("lang") or self.settings.get("languagecode"),
            series=meta.fields.get("series") or None,
            cover_image=cover_url,
            cover_file=self.local_file(cover_url),
            image_files=self.image_files(body.html),
            options=options,
            notices=tuple(meta.notices) + body.notices + cover_notice,
            hold=self.hold_of(meta, date),
            turns_at=self.turns_at(meta, date),
            renderer=renderer,
        )

    def cover_url(self, meta: Meta, page_url: str,
                  first_image: str | None) -> tuple[str | None, tuple[Notice, ...]]:
        """The cover's absolute URL. A relative name (``cover: pic.png``) is a file beside
        the post or in an asset folder; one that is neither is left out with a notice
        rather than sent as a URL that does not exist."""
        from syndicate.markup.clean import absolute, is_relative

        cover = meta.fields.get("cover")
        if not cover:
            return first_image, ()
        if not is_relative(cover):
            return absolute(cover, page_url, self.url), ()
        found = self.resolve_asset(meta, page_url, cover)
        if found is not None:
            return found, ()
        notice = Notice(meta.source.rel_path, f"cover image {cover!r} is not a file of the site "
                                              "(beside the post or in its asset folders); "
                                              "sent without it", None)
        return first_image, (notice,)

    @cached_property
    def site_author(self) -> str | None:
        """The config's ``author``, which themes often write as a mapping of name, email…"""
        try:
            return fields.as_person(self.settings.get("author")) or None
        except ValueError:
            return None

    def local_file(self, url: str | None) -> str | None:
        """The file under the site root that ``url`` is served from, if the URL is this
        site's own (under url + baseurl) and the file exists. The resolved path must stay
        inside the root: ``..``, encoded ``%2e%2e`` and symlinks out of it give None, and
        so does anything that is not an image file (a cover URL must never make an adapter
        upload, say, a config file)."""
        prefix = self.base_url + "/"
        if not url or not url.startswith(prefix):
            return None
        rel = unquote(urlsplit(url[len(prefix):]).path)
        if not rel or "\0" in rel or "\\" in rel:
            return None
        root = self.root.resolve()
        for folder in self.asset_dirs:
            candidate = (root / folder / rel).resolve()
            if (candidate.is_relative_to(root) and candidate.suffix.lower() in IMAGE_EXTS
                    and candidate.is_file()):
                return str(candidate)
        return None

    def image_files(self, html: str) -> dict[str, str]:
        """The body's images that are files of this site (see ``local_file``)."""
        from html import unescape

        found: dict[str, str] = {}
        for quoted in IMG_SRC.findall(html):
            url = unescape(quoted)
            path = self.local_file(url)
            if path is not None:
                found[url] = path
        return found

    def read_all(self) -> tuple[list[Post], list[SourceError]]:
        posts: list[Post] = []
        errors: list[SourceError] = []
        for source in self.discover():
            try:
                posts.append(self.read(source))
            except SourceError as exc:
                errors.append(exc)
            except Exception as exc:  # noqa: BLE001 - one post's bug is that post's error
                errors.append(unexpected(source.rel_path, exc))
        return posts, errors


def unexpected(rel: str, exc: BaseException) -> SourceError:
    """An error nobody foresaw while reading or rendering one post, as that post's error:
    the other posts still go out."""
    return SourceError(rel, f"could not be read or rendered ({type(exc).__name__}: {exc})",
                       fix="check the post for unusual markup; if it looks fine, report this "
                       "as a bug in syndicate with the file attached")
