"""How the preview draws a Slack message: header, mrkdwn section (links as Slack shows
them), the image block; and the plain note that it can never be edited."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from syndicate.adapter import Capabilities

CSS = """
.slack{border:1px solid #ddd;border-radius:6px;padding:10px 14px;max-width:600px;
  font-family:system-ui,sans-serif;background:#fff;color:#1d1c1d}
.slack h3{margin:0 0 6px}
.slack p{white-space:pre-wrap}
.slack a{color:#1264a3}
.slack img{max-width:100%;border-radius:4px}
.slack .note{color:#616061;font-size:.85em}
"""
LINK = re.compile(r"<([^|>]+)\|([^>]+)>")


def mrkdwn_html(text: str) -> str:
    """Slack's escapes undone for display, ``<url|label>`` drawn as a link."""
    out, at = [], 0
    for match in LINK.finditer(text):
        out.append(html.escape(slack_plain(text[at:match.start()])))
        out.append(f'<a href="{html.escape(slack_plain(match.group(1)))}">'
                   f"{html.escape(slack_plain(match.group(2)))}</a>")
        at = match.end()
    out.append(html.escape(slack_plain(text[at:])))
    return "".join(out)


def slack_plain(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    parts = []
    for block in (data.get("message") or {}).get("blocks") or ():
        kind = block.get("type")
        if kind == "header":
            parts.append(f'<h3>{html.escape(str(block["text"]["text"]))}</h3>')
        elif kind == "section" and block.get("text"):
            parts.append(f'<p>{mrkdwn_html(str(block["text"]["text"]))}</p>')
        elif kind == "image" and str(block.get("image_url", "")).startswith(("http://", "https://")):
            parts.append(f'<img src="{html.escape(str(block["image_url"]))}" '
                         f'alt="{html.escape(str(block.get("alt_text", "")))}">')
    return (f'<article class="slack">{"".join(parts)}<p class="note" lang="en">Slack incoming '
            f"webhooks cannot edit a message once sent.</p></article>")
