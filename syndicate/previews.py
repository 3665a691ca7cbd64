"""What a push would send, post by post and platform by platform, without sending it.

``syndicate preview``, its ``--html`` site and the Action's pull-request summary all
build their items here, through the same ``payload_for`` a push uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.adapter import Payload, RequestSpec
from syndicate.errors import SourceError
from syndicate.post import Post
from syndicate.postfilter import matching, require_matched


@dataclass(frozen=True)
class PreviewItem:
    """One post on one platform, as a push would send it."""

    post: Post
    platform: str
    payload: Payload
    requests: list[RequestSpec]

    def warnings(self) -> list[str]:
        return [*(str(n) for n in self.post.notices), *self.payload.notices]

    def as_json(self) -> dict[str, Any]:
        return {
            "post": self.post.key,
            "platform": self.platform,
            "title": self.post.title,
            "canonical_url": self.post.canonical_url,
            "renderer": self.post.renderer,
            "requests": [r.as_json() for r in self.requests],
            "warnings": self.warnings(),
        }


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
    matched: set[str] = set()
    for source in site.discover():
        try:
            post = site.read(source)
        except SourceError as exc:
            hits = matching(source.rel_path, None, posts or (), site.root)
            matched |= hits
            if not posts or hits:
                errors.append(exc)
            continue
        hits = matching(source.rel_path, post.key, posts or (), site.root, title=post.title)
        matched |= hits
        if posts and not hits:
            continue
        if post.hold:
            held.append(post)
            continue
        for name, adapter in adapters.items():
            if not post.options.allows(name):
                continue
            payload = payload_for(adapter, post, site.config)
            items.append(PreviewItem(post, name, payload, adapter.requests(payload)))
    require_matched(posts, matched)
    return items, held, errors
