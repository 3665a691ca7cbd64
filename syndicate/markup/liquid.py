"""The Jekyll Liquid that matters for a cross-post, executed before Markdown.

Jekyll renders Liquid over the whole Markdown source, code fences included — which
is why authors wrap literal ``{{ }}`` in ``{% raw %}``. We do the same: ``raw``
sections are left untouched, ``highlight`` becomes a fenced block, links and variables
are resolved, and any other tag or include is removed with a notice naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from syndicate.markup.context import MarkupContext, NoticeSink

RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S)
HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\s+([\w+#.-]+)[^%]*%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}", re.S)
TAG = re.compile(r"\{%-?\s*(\w+)\s*(.*?)\s*-?%\}", re.S)
OUTPUT = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
STRING = re.compile(r"""^(["'])(.*)\1$""", re.S)


def lookup(expression: str, ctx: MarkupContext) -> Any:
    """Value of ``site.x`` / ``page.x`` / a quoted string; None if unknown."""
    literal = STRING.match(expression)
    if literal:
        return literal.group(2)
    scope, _, name = expression.partition(".")
    variables: Mapping[str, Any] = {"site": ctx.site_vars, "page": ctx.page_vars}.get(scope, {})
    if not name:
        return None
    value: Any = variables
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def apply_filter(value: str, name: str, ctx: MarkupContext) -> str | None:
    if name == "relative_url":
        if not value:
            return ctx.baseurl
        return ctx.baseurl + ("" if value.startswith("/") else "/") + value
    if name == "absolute_url":
        path = apply_filter(value, "relative_url", ctx) or ""
        return urljoin(ctx.site_url + "/", path.lstrip("/")) if path else ctx.site_url
    if name in ("strip", "escape", "xml_escape", "uri_escape", "url_encode", "cgi_escape"):
        return value.strip() if name == "strip" else value
    if name in ("downcase", "upcase"):
        return value.lower() if name == "downcase" else value.upper()
    return None


def render_output(expression: str, ctx: MarkupContext) -> str | None:
    head, *filters = [part.strip() for part in expression.split("|")]
    value = lookup(head, ctx)
    if value is None:
        return None
    text = str(value)
    for item in filters:
        name = item.split(":")[0].strip()
        result = apply_filter(text, name, ctx)
        if result is None:
            return None
        text = result
    return text


def render_tag(name: str, args: str, ctx: MarkupContext) -> str | None:
    if name in ("post_url", "link"):
        return ctx.resolve_link(name, args.strip().strip("'\""))
    return None


def process_segment(text: str, offset: int, ctx: MarkupContext, sink: NoticeSink) -> str:
    def highlight(match: re.Match[str]) -> str:
        code = match.group(2)
        fence = "````" if "```" in code else "```"
        return f"{fence}{match.group(1)}\n{code}\n{fence}"

    text = COMMENT.sub("", text)
    text = HIGHLIGHT.sub(highlight, text)

    def tag(match: re.Match[str]) -> str:
        rendered = render_tag(match.group(1), match.group(2), ctx)
        if rendered is None:
            what = "include" if match.group(1) in ("include", "include_relative") else "tag"
            sink.add(offset + match.start(),
                     f"removed unknown Liquid {what} {match.group(0)!r}")
            return ""
        return rendered

    def output(match: re.Match[str]) -> str:
        rendered = render_output(match.group(1), ctx)
        if rendered is None:
            sink.add(offset + match.start(), f"removed unknown Liquid output {match.group(0)!r}")
            return ""
        return rendered

    return OUTPUT.sub(output, TAG.sub(tag, text))


def run_liquid(body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    """``body`` with Liquid executed; ``raw`` sections copied literally."""
    out: list[str] = []
    position = 0
    for match in RAW.finditer(body):
        out.append(process_segment(body[position:match.start()], position, ctx, sink))
        out.append(match.group(1))
        position = match.end()
    out.append(process_segment(body[position:], position, ctx, sink))
    return "".join(out)
