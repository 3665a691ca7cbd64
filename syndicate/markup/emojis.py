"""Hugo's ``enableEmoji``: emoji shorthand (``:smile:``) in a post becomes the emoji.

Hugo 0.111 does this to the whole rendered page, code included (the corpus' emoji post shows
``<code>:see_no_evil:</code>`` as 🙈 on its live site), so the built-in renderer does the same,
with the ``emoji`` package's GitHub-style aliases, the set Hugo's table comes from.
"""

from __future__ import annotations

import emoji


def emojify(html: str) -> str:
    return emoji.emojize(html, language="alias") if ":" in html else html
