"""One platform's look, drawn from the payload a push would send.

Every function here reads ``payload.data`` only: the Telegram bubble shows the very
caption or text the Bot API will parse, the Medium article renders the very Markdown
Medium receives, the WordPress post shows the very HTML the REST API gets. A second
conversion from the Post would let the preview drift from what really goes out.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt

from syndicate.adapter import Capabilities, Limit
from syndicate.preview_site.sanitize import BLOG, TELEGRAM, clean
from syndicate.preview_site.warnings import count, plain_text

SHORT_TEXT_FIELDS = ("status", "text", "content", "caption", "message", "body")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def counter(text: str, limit: Limit | None) -> str:
    """``used / maximum unit`` in the platform's own counting unit."""
    if limit is None:
        return ""
    used = count(text, limit.unit, limit.url_length)
    over = used > limit.maximum
    state = "over" if over else "ok"
    label = "over the limit" if over else "within the limit"
    return (f'<p class="counter {state}" lang="en"><span class="sr">{label}: </span>'
            f"{used} / {limit.maximum} {esc(limit.unit.value)}</p>")


def find_limit(caps: Capabilities | None, field: str) -> Limit | None:
    if caps is None:
        return None
    return next((limit for limit in caps.limits if limit.field == field), None)


def telegram(data: Mapping[str, Any], caps: Capabilities | None) -> str:
    """Each message as a chat bubble, in send order; photo above its caption."""
    bubbles = []
    messages: Sequence[Mapping[str, Any]] = data.get("messages", ()) or ()
    for number, message in enumerate(messages, 1):
        params = message.get("params") or {}
        field = "caption" if "caption" in params else "text"
        body = str(params.get(field, ""))
        photo = params.get("photo")
        figure = ""
        if isinstance(photo, str) and photo.lower().startswith(("http://", "https://")):
            figure = (f'<img class="photo" src="{esc(photo)}" '
                      f'alt="photo sent with this message: {esc(photo)}">')
        elif photo:
            figure = f'<p class="missing" lang="en">photo not shown: {esc(photo)}</p>'
        preview = (params.get("link_preview_options") or {})
        card = ""
        if preview and not preview.get("is_disabled") and preview.get("url"):
            card = (f'<p class="link-preview" lang="en">link preview card for '
                    f'<span class="url">{esc(preview["url"])}</span></p>')
        label = f"message {number} of {len(messages)}: {message.get('method', '')}"
        bubbles.append(
            f'<div class="bubble" role="group" aria-label="{esc(label)}">{figure}'
            f'<div class="tg-text">{clean(body, TELEGRAM)}</div>{card}'
            f"{counter(plain_text(body), find_limit(caps, field))}</div>")
    page = data.get("page")
    if isinstance(page, Mapping):
        bubbles.append(telegraph_page(page))
    return f'<div class="chat">{"".join(bubbles)}</div>'


def telegraph_page(page: Mapping[str, Any]) -> str:
    """The Telegraph page a ``telegraph``-mode post links to, from its node tree."""
    body = clean(nodes_html(page.get("content") or []), BLOG)
    return (f'<article class="telegraph"><h3>{esc(page.get("title", ""))}</h3>'
            f'<p class="byline">{esc(page.get("author_name", ""))}</p>{body}</article>')


def nodes_html(nodes: Any) -> str:
    """Telegraph's Node JSON back to markup (then cleaned like any other HTML)."""
    if isinstance(nodes, str):
        return html.escape(nodes, quote=False)
    if isinstance(nodes, list):
        return "".join(nodes_html(node) for node in nodes)
    if isinstance(nodes, Mapping):
        tag = str(nodes.get("tag", "span"))
        attrs = "".join(f' {esc(k)}="{esc(v)}"' for k, v in (nodes.get("attrs") or {}).items())
        return f"<{esc(tag)}{attrs}>{nodes_html(nodes.get('children') or [])}</{esc(tag)}>"
    return ""


MARKDOWN = MarkdownIt("commonmark", {"html": False})


def medium(data: Mapping[str, Any], caps: Capabilities | None) -> str:
    """Medium's story from the Markdown it is sent (the body starts with ``# title``)."""
    content = str(data.get("content", ""))
    if data.get("contentFormat") == "html":
        body = clean(content, BLOG)
    else:
        body = clean(MARKDOWN.render(content), BLOG)
    tags = "".join(f"<li>{esc(t)}</li>" for t in data.get("tags", ()) or ())
    canonical = data.get("canonicalUrl")
    meta = (f'<p class="meta" lang="en">canonical: <span class="url">{esc(canonical)}</span>'
            f" · {esc(data.get('publishStatus', ''))} · {esc(data.get('license', ''))}</p>"
            if canonical else "")
    title_count = counter(str(data.get("title", "")), find_limit(caps, "title"))
    return (f'<article class="medium">{title_count}'
            f'{body}{meta}<ul class="tags" aria-label="tags">{tags}</ul></article>')


def wordpress(data: Mapping[str, Any], caps: Capabilities | None) -> str:
    """A WordPress post: title, excerpt, featured image if sent, content, categories, tags."""
    featured = data.get("featured_image") or data.get("featured_media_url")
    figure = (f'<img class="featured" src="{esc(featured)}" alt="featured image: {esc(featured)}">'
              if isinstance(featured, str) and featured.lower().startswith(("http://", "https://"))
              else '<p class="missing" lang="en">no featured image in this payload</p>')
    excerpt = clean(str(data.get("excerpt", "")), BLOG)
    terms = "".join(f"<li>{esc(t)}</li>" for t in data.get("tags", ()) or ())
    cats = ", ".join(esc(c) for c in data.get("categories", ()) or ())
    return (f'<article class="wordpress"><h3 class="wp-title">{esc(data.get("title", ""))}</h3>'
            f'<p class="meta" lang="en">{esc(data.get("status", ""))} · '
            f'{esc(data.get("date_gmt", ""))} UTC'
            f' · /{esc(data.get("slug", ""))}/ · in {cats or "no category"}</p>'
            f'{figure}<div class="excerpt"><span class="sr" lang="en">Excerpt: </span>'
            f"{excerpt}</div>"
            f'<div class="wp-content">{clean(str(data.get("content", "")), BLOG)}</div>'
            f'<ul class="tags" aria-label="tags">{terms}</ul></article>')


def card(data: Mapping[str, Any], caps: Capabilities | None) -> str:
    """A short-form post (Mastodon, Bluesky...): text, counter, any media, as plain text."""
    field = next((f for f in SHORT_TEXT_FIELDS if isinstance(data.get(f), str)), None)
    text = str(data.get(field, "")) if field else ""
    media = [s for s in data.get("images", ()) or () if isinstance(s, str)]
    images = "".join(f'<img src="{esc(s)}" alt="attached image: {esc(s)}">' for s in media
                     if s.lower().startswith(("http://", "https://")))
    return (f'<div class="card"><p class="card-text">{esc(text)}</p>{images}'
            f"{counter(text, find_limit(caps, field or ''))}</div>")


def render(platform: str, data: Mapping[str, Any], caps: Capabilities | None) -> str:
    """The rendering for ``platform``; unknown ones get the short-form card."""
    views = {"telegram": telegram, "medium": medium, "wordpress": wordpress}
    if platform not in views:
        from syndicate import registry
        from syndicate.siblings import sibling

        folder = sibling(registry.get(platform), "view") if platform in registry.available() else None
        if folder is not None and caps is not None:
            return str(folder.view(data, caps))
    return views.get(platform, card)(data, caps)
