"""Sources read a site into Posts: Jekyll, Hugo, a plain folder of Markdown, or a feed.

``open_site`` detects the kind (``[site] kind`` in syndicate.toml wins), then
``Site.discover`` lists post files cheaply and ``Site.read`` turns one into a Post.
"""

from __future__ import annotations

from pathlib import Path

from syndicate.config import SyndicateConfig, load_config
from syndicate.errors import ConfigError
from syndicate.sources.site import Site, SourceFile

__all__ = ["Site", "SourceFile", "open_site"]


def open_site(root: Path, config: SyndicateConfig | None = None) -> Site:
    """The site at ``root``; raises ConfigError if it cannot be used (including
    ``render = "generator"`` with the generator missing: never a silent fallback)."""
    site = detect_site(root, config)
    if site.config.site.render == "generator":
        from syndicate.render.generator import require_generator

        require_generator(site)
    return site


def detect_site(root: Path, config: SyndicateConfig | None = None) -> Site:
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"no such folder: {root}", key="--site")
    root = root.resolve()
    config = config if config is not None else load_config(root)
    kind = config.site.kind
    feed_site = feed_site_of(root, config)
    if feed_site is not None:
        return feed_site
    from syndicate.sources.hugo import HugoSite, find_hugo_config

    hugo_config = find_hugo_config(root)
    if kind == "jekyll" or (kind is None and ((root / "_config.yml").is_file()
                                              or (root / "_config.yaml").is_file())):
        from syndicate.sources.jekyll import JekyllSite

        if not ((root / "_config.yml").is_file() or (root / "_config.yaml").is_file()):
            raise ConfigError("a Jekyll site needs _config.yml; create it with at least "
                              "'url: https://your.site'", source=str(root))
        return JekyllSite(root, config)
    if kind == "hugo" or (kind is None and hugo_config is not None):
        if hugo_config is None:
            raise ConfigError("a Hugo site needs hugo.toml (or config.toml)", source=str(root))
        return HugoSite(root, config, hugo_config)
    from syndicate.sources.folder import FolderSite

    if kind is None and not has_markdown(root):
        raise ConfigError(f"no Jekyll, Hugo or Markdown posts found in {root}; give the blog's "
                          "folder with --site (the one holding _config.yml, hugo.toml or your "
                          ".md posts)", key="--site")
    return FolderSite(root, config)


def has_markdown(root: Path) -> bool:
    """Is there any Markdown file at all (outside build output and syndicate's own folder)?"""
    import os

    from syndicate.layout import IGNORED_DIRS

    for _folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS and not d.startswith(".")]
        if any(name.endswith((".md", ".markdown")) for name in files):
            return True
    return False


def feed_site_of(root: Path, config: SyndicateConfig) -> Site | None:
    """A feed site when syndicate.toml says so, or when the folder holds a feed file and
    nothing a generator would read."""
    from syndicate.sources.feed import FeedSite, find_feed_file

    kind, spec = config.site.kind, config.site.feed
    if kind == "feed":
        spec = spec or find_feed_file(root)
        if not spec:
            raise ConfigError("a feed site needs 'feed' (the feed's URL or file)",
                              source="syndicate.toml", key="site.feed")
        return FeedSite(root, config, spec)
    if spec is not None:
        raise ConfigError("'feed' is only read with kind = \"feed\"; add it to [site]",
                          source="syndicate.toml", key="site.kind")
    if kind is not None or (root / "_config.yml").is_file() or (root / "_config.yaml").is_file():
        return None
    found = find_feed_file(root)
    if found is None or config.site.posts_dir:
        return None
    from syndicate.sources.hugo import find_hugo_config
    from syndicate.sources.site import walk

    if find_hugo_config(root) is not None or walk(root):
        return None
    return FeedSite(root, config, found)
