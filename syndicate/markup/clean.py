"""The HTML pass after Markdown: absolute URLs, and nothing that only works on the site.

Scripts, styles and empty widget blocks (like a donate button that a script fills in
on the author's site) never reach a platform; comments go too, except syndicate's own
region markers, which ``syndicate.tailor`` needs per platform.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, Tag
from bs4.exceptions import ParserRejectedMarkup

from syndicate.markup.embeds import PLAYERS, player_to_link

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


def is_relative(url: str) -> bool:
    """A path the author wrote relative to the post (``pic.png``, ``../img/x.png``)."""
    return bool(url) and not url.startswith(("/", "#", "?")) and ":" not in url.split("/", 1)[0]


def no_report(_fragment: str, _message: str) -> None:
    return None


def clean(html: str, page_url: str, site_url: str, *,
          resolve: Callable[[str], str | None] | None = None,
          report: Callable[[str, str], None] = no_report) -> tuple[BeautifulSoup, str | None]:
    """Cleaned tree and the first image's absolute URL.

    A relative media path is first looked up as a file of the site (``resolve``: the page
    bundle, the static folder, the Jekyll source), since the post's URL may sit in date
    folders the author never saw; only if no such file exists is it resolved against the
    page URL as a browser would, with a ``report``. An element left without its URL (an
    image with an empty ``src``, a link with an empty ``href``) is never sent: the image
    is dropped and the link becomes its text, each with a ``report``. Embedded players
    become links (``syndicate.markup.embeds``), which every platform can show.

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
            written = str(tag[attr]).strip()
            value = resolve(written) if resolve is not None and tag.name != "a" \
                and is_relative(written) else None
            if value is None:
                value = absolute(written, page_url, site_url)
                if resolve is not None and tag.name != "a" and is_relative(written):
                    report(written, f"{tag.name} {written!r} is not a file of the site; "
                                    f"sent as {value}, as a browser would resolve it")
            if value.startswith("javascript:"):
                del tag[attr]
            else:
                tag[attr] = value
        elif tag.name == "img":
            report(str(tag.get("alt") or ""), f"dropped an image with no source "
                                              f"(alt {str(tag.get('alt') or '')!r})")
            tag.decompose()
            continue
        elif tag.name == "a" and "href" in tag.attrs and not str(tag["href"]).strip():
            report(tag.get_text(), f"link {tag.get_text()!r} has no target; sent as text")
            tag.unwrap()
            continue
        for name in list(tag.attrs):
            if name.startswith("on") or name == "markdown":  # kramdown's switch, not HTML
                del tag[name]
        if tag.name == "img" and tag.get("srcset"):
            del tag["srcset"]
    for tag in tags:
        if tag.name in PLAYERS and not decomposed(tag):
            player_to_link(tag, soup)
    for tag in reversed([tag for tag in tags if tag.name in BLOCKS]):
        # Inside <pre>, an "empty" span is a highlighted blank line, not a widget.
        if not decomposed(tag) and is_empty_widget(tag) and tag.find_parent("pre") is None:
            tag.decompose()
    first = next((node for node in soup.descendants if isinstance(node, Tag) and node.name == "img"
                  and node.get("src") is not None), None)
    return soup, (str(first["src"]) if first else None)
