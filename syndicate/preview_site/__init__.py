"""``syndicate preview --html DIR``: a static site showing what a push would send.

One folder, no network, no JavaScript: an index of posts × platforms with the planned
action and warning counts, and a page per post with each platform's rendering side by
side, every rendering drawn from the payload a push would send. ``preview_markdown``
gives the same overview as Markdown for a pull request's job summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from syndicate.adapter import Capabilities
from syndicate.preview_site.pages import Column, index_page, page_name, post_page
from syndicate.preview_site.warnings import collect
from syndicate.redact import redact

__all__ = ["page_name", "preview_markdown", "write_preview_site"]


def capabilities(platform: str) -> Capabilities | None:
    """The platform's declared limits, or None for a platform no adapter registers."""
    from syndicate.registry import available

    cls = available().get(platform)
    return cls.capabilities if cls is not None else None


def planned_action(item: Any) -> str:
    """What a push would do; without a state file every item is a create."""
    return "create" if item.requests else "nothing to send"


def grouped(items: Sequence[Any]) -> list[tuple[Any, list[Column]]]:
    """Items by post (in the order they came), each with its alerts computed once."""
    posts: dict[str, tuple[Any, list[Column]]] = {}
    for item in items:
        entry = posts.setdefault(item.post.key, (item.post, []))
        entry[1].append(Column(item, collect(item, capabilities(item.platform)),
                               planned_action(item)))
    return list(posts.values())


def write_preview_site(items: Sequence[Any], held: Sequence[Any], errors: Sequence[Any],
                       out_dir: Path) -> Path:
    """Write the site into ``out_dir`` (created if needed) and return its index page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    posts = grouped(items)
    platforms = list(dict.fromkeys(item.platform for item in items))
    for post, columns in posts:
        (out_dir / page_name(post.key)).write_text(
            redact(post_page(post, columns, capabilities)), encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(redact(index_page(posts, platforms, held, errors)), encoding="utf-8")
    return index


def preview_markdown(items: Sequence[Any], held: Sequence[Any], errors: Sequence[Any]) -> str:
    """The overview as Markdown for a GitHub job summary, every user string escaped."""
    from syndicate.gha.summary import cell

    lines = ["### syndicate preview", "", "| Post | Platform | Action | Warnings |",
             "| --- | --- | --- | --- |"]
    for post, columns in grouped(items):
        for column in columns:
            notes = "<br>".join(cell(a.message) for a in column.alerts) or "none"
            lines.append(f"| {cell(post.title)} | {cell(column.item.platform)} | "
                         f"{cell(column.action)} | {notes} |")
    if held:
        lines += ["", "**Held back:**", ""]
        lines += [f"- {cell(p.title)}: {cell(p.hold or 'held')}" for p in held]
    if errors:
        lines += ["", "**Could not be read:**", ""]
        lines += [f"- {cell(str(e))}" for e in errors]
    return redact("\n".join(lines) + "\n")
