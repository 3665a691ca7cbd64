"""How the preview draws a Discord webhook message: content above an embed with its
coloured edge, linked title, description, image and timestamp."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from syndicate.adapter import Capabilities

CSS = """
.discord{background:#313338;color:#dbdee1;padding:12px 16px;border-radius:6px;max-width:560px;
  font-family:system-ui,sans-serif}
.discord .embed{border-left:4px solid #5865f2;background:#2b2d31;border-radius:4px;padding:8px 12px;
  margin-top:6px}
.discord .embed a{color:#00a8fc;font-weight:600;text-decoration:none}
.discord .embed p{white-space:pre-wrap}
.discord .embed img{max-width:100%;border-radius:4px}
.discord .when{color:#949ba4;font-size:.8em}
"""


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    message = data.get("message") or {}
    embeds = []
    for embed in message.get("embeds") or ():
        image = (embed.get("image") or {}).get("url")
        picture = (f'<img src="{html.escape(image)}" alt="embed image">'
                   if isinstance(image, str) and image.startswith(("http://", "https://")) else "")
        embeds.append(
            f'<div class="embed"><a href="{html.escape(str(embed.get("url", "")))}">'
            f'{html.escape(str(embed.get("title", "")))}</a>'
            f'<p>{html.escape(str(embed.get("description", "")))}</p>{picture}'
            f'<span class="when">{html.escape(str(embed.get("timestamp", "")))}</span></div>')
    content = html.escape(str(message.get("content", "")))
    sizes = sum(len(str(e.get(k, "")).strip()) for e in message.get("embeds") or ()
                for k in ("title", "description"))
    return (f'<article class="discord"><p>{content}</p>{"".join(embeds)}'
            f'<p class="counter {"over" if sizes > 6000 else "ok"}" lang="en">{sizes} / 6000 '
            f"code points in embeds</p></article>")
