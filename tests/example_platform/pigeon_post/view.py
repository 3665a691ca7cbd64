"""How the preview draws a pigeon's note: a paper slip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syndicate.adapter import Capabilities
from syndicate.preview_site.views import counter, esc, find_limit

CSS = ".pigeon-slip { background: #fdf6e3; border: 1px dashed #93a1a1; padding: .5rem; }\n"


def view(data: Mapping[str, Any], caps: Capabilities) -> str:
    text = str((data.get("note") or {}).get("text", ""))
    return (f'<p class="pigeon-slip">{esc(text)}</p>'
            f'{counter(text, find_limit(caps, "note.text"))}')
