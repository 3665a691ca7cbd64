"""How the preview draws a Telegram payload: a chat of bubbles, then any Telegraph page.

Each bubble shows the very caption or text the Bot API will parse (cleaned to the
Telegram HTML subset), its photo, its link preview card, and a counter against the
limit the adapter declares for that field, in send order.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from syndicate.adapter import Capabilities
from syndicate.dialects.telegram import plain
from syndicate.preview_site.sanitize import BLOG, TELEGRAM_HTML, clean
from syndicate.preview_site.views import counter, esc, find_limit, is_web_url

CSS = """\
.chat { background: #d5e6c9; padding: .75rem; border-radius: 8px; display: grid; gap: .6rem; }
.bubble { background: #fff; border-radius: 12px 12px 12px 2px; max-width: 100%; overflow: hidden;
  box-shadow: 0 1px 1px rgba(0,0,0,.15); }
.bubble .photo { display: block; width: 100%; }
.tg-text { white-space: pre-wrap; padding: .5rem .75rem; }
.tg-text blockquote { border-left: 3px solid #2a7ab0; margin: .25rem 0; padding-left: .5rem; }
.tg-spoiler { background: #3f3f46; color: #3f3f46; border-radius: 3px; }
.tg-spoiler:hover, .tg-spoiler:focus { color: #fff; }
.link-preview {
  margin: 0 .75rem .5rem;
  padding: .25rem .5rem;
  border-left: 3px solid #2a7ab0;
  font-size: .85rem;
  color: #374151;
}
.counter {
  margin: 0;
  padding: .15rem .75rem .4rem;
  text-align: right;
  font-size: .8rem;
  color: #374151;
}
.counter.over { color: #b91c1c; font-weight: 700; }
"""


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    """Each message as a chat bubble, in send order; photo above its caption."""
    bubbles = []
    messages: Sequence[Mapping[str, Any]] = data.get("messages", ()) or ()
    for number, message in enumerate(messages, 1):
        params = message.get("params") or {}
        field = "caption" if "caption" in params else "text"
        body = str(params.get(field, ""))
        photo = params.get("photo")
        figure = ""
        if is_web_url(photo):
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
        limit = find_limit(caps, f"messages[].params.{field}")
        bubbles.append(
            f'<div class="bubble" role="group" aria-label="{esc(label)}">{figure}'
            f'<div class="tg-text">{clean(body, TELEGRAM_HTML)}</div>{card}'
            f"{counter(plain(body), limit)}</div>")
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
