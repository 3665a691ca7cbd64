"""Canonical HTML → the restricted HTML a WeChat Official Account article keeps.

What WeChat does to an article's HTML (its own docs, and what editors such as doocs/md
and mdnice work around): scripts are removed, ``<style>`` blocks and classes do not
render (only inline ``style`` does), images must be on WeChat's own servers (uploaded
through ``media/uploadimg``; others are filtered out), and links may point only at
``mp.weixin.qq.com`` articles. Rather than let WeChat drop things silently, this does
it first and says what it did: other links become numbered footnotes with the address
in plain text, images WeChat cannot take become their alt text, embedded media and
forms go, classes and ids go, and the few elements that need it get inline styles.

Images that can be uploaded keep their site URL and are listed; the adapter uploads each
and swaps in the URL WeChat returns (``swap_images``), so the payload stays pure and
identical for every run, and a preview can still show the pictures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment
from bs4.element import NavigableString

from syndicate.dialects.html import to_full_html
from syndicate.dialects.write import write

IMG_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")', re.IGNORECASE)
ALLOWED_LINK_HOSTS = ("mp.weixin.qq.com",)
REMOVED = ("script", "style", "iframe", "video", "audio", "embed", "object", "form", "input",
           "button", "select", "textarea", "noscript", "template", "svg", "canvas", "link",
           "meta", "source", "picture")
KEPT_ATTRS = {"a": ("href",), "img": ("src", "alt"), "td": ("colspan", "rowspan"),
              "th": ("colspan", "rowspan"), "ol": ("start",)}
STYLES = {
    "pre": "white-space:pre-wrap;word-break:break-all;overflow-x:auto;background:#f6f8fa;"
           "padding:12px;border-radius:4px;font-size:13px;line-height:1.6;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:90%;background:#f6f8fa;"
            "padding:1px 4px;border-radius:3px;",
    "blockquote": "margin:1em 0;padding:0 1em;border-left:4px solid #ddd;color:#666;",
    "img": "max-width:100%;height:auto;",
    "table": "border-collapse:collapse;",
    "th": "border:1px solid #ddd;padding:4px 8px;",
    "td": "border:1px solid #ddd;padding:4px 8px;",
}
BACKLINKS = frozenset({"footnote-backref", "reversefootnote"})
"""Classes of a footnote's link back to its reference (markdown-it, kramdown)."""
FOOTNOTE_STYLE = "font-size:12px;color:#888;"


@dataclass
class WeChatHtml:
    html: str
    images: list[str] = field(default_factory=list)
    """Site URLs of the images to upload, in the order they appear."""
    notices: list[str] = field(default_factory=list)


def link_allowed(href: str) -> bool:
    host = (urlsplit(href).hostname or "").lower()
    return urlsplit(href).scheme in ("http", "https") and host in ALLOWED_LINK_HOSTS


def to_wechat_html(html: str, uploadable: Callable[[str], bool], page_url: str = "",
                   footnote_title: str = "链接") -> WeChatHtml:
    """``html`` as WeChat keeps it; ``uploadable(url)`` says whether an image can be sent
    (a file of the site in a type uploadimg takes). Links within ``page_url`` (footnote
    references) keep their text and lose the link; footnote back-links go."""
    soup = BeautifulSoup(to_full_html(html), "html.parser")
    out = WeChatHtml("")
    removed: dict[str, int] = {}
    for node in [n for n in soup.descendants if isinstance(n, Comment)]:
        node.extract()
    for tag in [t for t in soup.find_all(True) if t.name in REMOVED]:
        if tag.decomposed:
            continue
        removed[tag.name] = removed.get(tag.name, 0) + 1
        tag.decompose()
    for name, number in sorted(removed.items()):
        out.notices.append(f"{number} <{name}> element(s) removed: WeChat articles cannot "
                           "hold them")
    dropped_images: list[str] = []
    for img in soup.find_all("img"):
        src = str(img.get("src") or "")
        if src and uploadable(src):
            if src not in out.images:
                out.images.append(src)
            continue
        dropped_images.append(src)
        alt = str(img.get("alt") or "").strip()
        img.replace_with(NavigableString(f"[图片：{alt}]" if alt else "[图片]"))
    if dropped_images:
        out.notices.append(
            f"{len(dropped_images)} image(s) shown as their alt text: WeChat filters out images "
            "not uploaded to it, and only the site's own JPG/PNG files are uploaded "
            f"({', '.join(dropped_images[:3])}{'…' if len(dropped_images) > 3 else ''})")
    notes: list[str] = []
    for link in soup.find_all("a"):
        href = str(link.get("href") or "")
        if href and link_allowed(href):
            continue
        classes = set(link.get("class") or ())
        if classes & BACKLINKS:
            link.decompose()
            continue
        if not href or href.startswith("#") or (page_url and href.startswith(page_url + "#")):
            link.unwrap()
            continue
        if href not in notes:
            notes.append(href)
        number = notes.index(href) + 1
        marker = soup.new_tag("sup")
        marker.string = f"[{number}]"
        link.insert_after(marker)
        link.unwrap()
    if notes:
        out.notices.append(f"{len(notes)} link(s) became footnotes: WeChat allows links only to "
                           "mp.weixin.qq.com articles")
        heading = soup.new_tag("p", attrs={"style": FOOTNOTE_STYLE})
        heading.string = f"{footnote_title}："
        soup.append(heading)
        for number, href in enumerate(notes, 1):
            line = soup.new_tag("p", attrs={"style": FOOTNOTE_STYLE + "word-break:break-all;"})
            line.string = f"[{number}] {href}"
            soup.append(line)
    for tag in soup.find_all(True):
        keep = KEPT_ATTRS.get(tag.name, ())
        tag.attrs = {k: v for k, v in tag.attrs.items() if k in keep or k == "style"}
        style = STYLES.get(tag.name)
        if tag.name == "code" and tag.parent is not None and tag.parent.name == "pre":
            style = "font-family:Menlo,Consolas,monospace;"
        if style and "style" not in tag.attrs:
            tag["style"] = style
    out.html = write(soup).strip() + "\n"
    return out



def swap_images(html: str, uploaded: dict[str, str]) -> str:
    """``html`` with every image whose URL is in ``uploaded`` pointing at its upload."""
    def swap(match: re.Match[str]) -> str:
        url = unescape(match.group(2))
        return match.group(1) + escape(uploaded.get(url, url), quote=True) + match.group(3)

    return IMG_SRC.sub(swap, html)
