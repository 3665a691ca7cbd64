"""How the preview draws a Bluesky post: the text with its facets as links and tags,
the grapheme and byte counters, and the link card (thumbnail, title, description, host)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from syndicate.adapter import Capabilities
from syndicate.dialects.fit import count

CSS = """
.skeet{border:1px solid #d4dbe2;border-radius:12px;padding:12px 14px;max-width:600px;
  font-family:system-ui,sans-serif;background:#fff;color:#0b0f14}
.skeet .skeet-text{white-space:pre-wrap;margin:0 0 10px}
.skeet .facet-link,.skeet .facet-tag{color:#1083fe;text-decoration:none}
.skeet .skeet-card{border:1px solid #d4dbe2;border-radius:8px;overflow:hidden}
.skeet .skeet-card img{width:100%;display:block;max-height:300px;object-fit:cover}
.skeet .skeet-card .meta{padding:8px 10px}
.skeet .skeet-card .host{color:#6f869f;font-size:.85em}
"""


def text_with_facets(text: str, facets: Any) -> str:
    """The text as sent, each facet's UTF-8 byte range drawn as what it is."""
    data = text.encode("utf-8")
    spans = sorted(((f["index"]["byteStart"], f["index"]["byteEnd"], f["features"][0])
                    for f in facets or ()), key=lambda s: s[0])
    out, at = [], 0
    for start, end, feature in spans:
        if start < at or end > len(data):
            continue
        out.append(html.escape(data[at:start].decode("utf-8", "replace")))
        piece = html.escape(data[start:end].decode("utf-8", "replace"))
        if str(feature.get("$type", "")).endswith("#link"):
            out.append(f'<a class="facet-link" href="{html.escape(str(feature.get("uri")))}">{piece}</a>')
        else:
            out.append(f'<span class="facet-tag">{piece}</span>')
        at = end
    out.append(html.escape(data[at:].decode("utf-8", "replace")))
    return "".join(out)


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    record = data.get("record") or {}
    text = str(record.get("text", ""))
    counters = "".join(
        f'<p class="counter {"over" if count(text, lim.unit) > lim.maximum else "ok"}" lang="en">'
        f"{count(text, lim.unit)} / {lim.maximum} {lim.unit.value}</p>" for lim in caps.limits)
    card = ""
    external = (record.get("embed") or {}).get("external")
    if isinstance(external, dict):
        thumb = data.get("thumb")
        image = (f'<img src="{html.escape(str(thumb))}" alt="card thumbnail">'
                 if isinstance(thumb, str) and thumb.startswith(("http://", "https://")) else "")
        card = (f'<div class="skeet-card">{image}<div class="meta">'
                f'<strong>{html.escape(str(external.get("title", "")))}</strong>'
                f'<p>{html.escape(str(external.get("description", "")))}</p>'
                f'<span class="host">{html.escape(urlsplit(str(external.get("uri", ""))).netloc)}'
                f"</span></div></div>")
    return (f'<article class="skeet"><p class="skeet-text">'
            f'{text_with_facets(text, record.get("facets"))}</p>{card}{counters}</article>')
