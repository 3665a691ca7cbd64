"""Hugo sites: config in ``hugo.*``/``config.*``/``config/_default/``; pages under content/.

A page's URL is ``/<section>/<slug>/`` unless ``permalinks`` gives a pattern for its
section; front-matter ``slug`` replaces the last part and ``url`` the whole path. Page
bundles (``post/x/index.md``) take the folder's name; ``_index.md`` list pages are not
posts.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import yaml

from syndicate.config import SyndicateConfig
from syndicate.errors import ConfigError, SourceError
from syndicate.sources import fields
from syndicate.sources.permalink import date_parts, expand, hugo_path, hugo_urlize
from syndicate.sources.site import MARKDOWN_EXTS, Meta, Site, SourceFile, walk

if TYPE_CHECKING:
    from syndicate.markup.context import MarkdownOptions

UNDATED = datetime(1, 1, 1, tzinfo=UTC)
"""Hugo's zero date, for a page that sets no date of any kind."""
CONTENT_EXTS = MARKDOWN_EXTS | {".html", ".htm"}
CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
                "config.toml", "config.yaml", "config.yml", "config.json")


def find_hugo_config(root: Path) -> Path | None:
    for folder in (root, root / "config" / "_default"):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def read_config_file(path: Path) -> Any:
    """One Hugo config file parsed by its suffix, or a ConfigError naming the file and the
    fix; the content-only build reads the same files through this."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8; save it as UTF-8", source=str(path)) from None
    try:
        if path.suffix == ".toml":
            return tomllib.loads(text)
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text) or {}
    except (tomllib.TOMLDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot be parsed: {exc}", source=str(path)) from None


def load_hugo_config(path: Path) -> dict[str, Any]:
    data = read_config_file(path)
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of settings", source=str(path))
    return {str(k).lower(): v for k, v in data.items()}


def permalink_patterns(settings: dict[str, Any], source: Path) -> dict[str, str]:
    """``permalinks`` by section (Hugo ≥ 0.120 may nest them under ``page``)."""
    permalinks = settings.get("permalinks") or {}
    if isinstance(permalinks, dict) and isinstance(permalinks.get("page"), dict):
        permalinks = permalinks["page"]
    if not isinstance(permalinks, dict):
        raise ConfigError("permalinks must be a table of section = \"/pattern/\"", source=str(source),
                          key="permalinks")
    return {str(k): str(v) for k, v in permalinks.items() if isinstance(v, str)}


def nested(table: Any, *keys: str) -> dict[str, Any]:
    """``table[k1][k2]…`` with keys matched case-insensitively, {} where missing."""
    for key in keys:
        if not isinstance(table, dict):
            return {}
        table = next((v for k, v in table.items() if str(k).lower() == key), {})
    return {str(k).lower(): v for k, v in table.items()} if isinstance(table, dict) else {}


def in_bundle(path: str, bundles: set[str]) -> bool:
    """Whether ``path`` lies in one of the ``bundles`` folders (at any depth)."""
    folder = os.path.dirname(path)
    while folder and folder not in bundles:
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
    return bool(folder)


class HugoSite(Site):
    kind = "hugo"
    title_is_html = False

    def __init__(self, root: Path, config: SyndicateConfig, config_path: Path) -> None:
        if (root / "config" / "_default").is_dir():
            # Hugo reads every file there, each named for its key (markup.toml is
            # ``markup``: Congo's renderer.unsafe and highlight settings live there), on top
            # of the root file: assembled once, as the content-only build assembles it
            from syndicate.render.hugo import site_config

            settings = site_config(root)
        else:
            settings = load_hugo_config(config_path)
        base = str(settings.get("baseurl") or "")
        if base:
            scheme, _, rest = base.partition("://")
            host, _, path = rest.partition("/")
            settings["url"] = f"{scheme}://{host}"
            settings["baseurl"] = "/" + path.strip("/") if path.strip("/") else ""
        settings.setdefault("lang", settings.get("languagecode"))
        super().__init__(root, config, settings)
        self.content = root / str(settings.get("contentdir") or "content")
        self.permalinks = permalink_patterns(settings, config_path)
        self.lower_paths = not settings.get("disablepathtolower")
        self.front_matter_required = False
        static = settings.get("staticdir") or "static"
        self.asset_dirs = tuple(str(d) for d in (static if isinstance(static, list) else [static]))

    def discover(self) -> list[SourceFile]:
        """Content pages in Markdown or HTML (Hugo renders both). Inside a leaf bundle
        (a folder with an ``index.*``) every other file is a resource of that page, not a
        page: notes or drafts kept there are never published, so never read."""
        if not self.content.is_dir():
            return []
        paths = [p for p in walk(self.content, exts=CONTENT_EXTS) if p.stem != "_index"]
        bundles = {os.path.dirname(p) for p in paths if p.stem == "index"}
        return [self.source(p) for p in paths if p.stem == "index" or not in_bundle(str(p), bundles)]

    def section(self, source: SourceFile) -> str:
        parts = source.path.relative_to(self.content).parts
        return parts[0] if len(parts) > 1 else ""

    def file_name(self, source: SourceFile) -> str:
        if source.path.stem == "index":
            return source.path.parent.name
        return source.path.stem

    def post_date(self, meta: Meta) -> datetime:
        """Hugo's default: date, else publishDate, else lastmod, else the zero date."""
        for name in ("date", "publish_date", "updated"):
            moment = meta.fields.get(name)
            if moment is not None:
                return fields.localise(moment, self.zone)
        return UNDATED

    def folders(self, source: SourceFile) -> list[str]:
        """The folders between content/ and the page (a bundle's own folder excluded)."""
        parts = list(source.path.relative_to(self.content).parts[:-1])
        return parts[:-1] if source.path.stem == "index" and parts else parts

    def page_path(self, meta: Meta, date: datetime) -> str:
        if meta.fields.get("url"):
            return self.baseurl + expand(str(meta.fields["url"]), {})
        section = self.section(meta.source)
        title = str(meta.fields.get("title") or "")
        slug = meta.fields.get("slug") or hugo_urlize(title) or self.file_name(meta.source)
        pattern = self.permalinks.get(section)
        if pattern is None:  # Hugo's default: the content path, last part replaced by slug
            last = meta.fields.get("slug") or self.file_name(meta.source)
            path = "/".join(["", *self.folders(meta.source), last, ""])
            return self.baseurl + hugo_path(expand(path, {}), lower=self.lower_paths)
        values = {**date_parts(date.astimezone(self.zone)), "title": hugo_urlize(title),
                  "slug": slug, "filename": self.file_name(meta.source),
                  "contentbasename": self.file_name(meta.source), "section": section}
        return self.baseurl + hugo_path(expand(pattern, values), lower=self.lower_paths)

    def schedule(self, meta: Meta) -> tuple[datetime | None, datetime | None]:
        """(publishDate, expiryDate) in the site's zone, where the page sets them."""
        publish, expiry = meta.fields.get("publish_date"), meta.fields.get("expiry_date")
        return (fields.localise(publish, self.zone) if publish else None,
                fields.localise(expiry, self.zone) if expiry else None)

    def hold_of(self, meta: Meta, date: datetime) -> str | None:
        """Hugo publishes a page from its publishDate until its expiryDate. A page with no
        date at all (an "about" page) is a page, not a post: it is held, not an error, so a
        site with one does not fail every run."""
        held = super().hold_of(meta, date)
        if held:
            return held
        if date == UNDATED:
            return "no date: a page, not a post (add 'date = 2024-01-31' to syndicate it)"
        unbuilt = self.never_rendered(meta)
        if unbuilt:
            return unbuilt
        publish, expiry = self.schedule(meta)
        if publish is not None and publish > self.now:
            return f"publishDate in the future ({publish.isoformat()})"
        if expiry is not None and expiry <= self.now:
            return f"expired (expiryDate {expiry.isoformat()})"
        return None

    @staticmethod
    def never_rendered(meta: Meta) -> str | None:
        """Hugo writes no page for ``_build: {render: never}`` (or ``link``, or ``false``),
        nor for a ``headless`` bundle: Congo's external-link posts have no URL of their own
        that a copy could point back to."""
        raw = {str(k).lower(): v for k, v in meta.raw.items()}
        build = nested(raw, "_build") or nested(raw, "build")
        render = build.get("render", "always")
        if render is False or str(render).lower() in ("never", "link", "false"):
            return f"_build render {str(render).lower()}: Hugo publishes no page for it"
        if raw.get("headless") is True and meta.source.path.stem == "index":
            return "headless bundle: Hugo publishes no page for it"
        return None

    def turns_at(self, meta: Meta, date: datetime) -> datetime | None:
        moments = [m for m in (date, *self.schedule(meta)) if m is not None and m > self.now]
        return min(moments, default=None)

    def markdown_options(self) -> MarkdownOptions:
        """Goldmark as the site configures it: Typographer and Linkify on unless
        ``markup.goldmark.extensions`` turns them off; ``renderer.hardWraps``;
        ``renderer.unsafe`` (off by default: Hugo omits raw HTML)."""
        from syndicate.markup.context import MarkdownOptions

        goldmark = nested(self.settings, "markup", "goldmark")
        typographer = nested(goldmark, "extensions").get("typographer", True)
        if isinstance(typographer, dict):  # later Hugo versions: a table with ``disable``
            typographer = not typographer.get("disable", False)
        return MarkdownOptions(
            hard_wrap=nested(goldmark, "renderer").get("hardwraps") is True,
            typographer=typographer is not False,
            linkify=nested(goldmark, "extensions").get("linkify", True) is not False,
            raw_html=nested(goldmark, "renderer").get("unsafe") is True,
        )

    def file_url(self, path: Path, meta: Meta, page_url: str) -> str | None:
        """A leaf bundle's resources are published beside its page, at the page's URL."""
        page = meta.source.path
        if page.stem == "index":
            bundle = str(page.parent) + os.sep
            if str(path).startswith(bundle) and path != page:
                rel = str(path)[len(bundle):].replace(os.sep, "/")
                return page_url.rstrip("/") + "/" + quote(rel)
        return super().file_url(path, meta, page_url)

    @cached_property
    def page_index(self) -> dict[str, SourceFile]:
        """Every name a ``ref`` may use for a page: its path under content/ with or without
        the extension, a bundle's folder, the file or bundle name alone."""
        exact: dict[str, SourceFile] = {}
        loose: dict[str, SourceFile] = {}
        for source in self.discover():
            rel = source.path.relative_to(self.content).as_posix()
            stem = rel.rsplit(".", 1)[0]
            exact[rel] = exact[stem] = source
            if source.path.stem == "index":
                exact[stem.removesuffix("index").rstrip("/")] = source
            for name in (source.path.name, source.path.stem, self.file_name(source)):
                loose.setdefault(name, source)
        return {**loose, **exact}

    def resolve_link(self, kind: str, target: str) -> str | None:
        """``ref`` gives the page's permalink, ``relref`` its path; an ``#anchor`` is kept."""
        path, mark, anchor = target.strip().partition("#")
        key = re.sub(r"^(\.{1,2}/)+", "", path.strip()).strip("/")
        if not key:
            return mark + anchor if mark else None
        source = self.page_index.get(key) or self.page_index.get(key.rsplit("/", 1)[-1])
        if source is None:
            if not (self.content / key).is_dir():
                return None
            # a section (its list page): published at its path
            path = self.baseurl + hugo_path(f"/{key}/", lower=self.lower_paths)
            return (self.url + path if kind == "ref" else path) + (mark + anchor if mark else "")
        try:
            url = self.url_of(self.cached_meta(source))
        except SourceError:
            return None
        url = url if kind == "ref" else url.removeprefix(self.url)
        return url + (mark + anchor if mark else "")
