"""``--post``: which posts a command was asked about, and the values that named none.

Shared by the planner (plan, push) and the preview, which walk the site separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from syndicate.errors import ConfigError

BUNDLE_INDEX = frozenset({"index.md", "index.markdown", "_index.md"})


def matching(source_rel: str, key: str | None, wanted: Iterable[str], site_root: Path,
             title: str | None = None) -> set[str]:
    """The ``--post`` values that name this post: a post key, a site-relative path, a path
    as typed in the shell, a Hugo page bundle's folder, or (given ``title``) its exact title."""
    found: set[str] = set()
    full = site_root / source_rel
    bundle = full.parent if full.name in BUNDLE_INDEX else None
    for item in wanted:
        if item in (source_rel, key) or (title is not None and item == title):
            found.add(item)
            continue
        try:
            places = {Path(item).resolve(), (site_root / item).resolve()}
            if full.resolve() in places or (bundle is not None and bundle.resolve() in places):
                found.add(item)
        except OSError:
            continue
    return found


def maybe_titles(wanted: Iterable[str]) -> bool:
    """Could any ``--post`` value be a title rather than a path or key? (Only then are
    posts read just to compare titles.)"""
    return any("/" not in item and not item.endswith((".md", ".markdown", ".html"))
               for item in wanted)


def require_matched(wanted: Iterable[str] | None, matched: set[str]) -> None:
    """A ``--post`` that names no post is a typo: doing nothing and exiting 0 would read as
    "already published"."""
    missing = [item for item in (wanted or ()) if item not in matched]
    if missing:
        raise ConfigError(f"no post file or key matches {', '.join(repr(m) for m in missing)}; "
                          "give a path like _posts/2024-01-31-slug.md, or a key from "
                          "'syndicate status'", key="--post")
