"""Embedded players and gists as links: the one form every platform shows.

A YouTube iframe, a ``<video>`` in a figure or a gist's script is dropped or left empty by
most platforms (Medium's Markdown, Telegram, plain text), so a cross-post would lose it
without a word. A link to the page that plays it (``youtube.com/watch?v=…``, not the
``/embed/`` player) survives everywhere, and WordPress turns a bare one into its own embed.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Tag

PLAYERS = frozenset({"iframe", "video", "audio"})
WATCH_URLS = (
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
     "https://www.youtube.com/watch?v={}"),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
)


def watch_url(url: str) -> str:
    """The page a person opens for an embedded player's URL (the URL itself otherwise)."""
    for pattern, template in WATCH_URLS:
        match = pattern.match(url)
        if match:
            return template.format(match.group(1))
    return url


def link_html(url: str, label: str = "") -> str:
    """A paragraph holding one link to ``url``, labelled ``label`` or the URL itself."""
    href = html.escape(url, quote=True)
    return f'<p><a href="{href}">{html.escape(label or url)}</a></p>'


def youtube(video: str, title: str = "") -> str:
    return link_html(f"https://www.youtube.com/watch?v={video}", title)


def vimeo(video: str, title: str = "") -> str:
    return link_html(f"https://vimeo.com/{video}", title)


def gist(user_and_id: str, file: str = "") -> str:
    url = f"https://gist.github.com/{user_and_id.strip('/')}"
    return link_html(url + (f"#file-{file.replace('.', '-')}" if file else ""))


def tweet(url: str) -> str:
    return link_html(url)


def player_source(tag: Tag) -> str:
    src = str(tag.get("src") or "").strip()
    if not src:
        source = tag.find("source", src=True)
        src = str(source["src"]).strip() if isinstance(source, Tag) else ""
    return src


def player_to_link(tag: Tag, soup: BeautifulSoup) -> None:
    """Replace an iframe/video/audio by a paragraph with a link to what it plays; a player
    with no source at all plays nothing and goes."""
    src = player_source(tag)
    if not src.startswith(("http://", "https://")):
        tag.decompose()
        return
    url = watch_url(src)
    link = soup.new_tag("a", href=url)
    link.string = str(tag.get("title") or "").strip() or url
    if tag.parent is not None and tag.parent.name in ("p", "a", "li", "td", "th"):
        tag.replace_with(link)
        return
    paragraph = soup.new_tag("p")
    paragraph.append(link)
    tag.replace_with(paragraph)
