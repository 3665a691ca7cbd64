"""A plain folder of Markdown with front matter: the URL pattern comes from syndicate.toml.

``[site] url`` and ``permalink`` (default ``/:slug/``) say where each post is published;
``posts_dir`` says where the posts are. A date comes from front matter or a
``YYYY-MM-DD-`` file-name prefix.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from syndicate.config import SyndicateConfig
from syndicate.errors import ConfigError, SourceError
from syndicate.sources import fields
from syndicate.sources.permalink import date_parts, expand, slugify
from syndicate.sources.site import Meta, Site, SourceFile, walk

DATED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
SKIP_NAMES = frozenset({"readme.md", "license.md", "changelog.md", "contributing.md"})


class FolderSite(Site):
    kind = "folder"
    front_matter_required = False

    def __init__(self, root: Path, config: SyndicateConfig) -> None:
        super().__init__(root, config, {})
        self.posts_dir = root / (config.site.posts_dir or ".")
        self.pattern = config.site.permalink or "/:slug/"

    def discover(self) -> list[SourceFile]:
        if not self.posts_dir.is_dir():  # a typo here would otherwise read as "nothing new"
            raise ConfigError(f"no such folder '{self.config.site.posts_dir}'",
                              source="syndicate.toml", key="site.posts_dir")
        return [self.source(p) for p in walk(self.posts_dir) if p.name.lower() not in SKIP_NAMES]

    def stem_parts(self, source: SourceFile) -> tuple[datetime | None, str]:
        match = DATED.match(source.path.stem)
        if match:
            year, month, day, slug = match.groups()
            return datetime(int(year), int(month), int(day)), slug
        return None, source.path.stem

    def post_date(self, meta: Meta) -> datetime:
        named, _ = self.stem_parts(meta.source)
        moment = meta.fields.get("date", named)
        if moment is None:
            raise SourceError(meta.source.rel_path, "the post has no date", field="date",
                              fix="add 'date: 2024-01-31' or name the file 2024-01-31-slug.md")
        return fields.localise(moment, self.zone)

    def page_path(self, meta: Meta, date: datetime) -> str:
        _, stem = self.stem_parts(meta.source)
        slug = meta.fields.get("slug") or slugify(stem)
        values = {**date_parts(date.astimezone(self.zone)), "slug": slug, "title": slug,
                  "output_ext": ".html"}
        return self.baseurl + expand(str(meta.fields.get("permalink") or self.pattern), values)
