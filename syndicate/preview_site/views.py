"""The preview's drawing kit, and the dispatch to each platform's own view.

Every view reads ``payload.data`` only: a second conversion from the Post would let the
preview drift from what really goes out. A platform draws itself in ``view.py`` in its
folder (found through the registry, see ``syndicate.folders``), using the helpers here;
a platform without one is drawn as a generic card of the texts its limits name.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

from syndicate.adapter import Capabilities, Limit, values_at
from syndicate.preview_site.warnings import count

__all__ = ["card", "counter", "esc", "find_limit", "is_web_url", "platform_css", "render"]


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def is_web_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


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
    """The limit the adapter declares for ``field`` (a ``Limit.field`` path), if any."""
    if caps is None:
        return None
    return next((limit for limit in caps.limits if limit.field == field), None)


def card(data: Mapping[str, Any], caps: Capabilities | None) -> str:
    """A platform without a view: each text its limits name, with its counter, any media.

    With no declared limit to say which field is the text, the payload is shown whole
    (as JSON): the preview shows what is sent, never a guess at what matters.
    """
    texts = [(limit, text) for limit in (caps.limits if caps else ())
             for text in values_at(data, limit.field)]
    media = [s for s in data.get("images", ()) or () if is_web_url(s)]
    images = "".join(f'<img src="{esc(s)}" alt="attached image: {esc(s)}">' for s in media)
    if not texts:
        dump = json.dumps(data, ensure_ascii=False, indent=1, default=str)
        return f'<div class="card"><pre class="card-text">{esc(dump)}</pre>{images}</div>'
    body = "".join(f'<p class="card-text">{esc(text)}</p>{counter(text, limit)}'
                   for limit, text in texts)
    return f'<div class="card">{body}{images}</div>'


def render(platform: str, data: Mapping[str, Any], caps: Capabilities | None) -> str:
    """The rendering for ``platform``: its folder's view, or the generic card."""
    from syndicate.folders import view_of

    view, _css = view_of(platform)
    if view is None or caps is None:
        return card(data, caps)
    return view(data, caps)


def platform_css(platforms: Iterable[str]) -> str:
    """The styles the views of ``platforms`` bring, each once."""
    from syndicate.folders import view_of

    return "".join(view_of(p)[1] for p in dict.fromkeys(platforms))
