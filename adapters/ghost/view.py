"""How the preview draws a Ghost post: from the very payload the Admin API receives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syndicate.adapter import Capabilities
from syndicate.preview_site.sanitize import BLOG, clean
from syndicate.preview_site.views import counter, esc, find_limit, is_web_url

CSS = """
.ghost { font-family: Georgia, serif; max-width: 42rem; }
.ghost .gh-title { font-size: 1.9rem; margin: .2rem 0; }
.ghost .gh-excerpt { color: #555; font-size: 1.1rem; }
.ghost .gh-feature { max-width: 100%; }
.ghost .gh-tags li { display: inline; margin-right: .5rem; color: #15171a; }
"""


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    """Title, excerpt, feature image, body (the HTML card as Ghost stores it), tags."""
    image = data.get("feature_image")
    figure = (f'<img class="gh-feature" src="{esc(image)}" alt="feature image: {esc(image)}">'
              if is_web_url(image)
              else '<p class="missing" lang="en">no feature image in this payload</p>')
    tags = "".join(f"<li>{esc(t.get('name', ''))}</li>" for t in data.get("tags", ()) or ()
                   if isinstance(t, Mapping))
    excerpt = data.get("custom_excerpt")
    title = str(data.get("title", ""))
    return (f'<article class="ghost">{counter(title, find_limit(caps, "title"))}'
            f'<h3 class="gh-title">{esc(title)}</h3>'
            + (f'<p class="gh-excerpt">{esc(excerpt)}</p>' if excerpt else "")
            + f'<p class="meta" lang="en">{esc(data.get("status", ""))} · '
            f'{esc(data.get("published_at", ""))} · /{esc(data.get("slug", ""))}/ · canonical: '
            f'<span class="url">{esc(data.get("canonical_url", ""))}</span></p>{figure}'
            f'<div class="gh-content">{clean(str(data.get("html", "")), BLOG)}</div>'
            f'<ul class="gh-tags" aria-label="tags">{tags}</ul></article>')
