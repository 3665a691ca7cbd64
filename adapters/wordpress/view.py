"""How the preview draws a WordPress payload: title, excerpt, featured image, content, terms.

The featured image is the ``cover`` the adapter puts in the payload (the site's own
cover file, uploaded to the media library and featured when the post is sent); a payload
without one says so. The canonical URL an SEO plugin's field gets is shown last.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syndicate.adapter import Capabilities
from syndicate.preview_site.sanitize import BLOG, clean
from syndicate.preview_site.views import esc, is_web_url

CSS = """\
.wp-title { font-size: 1.4rem; margin: .25rem 0; }
.excerpt { font-style: italic; border-bottom: 1px solid #e5e7eb; margin-bottom: .5rem; }
.featured { display: block; max-width: 100%; margin: .25rem 0 .5rem; }
"""


def featured(cover: object) -> str:
    if is_web_url(cover):
        return (f'<img class="featured" src="{esc(cover)}" '
                f'alt="featured image, uploaded from the site: {esc(cover)}">')
    if cover:
        return f'<p class="missing" lang="en">featured image not shown: {esc(cover)}</p>'
    return '<p class="missing" lang="en">no featured image in this payload</p>'


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    """A WordPress post: title, meta, featured image if sent, excerpt, content, tags."""
    excerpt = clean(str(data.get("excerpt", "")), BLOG)
    terms = "".join(f"<li>{esc(t)}</li>" for t in data.get("tags", ()) or ())
    cats = ", ".join(esc(c) for c in data.get("categories", ()) or ())
    return (f'<article class="wordpress"><h3 class="wp-title">{esc(data.get("title", ""))}</h3>'
            f'<p class="meta" lang="en">{esc(data.get("status", ""))} · '
            f'{esc(data.get("date_gmt", ""))} UTC'
            f' · /{esc(data.get("slug", ""))}/ · in {cats or "no category"}</p>'
            f'{featured(data.get("cover"))}<div class="excerpt"><span class="sr" lang="en">'
            f"Excerpt: </span>{excerpt}</div>"
            f'<div class="wp-content">{clean(str(data.get("content", "")), BLOG)}</div>'
            f'<ul class="tags" aria-label="tags">{terms}</ul>{seo_canonical(data)}</article>')


def seo_canonical(data: Mapping[str, Any]) -> str:
    """The canonical URL the adapter also sets in Yoast SEO or Rank Math, when the site's
    REST index shows one of them active (the preview cannot know which, offline)."""
    url = data.get("canonical_url")
    if not url:
        return ""
    return (f'<p class="meta" lang="en">SEO canonical URL (Yoast SEO or Rank Math, if the site '
            f'runs one): <a href="{esc(url)}">{esc(url)}</a></p>')
