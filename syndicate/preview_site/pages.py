"""The preview site's pages: an index of posts × platforms and one page per post.

Pages are plain HTML5 with landmarks (header, nav, main, footer), headings in order and
the post's language on the page so screen readers and fonts pick the right script;
the interface's own words carry ``lang="en"``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from syndicate.adapter import Capabilities
from syndicate.preview_site.style import CSS
from syndicate.preview_site.views import esc, platform_css, render
from syndicate.preview_site.warnings import Alert

KIND_LABEL = {"truncated": "Truncated", "markup": "Removed markup", "image": "Image",
              "tags": "Tags dropped", "limit": "Over limit", "platform": "Platform",
              "blocked": "Blocked", "uncertain": "Uncertain"}


def page_name(post_key: str) -> str:
    """A file name for a post's page: stable, ASCII, safe on every filesystem."""
    return f"post-{hashlib.sha256(post_key.encode('utf-8')).hexdigest()[:16]}.html"


@dataclass(frozen=True)
class Column:
    """One platform's part of a post page."""

    item: Any
    """The PreviewItem."""
    alerts: list[Alert]
    action: str


def document(title: str, lang: str, body: str, css: str = "") -> str:
    return (f'<!doctype html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<meta name=\"referrer\" content=\"no-referrer\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            f"img-src https: http:; style-src 'unsafe-inline'\">\n"
            f"<title>{esc(title)}</title>\n<style>\n{CSS}{css}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def alerts_html(alerts: Sequence[Alert], platform: str) -> str:
    if not alerts:
        return '<p class="no-warnings" lang="en">No warnings.</p>'
    rows = "".join(f'<li class="warning warning-{esc(a.kind)}"><span class="kind">'
                   f"{esc(KIND_LABEL.get(a.kind, a.kind))}:</span> {esc(a.message)}</li>"
                   for a in alerts)
    return (f'<aside class="warnings" lang="en" aria-label="warnings for {esc(platform)}">'
            f"<h3>{plural(len(alerts), 'warning')}</h3><ul>{rows}</ul></aside>")


def requests_html(item: Any) -> str:
    rows = "".join(f"<li>{esc(r.method)} {esc(r.url)}</li>" for r in item.requests)
    return f'<ol class="requests" lang="en" aria-label="requests a push sends">{rows}</ol>'


Caps = Callable[[str], Capabilities | None]


def display(platform: str) -> str:
    """The platform's own spelling of its name, from its adapter's ``about``."""
    from syndicate.registry import available

    cls = available().get(platform)
    return cls.described().title if cls is not None else platform


def post_page(post: Any, columns: Sequence[Column], caps: Caps) -> str:
    lang = post.language or "und"
    sections = []
    for column in columns:
        item = column.item
        sections.append(
            f'<section class="platform platform-{esc(item.platform)}" '
            f'aria-labelledby="h-{esc(item.platform)}">'
            f'<h2 id="h-{esc(item.platform)}" lang="en">{esc(display(item.platform))} '
            f'<span class="action">· {esc(column.action)}</span></h2>'
            f"{alerts_html(column.alerts, item.platform)}{requests_html(item)}"
            f'<div class="rendering" lang="{esc(lang)}">'
            f"{render(item.platform, item.payload.data, caps(item.platform))}</div></section>")
    jumps = "".join(f' · <a href="#h-{esc(c.item.platform)}">{esc(display(c.item.platform))}</a>'
                    for c in columns)
    body = (f'<header class="site" lang="en"><nav aria-label="preview"><a href="index.html">'
            f"All posts</a>{jumps}</nav><p>How this post will look on each platform</p></header>\n"
            f'<main id="main"><h1>{esc(post.title)}</h1>'
            f'<p class="url" lang="en">{esc(post.source_path)} → '
            f'<a href="{esc(post.canonical_url)}">{esc(post.canonical_url)}</a></p>'
            f'<div class="platforms">{"".join(sections)}</div></main>\n'
            f'<footer class="site" lang="en">syndicate preview · nothing has been sent</footer>')
    css = platform_css(c.item.platform for c in columns)
    return document(f"{post.title} · syndicate preview", lang, body, css)


def index_page(posts: Sequence[tuple[Any, Sequence[Column]]], platforms: Sequence[str],
               held: Sequence[Any], errors: Sequence[Any]) -> str:
    head = "".join(f'<th scope="col">{esc(display(p))}</th>' for p in platforms)
    rows = []
    for post, columns in posts:
        by_platform = {c.item.platform: c for c in columns}
        cells = []
        for platform in platforms:
            column = by_platform.get(platform)
            if column is None:
                cells.append("<td>not sent</td>")
                continue
            n = len(column.alerts)
            note = f' <span class="count-warn">{plural(n, "warning")}</span>' if n else ""
            cells.append(f'<td><span class="action">{esc(column.action)}</span>{note}</td>')
        link = f'<a href="{page_name(post.key)}">{esc(post.title)}</a>'
        rows.append(f'<tr><th scope="row" lang="{esc(post.language or "und")}">{link}</th>'
                    f'{"".join(cells)}</tr>')
    held_html = "".join(f'<li><span lang="{esc(p.language or "und")}">{esc(p.title)}</span>: '
                        f"{esc(p.hold or 'held')}</li>" for p in held)
    error_html = "".join(f"<li>{esc(e)}</li>" for e in errors)
    body = (f'<header class="site"><p>syndicate preview · nothing has been sent</p></header>\n'
            f'<main id="main"><h1>Preview: {plural(len(posts), "post")}</h1>'
            f'<div class="table-wrap"><table class="matrix"><caption class="sr">Planned action '
            f"per post and platform</caption><thead><tr><th scope=\"col\">Post</th>{head}</tr>"
            f'</thead><tbody>{"".join(rows)}</tbody></table></div>'
            + (f"<h2>Held back</h2><ul class=\"held\">{held_html}</ul>" if held else "")
            + (f'<h2>Could not be read</h2><ul class="errors">{error_html}</ul>' if errors else "")
            + "</main>\n<footer class=\"site\">Pages show each platform's payload as a push "
            "would send it.</footer>")
    return document("syndicate preview", "en", body)
