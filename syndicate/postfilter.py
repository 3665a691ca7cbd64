"""``--post``: which posts a command was asked about, and the values that named none.

Shared by the planner (plan, push) and the preview, which walk the site separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from syndicate.errors import ConfigError


def matching(source_rel: str, key: str | None, wanted: Iterable[str], site_root: Path) -> set[str]:
    """The ``--post`` values that name this post: a post key, a site-relative path, or a
    path as typed in the shell."""
    found: set[str] = set()
    for item in wanted:
        if item in (source_rel, key):
            found.add(item)
            continue
        candidate = Path(item)
        try:
            if candidate.resolve() == (site_root / source_rel).resolve():
                found.add(item)
        except OSError:
            continue
    return found


def require_matched(wanted: Iterable[str] | None, matched: set[str]) -> None:
    """A ``--post`` that names no post is a typo: doing nothing and exiting 0 would read as
    "already published"."""
    missing = [item for item in (wanted or ()) if item not in matched]
    if missing:
        raise ConfigError(f"no post file or key matches {', '.join(repr(m) for m in missing)}; "
                          "give a path like _posts/2024-01-31-slug.md, or a key from "
                          "'syndicate status'", key="--post")
