"""What each CLI command does, as plain functions returning an exit code.

Kept apart from ``cli.py`` so the Action command, the preview site and tests call the
same functions the terminal does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.adapter import Payload, RequestSpec
from syndicate.errors import SourceError
from syndicate.post import Post
from syndicate.redact import redact


@dataclass(frozen=True)
class PreviewItem:
    """One post on one platform, as a push would send it."""

    post: Post
    platform: str
    payload: Payload
    requests: list[RequestSpec]

    def as_json(self) -> dict[str, Any]:
        return {
            "post": self.post.key,
            "platform": self.platform,
            "title": self.post.title,
            "canonical_url": self.post.canonical_url,
            "requests": [r.as_json() for r in self.requests],
            "warnings": [*(str(n) for n in self.post.notices), *self.payload.notices],
        }


def matches(source_rel: str, key: str | None, wanted: Iterable[str], site_root: Path) -> bool:
    """``--post`` accepts a post key, a site-relative path, or a path as typed in the shell."""
    for item in wanted:
        if item in (source_rel, key):
            return True
        candidate = Path(item)
        try:
            if candidate.resolve() == (site_root / source_rel).resolve():
                return True
        except OSError:
            continue
    return False


def emit_json(data: Any) -> None:
    """JSON on stdout, through the secret mask."""
    import sys

    sys.stdout.write(redact(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n")


def build_previews(
    site_dir: Path, platforms: list[str] | None, posts: list[str] | None
) -> tuple[list[PreviewItem], list[Post], list[SourceError]]:
    """Every (post, platform) payload and its requests; held posts and read errors apart."""
    from syndicate.sources import open_site
    from syndicate.workflow import load_adapters, payload_for, select_platforms

    site = open_site(site_dir)
    names = select_platforms(site.config, platforms, preview=True)
    adapters = load_adapters(site.root, site.config, names)
    items: list[PreviewItem] = []
    held: list[Post] = []
    errors: list[SourceError] = []
    for source in site.discover():
        if posts and not matches(source.rel_path, None, posts, site.root):
            try:
                post = site.read(source)
            except SourceError:
                continue
            if not matches(source.rel_path, post.key, posts, site.root):
                continue
        try:
            post = site.read(source)
        except SourceError as exc:
            errors.append(exc)
            continue
        if post.hold:
            held.append(post)
            continue
        for name, adapter in adapters.items():
            if not post.options.allows(name):
                continue
            payload = payload_for(adapter, post, site.config)
            items.append(PreviewItem(post, name, payload, adapter.requests(payload)))
    return items, held, errors


def preview(
    site_dir: Path,
    platforms: list[str] | None,
    posts: list[str] | None,
    *,
    json_out: bool,
    html_dir: Path | None = None,
    open_browser: bool = False,
) -> int:
    from syndicate import report

    items, held, errors = build_previews(site_dir, platforms, posts)
    if json_out:
        emit_json([item.as_json() for item in items])
    else:
        report.print_preview(items, held)
    if html_dir is not None:
        from syndicate.preview_site import write_preview_site

        index = write_preview_site(items, held, errors, html_dir)
        report.console(stderr=True).print(f"preview site written to {index}")
        if open_browser:
            import webbrowser

            webbrowser.open(index.resolve().as_uri())
    report.print_errors(errors)
    return 1 if errors else 0
