"""Embedded players and gists as links: the one form every platform shows.

A YouTube iframe, a ``<video>`` in a figure or a gist's script is dropped or left empty by
most platforms (Medium's Markdown, Telegram, plain text), so a cross-post would lose it
without a word. A link survives everywhere: to the video's page where we build it from an
id (``youtube.com/watch?v=…``), to the player's own URL where the post embeds a player,
except a YouTube or Vimeo player, whose video page is known from its URL: the link goes
there, as the built-in renderer's does (a bare ``/embed/`` page has no title or context).
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Tag

PLAYERS = frozenset({"iframe", "video", "audio"})
PLAYER_HOSTS = re.compile(r"^https?://(?:www\.)?(?:youtube(?:-nocookie)?\.com|youtu\.be|"
                          r"player\.vimeo\.com|vimeo\.com|player\.bilibili\.com)/", re.I)
"""Addresses that are a video's player or page (an include given one is an embed)."""
PLAYER_PAGES = (
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
     "https://www.youtube.com/watch?v={}"),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
)


def video_page(src: str) -> str:
    """The page a YouTube or Vimeo player shows its video on; any other player's own URL."""
    for pattern, page in PLAYER_PAGES:
        found = pattern.match(src)
        if found:
            return page.format(found.group(1))
    return src

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
    url = video_page(src)  # else the player's own URL: it plays in any browser
    link = soup.new_tag("a", href=url)
    link.string = str(tag.get("title") or "").strip() or url
    if tag.parent is not None and tag.parent.name in ("p", "a", "li", "td", "th"):
        tag.replace_with(link)
        return
    paragraph = soup.new_tag("p")
    paragraph.append(link)
    tag.replace_with(paragraph)


GIST_SCRIPT = re.compile(r'<script[^>]*src="(https://gist\.github\.com/[^"]+?)\.js(?:\?file=([^"]+))?"'
                         r'[^>]*>\s*</script>')


def gist_scripts_to_links(html: str) -> str:
    """A gist written as its ``<script>`` (raw HTML in a post, or a generator's output) is a
    script on the site; platforms run none, so it travels as a link to the gist."""

    def link(match: re.Match[str]) -> str:
        url = match.group(1) + (f"#file-{match.group(2)}" if match.group(2) else "")
        return f'<p><a href="{url}">{url}</a></p>'

    return GIST_SCRIPT.sub(link, html) if "gist.github.com" in html else html
