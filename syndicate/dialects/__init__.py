"""Conversions from canonical HTML to each platform dialect, shared by all adapters.

- ``html``: full HTML for WordPress and Ghost
- ``markdown``: Markdown for Medium, dev.to, Hashnode (markdownify)
- ``telegram``: Telegram's HTML subset, and splitting under its length limit
- ``telegraph``: Telegraph node trees
- ``text``: plain text
- ``fit``: counting length in every unit a platform uses, and cutting to fit
"""
