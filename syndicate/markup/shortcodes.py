"""The Hugo shortcodes that matter for a cross-post, executed before Markdown.

``figure`` becomes HTML (its caption rendered as Markdown, as Hugo does), ``highlight`` a
fenced block, ``ref``/``relref`` a URL, ``param`` the page's (or site's) value, the video
and gist embeds links (``syndicate.markup.figures``); a theme's own figure-like shortcode
is read from its parameters. The escaped form ``{{</* x */>}}`` is Hugo's way to print a
shortcode literally and is output as ``{{< x >}}``. An inline shortcode
(``{{< x.inline >}}…{{< /x.inline >}}``) is a Go template written in the post: Hugo prints
nothing for it unless the site sets ``enableInlineShortcodes``; when it does, its text is
kept and its template actions, which only Hugo can run, are left out with a notice.
A theme's paired shortcode with an ``href`` (Congo's ``button``) is a link around its
text, one with a ``summary`` or ``title`` (PaperMod's ``collapse``) shows it before its
text; one that holds a script's data rather than prose (``chart``: Chart.js settings) is
left out whole, with a notice, as the live page shows no text of it either.
Anything else is removed with a notice naming the line; closing tags may be written
``{{< /x >}}`` or ``{{</ x >}}``.
"""

from __future__ import annotations

import html
import re
import shlex

from syndicate.markup.context import MarkupContext, NoticeSink
from syndicate.markup.figures import figure_html, from_params

ESCAPED = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.S)
PAIRED_HIGHLIGHT = re.compile(
    r"\{\{[<%]\s*highlight\s+([\w+#.-]+)[^>%]*[>%]\}\}\n?(.*?)\n?\{\{[<%]\s*/\s*highlight\s*[>%]\}\}",
    re.S)
DIAGRAM = re.compile(
    r"\{\{[<%]\s*(mermaid)\b[^>%]*[>%]\}\}(.*?)\{\{[<%]\s*/\s*mermaid\s*[>%]\}\}", re.S)
"""A theme's diagram shortcode holds the diagram's source: kept as a code block of it."""
INLINE = re.compile(
    r"\{\{([<%])-?\s*([\w./-]+\.inline)\b[^>%]*?-?[>%]\}\}(.*?)"
    r"\{\{[<%]-?\s*/\s*\2\s*-?[>%]\}\}", re.S)
PAIRED = re.compile(
    r"\{\{[<%]-?\s*((?i:chart)\b|[\w.-]+(?=(?:(?!\}\}).)*?\bhref\s*=))((?:(?!\}\}).)*?)-?[>%]\}\}"
    r"(.*?)\{\{[<%]-?\s*/\s*\1\s*-?[>%]\}\}", re.S)
"""A pair :func:`paired_theme_shortcode` may handle: a ``chart``, or one with an ``href``
(only those are looked for, so that a page of icons costs no search for closing tags)."""
SCRIPT_DATA = frozenset({"chart"})
"""Theme shortcodes whose inner text is a script's input (Congo's and Blowfish's Chart.js
``chart``): the reader of the live page sees a drawing, never that text."""
GO_ACTION = re.compile(r"\{\{-?.*?-?\}\}", re.S)
SHORTCODE = re.compile(r"\{\{[<%]-?\s*(/?)\s*([\w./-]+)(.*?)-?[>%]\}\}", re.S)
PLACEHOLDER = "\ue000{}{}\ue001"
"""Stands for a literal until the end; it carries the literal's line breaks, so that a
notice's line number after it is still the source's."""
RESTORE = re.compile("\ue000(\\d+)\n*\ue001")


def params(text: str) -> tuple[list[str], dict[str, str]]:
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    positional = [w for w in words if "=" not in w]
    named = dict(w.split("=", 1) for w in words if "=" in w)
    return positional, named


def figure(named: dict[str, str]) -> str:
    from syndicate.markup import markdown

    caption = named.get("caption") or named.get("title") or ""
    shown = markdown().renderInline(caption) if caption else ""
    return figure_html(named.get("src", ""), alt=named.get("alt", "") or strip_tags(shown),
                       link=named.get("link", ""), caption_html=shown)


def strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def param(positional: list[str], ctx: MarkupContext) -> str | None:
    """``{{< param name >}}``: the page's front-matter value, else the site's ``params``."""
    if not positional:
        return None
    name = positional[0]
    scopes = [ctx.page_vars, ctx.site_vars.get("params") or {}]
    for scope in scopes:
        value: object = scope
        for part in name.split("."):
            found = next((v for k, v in value.items() if str(k).lower() == part.lower()), None) \
                if isinstance(value, dict) else None
            value = found
        if value is not None and not isinstance(value, (dict, list)):
            return str(value)
    return None


def inline_shortcode(match: re.Match[str], body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    """Hugo runs an inline shortcode's template only with ``enableInlineShortcodes``, and
    prints nothing for it otherwise; its ``{{< >}}`` output is HTML, not Markdown."""
    notation, name, inner = match.groups()
    if not ctx.site_flag("enableInlineShortcodes"):
        sink.add(match.start(), f"inline shortcode {name} left out, as Hugo does without "
                 "enableInlineShortcodes", body)
        return "\n" * match.group(0).count("\n")
    text, actions = GO_ACTION.subn("", inner)
    if actions:
        sink.add(match.start(), f"inline shortcode {name}: its template actions were not run "
                 "(only Hugo can); kept its text", body)
    text = text.strip("\n")
    return f"\n{text}\n" if notation == "<" else text


def paired_theme_shortcodes(body: str, sink: NoticeSink) -> str:
    """Every pair :func:`paired_theme_shortcode` knows, also inside a pair it does not (a
    ``button`` in an ``alert``): the search goes on from inside a pair it leaves alone."""
    out: list[str] = []
    done = at = 0
    while (match := PAIRED.search(body, at)) is not None:
        replacement = paired_theme_shortcode(match, body, sink)
        if replacement is None:
            at = match.start() + 1
            continue
        out += [body[done:match.start()], replacement]
        done = at = match.end()
    return "".join(out) + body[done:]


def paired_theme_shortcode(match: re.Match[str], body: str, sink: NoticeSink) -> str | None:
    """A link-like theme shortcode becomes ``<a>`` around its text; a script's data is left
    out with a notice; any other pair is left for the general pass (None: its text stays)."""
    name, rest, inner = match.groups()
    if name.lower() in SCRIPT_DATA:
        sink.add(match.start(), f"theme shortcode {name} left out: it is drawn by the theme's "
                 "script (use render = \"generator\" to keep the theme's output)", body)
        return "\n" * match.group(0).count("\n")
    _positional, named = params(rest)
    if named.get("href"):
        return f'<a href="{html.escape(named["href"], quote=True)}">{inner}</a>'
    return None


FIGURE_ONLY_IMAGE = re.compile(r"^\n<figure>(<img [^>]*>)</figure>\n$")


def within_text(body: str, match: re.Match[str]) -> bool:
    """Whether the shortcode sits inside a line of text (PaperMod's ``inTextImg`` in a
    sentence) rather than on a line of its own."""
    start = body.rfind("\n", 0, match.start()) + 1
    end = body.find("\n", match.end())
    before = body[start:match.start()].strip(" \t>-*+0123456789.")
    return bool(before or body[match.end():end if end >= 0 else len(body)].strip())


def in_line(html_text: str) -> str:
    """An image in a sentence stays in the sentence: a block ``<figure>`` would end the
    paragraph there (and the bold around it); one without a caption is its ``<img>``."""
    found = FIGURE_ONLY_IMAGE.match(html_text)
    return found.group(1) if found else html_text


def run_shortcodes(body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    literals: list[str] = []

    def keep(match: re.Match[str]) -> str:
        literals.append(f"{{{{{match.group(1)}{match.group(2)}{match.group(3)}}}}}")  # as Hugo: only /* */ go
        return PLACEHOLDER.format(len(literals) - 1, "\n" * match.group(0).count("\n"))

    body = ESCAPED.sub(keep, body)

    def highlight(match: re.Match[str]) -> str:
        code = match.group(2)
        fence = "````" if "```" in code else "```"
        return f"{fence}{match.group(1)}\n{code}\n{fence}"

    body = PAIRED_HIGHLIGHT.sub(highlight, body)
    body = INLINE.sub(lambda m: inline_shortcode(m, body, ctx, sink), body)
    body = paired_theme_shortcodes(body, sink)
    body = DIAGRAM.sub(lambda m: f"```{m.group(1)}\n{m.group(2).strip(chr(10))}\n```", body)

    def shortcode(match: re.Match[str]) -> str:
        closing, name, rest = match.groups()
        positional, named = params(rest)
        if not closing and name == "figure":
            return figure(named)
        if not closing and name == "param":
            value = param(positional, ctx)
            if value is not None:
                return value
        if not closing and name not in ("ref", "relref", "param"):
            approximated = from_params(name, positional, named)
            if approximated is not None:
                return in_line(approximated) if within_text(body, match) else approximated
        target = positional[0] if positional else named.get("path", "")
        if not closing and name in ("ref", "relref") and target:
            url = ctx.resolve_link(name, target)
            if url is not None:
                return url
            sink.add(match.start(), f"could not resolve {name} {target!r}", body)
            return ""
        if closing:
            return ""  # the opening tag's notice covers the pair
        paired = re.compile(r"\{\{[<%]-?\s*/\s*" + re.escape(name) + r"\s*-?[>%]\}\}").search(
            body, match.end())
        if paired:
            sink.add(match.start(), f"theme shortcode {name}: its template is unknown here; kept "
                     "the text inside it, without the theme's markup (render = \"generator\" "
                     "runs the theme)", body)
            heading = named.get("summary") or named.get("title")
            if heading:  # PaperMod's collapse shows its summary above the text it opens
                return heading
        else:
            sink.add(match.start(), f"removed unknown shortcode {match.group(0)!r}", body)
        return ""

    body = SHORTCODE.sub(shortcode, body)
    return RESTORE.sub(lambda m: literals[int(m.group(1))], body)
