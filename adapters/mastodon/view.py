"""How the preview draws a Mastodon status: content warning, text with links, the
attached cover with its alt text, and the count as Mastodon makes it (URLs as 23)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from syndicate.adapter import Capabilities
from syndicate.dialects.fit import URL, count

CSS = """
.toot{border:1px solid #c0cdd9;border-radius:8px;padding:12px 14px;max-width:580px;
  font-family:system-ui,sans-serif;background:#fff;color:#282c37}
.toot .toot-text{white-space:pre-wrap;margin:0 0 8px}
.toot a{color:#595aff}
.toot .cw{font-weight:600;border-bottom:1px dashed #c0cdd9;margin:0 0 8px}
.toot img{max-width:100%;border-radius:6px}
.toot .visibility{color:#606984;font-size:.85em}
"""


def linked(text: str) -> str:
    out, at = [], 0
    for match in URL.finditer(text):
        out.append(html.escape(text[at:match.start()]))
        url = html.escape(match.group())
        out.append(f'<a href="{url}">{url}</a>')
        at = match.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    status = data.get("status") or {}
    text, spoiler = str(status.get("status", "")), str(status.get("spoiler_text", ""))
    limit = caps.limits[0] if caps.limits else None
    used = count(spoiler + text, limit.unit, url_length=limit.url_length) if limit else 0
    counter = (f'<p class="counter {"over" if limit and used > limit.maximum else "ok"}" lang="en">'
               f"{used} / {limit.maximum} {limit.unit.value} (URLs count "
               f"{limit.url_length})</p>") if limit else ""
    media = data.get("media") or {}
    image = ""
    if isinstance(media.get("file"), str) and media["file"].startswith(("http://", "https://")):
        image = (f'<img src="{html.escape(media["file"])}" '
                 f'alt="{html.escape(str(media.get("description") or ""))}">')
    cw = f'<p class="cw">CW: {html.escape(spoiler)}</p>' if spoiler else ""
    return (f'<article class="toot">{cw}<p class="toot-text">{linked(text)}</p>{image}'
            f'<p class="visibility">{html.escape(str(status.get("visibility", "")))}</p>'
            f"{counter}</article>")
