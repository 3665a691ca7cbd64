"""Jekyll sites: ``_config.yml``, every ``_posts`` folder, permalinks as Jekyll makes them.

Posts live in any ``_posts`` folder under the source directory (``blog/_posts`` gives
the category "blog"); sub-folders inside ``_posts`` are only for the author's order.
A post's file name carries its date and slug (``2021-01-28-xiaomi.md``); front-matter
``date`` refines the date, ``permalink`` replaces the URL, ``slug`` the slug.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import yaml

from syndicate.config import SyndicateConfig
from syndicate.errors import ConfigError, SourceError
from syndicate.layout import IGNORED_DIRS
from syndicate.sources import fields
from syndicate.sources.permalink import SAFE, date_parts, expand, jekyll_pattern, slugify
from syndicate.sources.site import Meta, Site, SourceFile, walk

if TYPE_CHECKING:
    from syndicate.markup.context import MarkdownOptions

POST_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)\.[A-Za-z]+$")


def load_jekyll_config(root: Path) -> dict[str, Any]:
    path = root / "_config.yml"
    if not path.is_file():
        path = root / "_config.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"invalid YAML{where}: {getattr(exc, 'problem', exc)}; fix the file",
                          source=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8; save it as UTF-8", source=str(path)) from None
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of settings", source=str(path))
    return data


def as_names(value: Any) -> list[Any]:
    """``exclude`` / ``include``: a list, or one name."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, (str, int))]
    return [value] if isinstance(value, str) else []


def kramdown_quotes(value: Any) -> str:
    """kramdown's ``smart_quotes`` (``lsquo,rsquo,ldquo,rdquo`` by default: entity names
    or numbers, single quotes first) as markdown-it's four characters (double first)."""
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or len(names) != 4:
        return "“”‘’"
    chars = [html.unescape(f"&{str(n).strip()};") if not str(n).strip().isdigit()
             else chr(int(str(n).strip())) for n in names]
    if any(len(c) != 1 for c in chars):
        return "“”‘’"
    return chars[2] + chars[3] + chars[0] + chars[1]


class JekyllSite(Site):
    kind = "jekyll"

    def __init__(self, root: Path, config: SyndicateConfig) -> None:
        settings = load_jekyll_config(root)
        super().__init__(root, config, settings)
        self.source_dir = (root / str(settings.get("source") or ".")).resolve()
        if not self.source_dir.is_dir():
            raise ConfigError(f"no such folder '{settings.get('source')}'; fix 'source' or "
                              "remove it", source=str(root / "_config.yml"), key="source")
        self.asset_dirs = (str(settings.get("source") or ""),)
        self.pattern = jekyll_pattern(config.site.permalink or settings.get("permalink"))
        self.exclude = [str(e).strip("/") for e in as_names(settings.get("exclude"))]
        self.include = {str(i).strip("/") for i in as_names(settings.get("include"))}

    def excerpt_separator(self, meta: Meta) -> str | None:
        return (meta.fields.get("excerpt_separator") or self.config.site.excerpt_separator
                or str(self.settings.get("excerpt_separator") or "\n\n"))

    def discover(self) -> list[SourceFile]:
        found: list[SourceFile] = []
        for posts_dir in self.posts_dirs(self.source_dir):
            for path in walk(posts_dir):
                if POST_NAME.match(path.name):
                    found.append(self.source(path))
        return sorted(found, key=lambda s: s.rel_path)

    def posts_dirs(self, folder: Path) -> list[Path]:
        dirs: list[Path] = []
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or child.is_symlink():
                continue
            if child.name == "_posts":
                dirs.append(child)
            elif child.name not in IGNORED_DIRS and self.reads(child):
                dirs.extend(self.posts_dirs(child))
        return dirs

    def reads(self, folder: Path) -> bool:
        """Whether Jekyll looks inside ``folder``: not one it excludes, and not one whose name
        starts with ``.`` or ``_`` unless ``include`` lists it (posts found there would never
        be on the site, so their canonical URLs would be dead links)."""
        rel = folder.relative_to(self.source_dir).as_posix()
        if any(fnmatch(rel, pattern) or fnmatch(folder.name, pattern) for pattern in self.exclude):
            return False
        return not folder.name.startswith((".", "_")) or folder.name in self.include or rel in self.include

    def name_parts(self, source: SourceFile) -> tuple[datetime, str]:
        match = POST_NAME.match(source.path.name)
        if match is None:  # discover() only returns matching names
            raise SourceError(source.rel_path, "file name is not YYYY-MM-DD-slug.md")
        year, month, day, slug = match.groups()
        try:
            return datetime(int(year), int(month), int(day)), slug
        except ValueError:
            raise SourceError(source.rel_path, "the date in the file name is not a real date",
                              fix="rename it as YYYY-MM-DD-slug.md") from None

    def title_of(self, meta: Meta) -> str:
        """Jekyll gives a post without a title one from its file name (``populate_title``:
        each hyphen-separated word capitalised, ``2016-08-12-my-example-post.md`` → "My
        Example Post"); the live site shows that title, so the post is not refused."""
        if meta.fields.get("title"):
            return super().title_of(meta)
        _date, slug = self.name_parts(meta.source)
        return " ".join(word[:1].upper() + word[1:].lower() for word in slug.rstrip(".").split("-"))

    def dir_categories(self, source: SourceFile) -> list[str]:
        relative = source.path.relative_to(self.source_dir).parts
        return [part for part in relative[: relative.index("_posts")] if part]

    def post_date(self, meta: Meta) -> datetime:
        named, _slug = self.name_parts(meta.source)
        chosen = meta.fields.get("date", named)
        return fields.localise(chosen, self.zone)

    def categories(self, meta: Meta) -> list[str]:
        return [*self.dir_categories(meta.source), *meta.fields.get("categories", ())]

    def page_path(self, meta: Meta, date: datetime) -> str:
        _named, file_slug = self.name_parts(meta.source)
        slug = meta.fields.get("slug") or file_slug
        pattern = meta.fields.get("permalink") or self.pattern
        local = date.astimezone(self.zone)
        values = {
            **date_parts(local),
            "title": slugify(slug, "pretty", cased=True),
            "slug": slugify(slug),
            "categories": "/".join(dict.fromkeys(c.lower() for c in self.categories(meta))),
            "output_ext": ".html",
            "name": slug,
        }
        return self.baseurl + expand(pattern, values)

    def markdown_options(self) -> MarkdownOptions:
        """The site's ``markdown`` engine and its ``kramdown`` options, with Jekyll's
        defaults (``auto_ids`` on, ``hard_wrap`` and ``parse_block_html`` off)."""
        from syndicate.markup.context import MarkdownOptions

        engine = str(self.settings.get("markdown") or "kramdown").lower()
        if engine != "kramdown":
            return MarkdownOptions()
        options = self.settings.get("kramdown")
        options = options if isinstance(options, dict) else {}
        return MarkdownOptions(
            engine="kramdown",
            hard_wrap=options.get("hard_wrap") is True,
            auto_ids=options.get("auto_ids", True) is not False,
            parse_block_html=options.get("parse_block_html") is True,
            typographer=True,
            quotes=kramdown_quotes(options.get("smart_quotes")),
        )

    @cached_property
    def jekyll_major(self) -> int:
        """The Jekyll the site declares: 3 for GitHub Pages (the ``github-pages`` gem, or
        jekyll 3.x, in the Gemfile or its lock file), else 4 (what ``jekyll`` installs)."""
        for name in ("Gemfile.lock", "Gemfile"):
            path = self.root / name
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if re.search(r"""^\s*(?:gem\s+["'])?github-pages\b""", text, re.M):
                return 3
            pinned = re.search(r"""^\s*(?:gem\s+["']jekyll["']\s*,\s*["'][~>=<\s]*|jekyll \()(\d+)""",
                               text, re.M)
            if pinned:
                return int(pinned.group(1))
        return 4

    def include_text(self, name: str) -> str:
        """The site's own ``_includes/<name>`` ('' when the include is a theme gem's)."""
        folder = self.source_dir / str(self.settings.get("includes_dir") or "_includes")
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            return ""
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def link_path(self, path: str) -> str:
        """``post_url`` and ``link`` output as the declared Jekyll writes them: Jekyll 4
        prefixes ``baseurl``, Jekyll 3.9 (GitHub Pages) does not."""
        if self.jekyll_major >= 4 or not self.baseurl:
            return path
        return path.removeprefix(self.baseurl) or "/"

    @cached_property
    def post_index(self) -> dict[str, SourceFile]:
        index: dict[str, SourceFile] = {}
        for source in self.discover():
            stem = source.path.stem
            index.setdefault(stem, source)
            inside = source.rel_path.split("_posts/", 1)[-1].rsplit(".", 1)[0]
            index[inside] = source
            index[source.rel_path] = source
        return index

    def resolve_link(self, kind: str, target: str) -> str | None:
        """The path Jekyll writes for ``{% post_url %}`` / ``{% link %}`` (the HTML pass
        makes it absolute); ``link`` also names pages and static files."""
        target = target.strip().lstrip("/")
        source = self.post_index.get(target)
        if source is not None:
            try:
                meta = self.cached_meta(source)
                return self.link_path(self.page_path(meta, self.post_date(meta)))
            except SourceError:
                return None
        if kind != "link":
            return None
        return self.page_link(target)

    def page_link(self, target: str) -> str | None:
        """``{% link about.md %}`` or ``{% link assets/a.png %}``: a page at its permalink
        (or its path with ``.html``), any other file at its own path."""
        path = (self.source_dir / target).resolve()
        if not path.is_relative_to(self.source_dir) or not path.is_file():
            return None
        if path.suffix.lower() in (".md", ".markdown", ".html"):
            try:
                meta = self.meta(self.source(path))
            except SourceError:
                meta = None
            if meta is not None:
                if meta.fields.get("permalink"):
                    return self.link_path(self.baseurl + expand(str(meta.fields["permalink"]), {}))
                stem = target.rsplit(".", 1)[0]
                web = "/" + (stem.removesuffix("index") if stem.endswith("index") else stem + ".html")
                return self.link_path(self.baseurl + quote(web, safe=SAFE))
        return self.link_path(self.baseurl + "/" + quote(target, safe=SAFE))
