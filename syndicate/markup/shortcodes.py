"""The Hugo shortcodes that matter for a cross-post, executed before Markdown.

``figure`` becomes HTML, ``highlight`` a fenced block, ``ref``/``relref`` a URL; the
escaped form ``{{</* x */>}}`` is Hugo's way to print a shortcode literally and is
output as ``{{< x >}}``. Anything else is removed with a notice naming the line.
"""

from __future__ import annotations

import html
import re
import shlex

from syndicate.markup.context import MarkupContext, NoticeSink

ESCAPED = re.compile(r"\{\{([<%])/\*\s*(.*?)\s*\*/([>%])\}\}", re.S)
PAIRED_HIGHLIGHT = re.compile(
    r"\{\{[<%]\s*highlight\s+([\w+#.-]+)[^>%]*[>%]\}\}\n?(.*?)\n?\{\{[<%]\s*/highlight\s*[>%]\}\}",
    re.S)
SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)([\w.-]+)(.*?)[>%]\}\}", re.S)
PLACEHOLDER = "\ue000{}\ue001"
RESTORE = re.compile("\ue000(\\d+)\ue001")


def params(text: str) -> tuple[list[str], dict[str, str]]:
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    positional = [w for w in words if "=" not in w]
    named = dict(w.split("=", 1) for w in words if "=" in w)
    return positional, named


def figure(named: dict[str, str]) -> str:
    src = html.escape(named.get("src", ""), quote=True)
    alt = html.escape(named.get("alt", named.get("caption", "")), quote=True)
    image = f'<img src="{src}" alt="{alt}">'
    if named.get("link"):
        image = f'<a href="{html.escape(named["link"], quote=True)}">{image}</a>'
    caption = named.get("caption") or named.get("title")
    extra = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"\n<figure>{image}{extra}</figure>\n"


def run_shortcodes(body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    literals: list[str] = []

    def keep(match: re.Match[str]) -> str:
        literals.append(f"{{{{{match.group(1)} {match.group(2)} {match.group(3)}}}}}")
        return PLACEHOLDER.format(len(literals) - 1)

    body = ESCAPED.sub(keep, body)

    def highlight(match: re.Match[str]) -> str:
        code = match.group(2)
        fence = "````" if "```" in code else "```"
        return f"{fence}{match.group(1)}\n{code}\n{fence}"

    body = PAIRED_HIGHLIGHT.sub(highlight, body)

    def shortcode(match: re.Match[str]) -> str:
        closing, name, rest = match.groups()
        positional, named = params(rest)
        if not closing and name == "figure":
            return figure(named)
        if not closing and name in ("ref", "relref") and positional:
            url = ctx.resolve_link(name, positional[0])
            if url is not None:
                return url
            sink.add(match.start(), f"could not resolve {name} {positional[0]!r}")
            return ""
        sink.add(match.start(), f"removed unknown shortcode {match.group(0)!r}")
        return ""

    body = SHORTCODE.sub(shortcode, body)
    return RESTORE.sub(lambda m: literals[int(m.group(1))], body)
