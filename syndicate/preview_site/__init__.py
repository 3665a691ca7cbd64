"""``syndicate preview --html DIR``: a static site showing what a push would send.

One folder, no network, no JavaScript: an index of posts × platforms with the planned
action and warning counts, and a page per post with each platform's rendering side by
side, every rendering drawn from the payload a push would send. ``preview_markdown``
gives the same overview as Markdown for a pull request's job summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from syndicate.adapter import Capabilities, Limit
from syndicate.preview_site.pages import Column, index_page, page_name, post_page
from syndicate.preview_site.warnings import Alert, collect
from syndicate.redact import redact

__all__ = ["page_name", "preview_markdown", "write_preview_site"]


def capabilities(platform: str) -> Capabilities | None:
    """The platform's declared limits, or None for a platform no adapter registers."""
    from syndicate.registry import available

    cls = available().get(platform)
    return cls.capabilities if cls is not None else None


def measured(item: Any) -> list[tuple[Limit, str]]:
    """The texts the item's adapter declares limits for, as its platform counts them."""
    from syndicate.registry import available

    cls = available().get(item.platform)
    return cls.measured(item.payload) if cls is not None else []


Actions = Mapping[tuple[str, str], tuple[str, str]]
"""(post key, platform) → (kind, reason), from ``syndicate.planner`` when a state file exists."""


def grouped(items: Sequence[Any], actions: Actions | None = None) -> list[tuple[Any, list[Column]]]:
    """Items by post (in the order they came), each with its alerts and action worked out once.

    Without planner actions every item is a create: that is what a push with no state
    file would do.
    """
    posts: dict[str, tuple[Any, list[Column]]] = {}
    for item in items:
        entry = posts.setdefault(item.post.key, (item.post, []))
        alerts = collect(item, measured(item))
        kind, reason = (actions or {}).get((item.post.key, item.platform), ("create", ""))
        if kind in ("blocked", "uncertain"):
            alerts.insert(0, Alert(kind, f"{kind}: {reason}" if reason else kind))
        label = f"{kind} ({reason})" if reason and kind == "skip" else kind
        entry[1].append(Column(item, alerts, label))
    return list(posts.values())


def write_preview_site(items: Sequence[Any], held: Sequence[Any], errors: Sequence[Any],
                       out_dir: Path, actions: Actions | None = None) -> Path:
    """Write the site into ``out_dir`` (created if needed) and return its index page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    posts = grouped(items, actions)
    platforms = list(dict.fromkeys(item.platform for item in items))
    for post, columns in posts:
        (out_dir / page_name(post.key)).write_text(
            redact(post_page(post, columns, capabilities)), encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(redact(index_page(posts, platforms, held, errors)), encoding="utf-8")
    return index


def preview_markdown(items: Sequence[Any], held: Sequence[Any], errors: Sequence[Any],
                     actions: Actions | None = None) -> str:
    """The overview as Markdown for a GitHub job summary, every user string escaped."""
    from syndicate.gha.summary import cell

    lines = ["### syndicate preview", "", "| Post | Platform | Action | Warnings |",
             "| --- | --- | --- | --- |"]
    for post, columns in grouped(items, actions):
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
