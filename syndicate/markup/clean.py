"""The HTML pass after Markdown: absolute URLs, and nothing that only works on the site.

Scripts, styles and empty widget blocks (like a donate button that a script fills in
on the author's site) never reach a platform; comments go too, except syndicate's own
region markers, which ``syndicate.tailor`` needs per platform.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, Tag
from bs4.exceptions import ParserRejectedMarkup

DROP = ("script", "style", "noscript", "template", "link", "meta")
MEDIA = ("img", "video", "audio", "iframe", "embed", "object", "svg", "picture", "source", "hr",
         "br", "input")
URL_ATTRS = {"a": "href", "img": "src", "source": "src", "video": "src", "audio": "src",
             "iframe": "src", "embed": "src"}
MARKER = re.compile(r"^\s*syndicate:(on|off)\b")
MARKED_SECTION = re.compile(r"<!\[")
KEEP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:")
BLOCKS = frozenset({"div", "center", "span", "p", "section", "aside", "figure"})
"""Elements that, left empty (no text, no media), are a widget a site script would fill."""


def absolute(url: str, page_url: str, site_url: str) -> str:
    url = url.strip()
    if not url or url.startswith(KEEP_SCHEMES):
        return url
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/"):
        return site_url + url
    return urljoin(page_url, url)


def decomposed(tag: Tag) -> bool:
    """``tag.decomposed`` without its cost: on a live tag bs4's property falls through to
    ``Tag.__getattr__``, which searches the whole subtree for a tag named ``_decomposed``."""
    return bool(vars(tag).get("_decomposed"))


def is_empty_widget(tag: Tag) -> bool:
    # Text first: most blocks have some, and the media search is the dearer test.
    if tag.name in MEDIA or tag.get_text(strip=True):
        return False
    return tag.find(MEDIA) is None


def clean(html: str, page_url: str, site_url: str) -> tuple[BeautifulSoup, str | None]:
    """Cleaned tree and the first image's absolute URL.

    The tree is walked with plain ``descendants`` loops rather than ``find_all``: bs4's
    matching machinery cost more than the parse itself here, for simple name tests.
    """
    try:
        soup = BeautifulSoup(html, "html.parser")
    except ParserRejectedMarkup:
        # Python's HTML parser gives up on a stray "<![" (raw HTML in Markdown passes it
        # through); as text it is what the author typed, and one odd post must not stop a run.
        soup = BeautifulSoup(MARKED_SECTION.sub("&lt;![", html), "html.parser")
    for tag in [node for node in soup.descendants if isinstance(node, Tag) and node.name in DROP]:
        tag.decompose()
    nodes = list(soup.descendants)
    for comment in [node for node in nodes if isinstance(node, Comment)]:
        if not MARKER.match(str(comment)):
            comment.extract()
    tags = [node for node in nodes if isinstance(node, Tag)]
    for tag in tags:
        if decomposed(tag):
            continue
        attr = URL_ATTRS.get(tag.name)
        if attr and tag.get(attr):
            value = absolute(str(tag[attr]), page_url, site_url)
            if value.startswith("javascript:"):
                del tag[attr]
            else:
                tag[attr] = value
        for name in list(tag.attrs):
            if name.startswith("on"):
                del tag[name]
        if tag.name == "img" and tag.get("srcset"):
            del tag["srcset"]
    for tag in reversed([tag for tag in tags if tag.name in BLOCKS]):
        # Inside <pre>, an "empty" span is a highlighted blank line, not a widget.
        if not decomposed(tag) and is_empty_widget(tag) and tag.find_parent("pre") is None:
            tag.decompose()
    first = next((node for node in soup.descendants if isinstance(node, Tag) and node.name == "img"
                  and node.get("src") is not None), None)
    return soup, (str(first["src"]) if first else None)
