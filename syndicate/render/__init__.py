"""The generator renderer: a post's body as the site's own Jekyll or Hugo renders it.

``[site] render = "generator"`` makes syndicate build the site once per run in a
content-only form (every layout replaced by one that prints just the post's content) in a
temporary folder, never touching the user's tree or its ``_site``/``public``. The site's
own includes, plugins, shortcodes and theme then run exactly as on the live site.
``builtin`` (the default) is syndicate's own Markdown/Liquid/shortcode renderer.
"""

from __future__ import annotations

RENDERERS = ("builtin", "generator")

__all__ = ["RENDERERS"]
