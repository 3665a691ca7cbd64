"""Site-only parts, per platform: regions, CSS-selector rules and a footer.

The canonical HTML keeps ``<!-- syndicate:off -->…<!-- syndicate:on -->`` markers
(optionally ``<!-- syndicate:off telegram,medium -->`` for some platforms only);
here each platform gets its own copy with those regions dropped, the configured
selectors dropped or replaced, and its footer appended.
"""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
from functools import lru_cache

from bs4 import BeautifulSoup

from syndicate.config import Parts
from syndicate.dialects.tree import parse, serialise
from syndicate.post import Post

REGION = re.compile(r"<!--\s*syndicate:off\b([^>]*?)-->(.*?)(?:<!--\s*syndicate:on\s*-->|$)", re.S)
MARKER = re.compile(r"<!--\s*syndicate:(?:on|off)[^>]*-->\n?")
URL = re.compile(r"https?://[^\s<>\"]+")


def applies(spec: str, platform: str) -> bool:
    names = [n.strip() for n in spec.replace(" ", ",").split(",") if n.strip()]
    return not names or platform in names


def drop_regions(html: str, platform: str) -> str:
    def replace(match: re.Match[str]) -> str:
        return "" if applies(match.group(1), platform) else match.group(2)

    return MARKER.sub("", REGION.sub(replace, html))


def footer_html(template: str, post: Post, site_url: str) -> str:
    text = template.format_map({"canonical_url": post.canonical_url, "title": post.title,
                                "site_url": site_url})
    escaped = htmllib.escape(text)
    linked = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return f"<p>{linked}</p>\n"


@lru_cache(maxsize=4)
def apply_selectors(html: str, drop: tuple[str, ...], replace: tuple[tuple[str, str], ...]) -> str:
    """``html`` with the ``drop`` selectors' elements removed and the ``replace`` ones replaced.

    Every platform of a post usually gets the same regions and rules, so the result is kept
    for the last few inputs (a post's platforms are tailored one after the other). Most
    posts hold nothing the rules select: then the shared read-only tree of ``html`` is only
    serialised, no private copy is parsed to edit, and the dialects that parse the result
    next share that same tree where it is exactly what the result parses to.
    """
    tree = parse(html)
    selectors = (*drop, *(selector for selector, _ in replace))
    if not any(tree.select_one(selector) for selector in selectors):
        return serialise(tree)  # the dialects that parse the result next get this tree
    soup = BeautifulSoup(html, "html.parser")
    for selector in drop:
        for element in soup.select(selector):
            element.decompose()
    for selector, replacement in replace:
        for element in soup.select(selector):
            element.replace_with(BeautifulSoup(replacement, "html.parser"))
    return str(soup)


def tailor(post: Post, platform: str, parts: Parts) -> Post:
    """``post`` as ``platform`` should receive it (pure; the post itself is unchanged)."""
    html = drop_regions(post.html, platform)
    if parts.drop or parts.replace:
        html = apply_selectors(html, tuple(parts.drop), tuple(parts.replace.items()))
    if parts.footer:
        site_url = post.canonical_url.split("/", 3)
        html = html.rstrip() + "\n" + footer_html(parts.footer, post, "/".join(site_url[:3]))
    return dataclasses.replace(post, html=html) if html != post.html else post
