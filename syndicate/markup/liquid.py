"""The Jekyll Liquid that matters for a cross-post, executed before Markdown.

Jekyll renders Liquid over the whole Markdown source, code fences included — which
is why authors wrap literal ``{{ }}`` in ``{% raw %}``. We do the same: ``raw``
sections are left untouched, ``highlight`` becomes a fenced block, links and variables
are resolved (``post_url``/``link`` as the site's declared Jekyll writes them), embed tags
and figure- or video-like includes are read from their parameters
(``syndicate.markup.figures``), and any other tag or include is removed with a notice
naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin

from syndicate.markup import embeds
from syndicate.markup.context import MarkupContext, NoticeSink
from syndicate.markup.figures import SOURCE_KEYS, builtin_embed, from_params

RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
OUTPUT = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
TOKEN = re.compile(
    r"(?P<comment>\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\})"
    r"|(?P<capture>\{%-?\s*capture\s+(?P<var>\w+)\s*-?%\}(?P<captured>.*?)"
    r"\{%-?\s*endcapture\s*-?%\})"
    r"|(?P<highlight>\{%-?\s*highlight\s+(?P<lang>[\w+#.-]+)[^%]*%\}\n?(?P<code>.*?)\n?"
    r"\{%-?\s*endhighlight\s*-?%\})"
    r"|\{%-?\s*(?P<tag>\w+)\s*(?P<args>.*?)\s*-?%\}"
    r"|\{\{-?\s*(?P<out>.*?)\s*-?\}\}", re.S)
"""Liquid's tokens in one left-to-right pass, as Liquid reads them: an output such as
``{{ "{% highlight x " }}`` is consumed whole before the ``{%`` inside it could open a tag."""
STRING = re.compile(r"""^(["'])(.*)\1$""", re.S)


MARKDOWN_INCLUDE = (".md", ".markdown", ".mkd", ".mkdn")
"""A site's own include written in Markdown is text of the post (Jekyll renders it in
place), not a theme template: it is expanded, its Liquid run."""
MAX_DEPTH = 5
NUMBER = re.compile(r"-?\d+")
ARITHMETIC: dict[str, Callable[[int, int], int | None]] = {
    "plus": lambda a, b: a + b, "minus": lambda a, b: a - b, "times": lambda a, b: a * b,
    "divided_by": lambda a, b: a // b if b else None, "modulo": lambda a, b: a % b if b else None}
"""Liquid's integer arithmetic filters (``{% assign x = 100 | divided_by: 3 %}`` is 33)."""


def lookup(expression: str, ctx: MarkupContext, local: Mapping[str, str] | None = None) -> Any:
    """Value of ``site.x`` / ``page.x`` / a quoted string / a captured variable; None if
    unknown."""
    literal = STRING.match(expression)
    if literal:
        return literal.group(2)
    if local and expression in local:
        return local[expression]
    if NUMBER.fullmatch(expression):
        return expression
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
    if name == "capitalize":  # Ruby's String#capitalize: the rest in lower case
        return value[:1].upper() + value[1:].lower()
    if name == "markdownify":
        from syndicate.markup.engines import parser

        return str(parser(ctx.markdown).render(value))
    return None


def render_output(expression: str, ctx: MarkupContext,
                  local: Mapping[str, str] | None = None) -> str | None:
    head, *filters = [part.strip() for part in expression.split("|")]
    value = lookup(head, ctx, local)
    if value is None:
        return None
    text = str(value)
    for item in filters:
        name, _, argument = (part.strip() for part in item.partition(":"))
        if name in ARITHMETIC:
            operand = lookup(argument, ctx, local)
            if not (NUMBER.fullmatch(text) and operand is not None and NUMBER.fullmatch(str(operand))):
                return None
            value = ARITHMETIC[name](int(text), int(str(operand)))
            if value is None:
                return None
            text = str(value)
            continue
        result = apply_filter(text, name, ctx)
        if result is None:
            return None
        text = result
    return text


INCLUDE_PARAM = re.compile(
    r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
EMBED_TAGS = frozenset({"youtube", "vimeo", "gist", "twitter", "tweet", "instagram"})


def include_params(args: str, ctx: MarkupContext) -> tuple[str, list[str], dict[str, str]]:
    """``figure.html src="a.png" caption=page.x`` → name, positional words, named values
    (quoted strings as written, bare words looked up as variables)."""
    name, _, rest = args.strip().partition(" ")
    named: dict[str, str] = {}
    for match in INCLUDE_PARAM.finditer(rest):
        key, double, single, bare = match.groups()
        if bare is not None:
            value = lookup(bare, ctx)
            named[key] = "" if value is None else str(value)
        else:
            named[key] = double if double is not None else single
    positional = [word for word in INCLUDE_PARAM.sub("", rest).split() if word]
    return name, positional, named


PLAYER_SRC = re.compile(r"""<(?:iframe|embed|video|audio|source)\b[^>]*?\bsrc=(["'])(.+?)\1""", re.I)
INCLUDE_VALUE = re.compile(r"""\{\{-?\s*include\.([\w-]+)\s*(?:\|\s*default:\s*(["'])(.*?)\2\s*)?-?\}\}""")


def player_from_template(template: str, named: Mapping[str, str]) -> str | None:
    """A site's own include that wraps a player (``<iframe src="https://embed.ted.com/talks/
    {{ include.id }}">``): the player's address, filled from the include's parameters, as
    a link, which every platform shows; None when the template holds no player or a value
    it needs is missing."""
    found = PLAYER_SRC.search(template)
    if found is None:
        return None
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        given = named.get(match.group(1)) or match.group(3)
        missing = missing or given is None
        return given or ""

    url = INCLUDE_VALUE.sub(value, found.group(2))
    if missing or "{{" in url or "{%" in url:
        return None
    return embeds.link_html("https:" + url if url.startswith("//") else url)


def render_tag(name: str, args: str, ctx: MarkupContext) -> str | None:
    if name in ("post_url", "link"):
        target = args.strip().strip("'\"")
        found = OUTPUT.fullmatch(target)
        if found:
            target = render_output(found.group(1), ctx) or target
        return ctx.resolve_link(name, target)
    if name in ("include", "include_relative"):
        include, positional, named = include_params(args, ctx)
        template = ctx.include_text(include) if ctx.include_text is not None else ""
        if "relative_url" in template or "site.baseurl" in template:
            named = {key: ctx.baseurl + value if key in SOURCE_KEYS and value.startswith("/")
                     and not value.startswith("//") else value for key, value in named.items()}
        figure = from_params(include, positional, named, markdown_caption="markdownify" in template)
        return figure if figure is not None else player_from_template(template, named)
    if name in EMBED_TAGS:
        words = [w.strip("'\"") for w in args.split()]
        return builtin_embed(name, words, {})
    return None


def markdown_include(args: str, ctx: MarkupContext) -> str | None:
    """The text of ``{% include notes/zh.md %}`` when it is a Markdown file of the site's
    own, else None."""
    name = args.strip().split()[0] if args.strip() else ""
    if not name.lower().endswith(MARKDOWN_INCLUDE) or ctx.include_text is None:
        return None
    return ctx.include_text(name) or None


def process_segment(text: str, offset: int, ctx: MarkupContext, sink: NoticeSink,
                    local: dict[str, str] | None = None, depth: int = 0) -> str:
    """Liquid run over ``text``; ``local`` holds the variables ``capture`` set so far."""
    local = {} if local is None else local

    def where(position: int) -> int:
        return offset + position if depth == 0 else offset  # inside an include: its tag

    def tag(match: re.Match[str]) -> str:
        name = match.group("tag")
        if name == "assign":
            variable, equals, expression = match.group("args").partition("=")
            value = render_output(expression.strip(), ctx, local) if equals else None
            if value is not None and variable.strip().isidentifier():
                local[variable.strip()] = value
                return ""
        if name in ("include", "include_relative") and depth < MAX_DEPTH:
            included = markdown_include(match.group("args"), ctx)
            if included is not None:
                return expand(included, where(match.start()), ctx, sink, local, depth + 1)
        rendered = render_tag(name, match.group("args"), ctx)
        if rendered is None:
            if name in ("post_url", "link"):
                sink.add(where(match.start()), f"could not resolve {match.group(0)!r}: no such "
                                                 "post or file; the link is sent as text")
                return ""
            what = "include" if name in ("include", "include_relative") else "tag"
            sink.add(where(match.start()), f"removed unknown Liquid {what} {match.group(0)!r}")
            return ""
        return rendered

    def output(match: re.Match[str]) -> str:
        rendered = render_output(match.group("out"), ctx, local)
        if rendered is None:
            sink.add(where(match.start()), f"removed unknown Liquid output {match.group(0)!r}")
            return ""
        return rendered

    def token(match: re.Match[str]) -> str:
        if match.group("comment") is not None:
            return ""
        if match.group("capture") is not None:
            local[match.group("var")] = process_segment(
                match.group("captured"), where(match.start("captured")), ctx, sink, local, depth)
            return ""
        if match.group("highlight") is not None:
            code = match.group("code")
            fence = "````" if "```" in code else "```"
            return f"{fence}{match.group('lang')}\n{code}\n{fence}"
        return tag(match) if match.group("tag") is not None else output(match)

    return TOKEN.sub(token, text)


def doubled_base_notices(body: str, ctx: MarkupContext, sink: NoticeSink) -> None:
    """``{{ site.baseurl }}{% post_url … %}`` was right under Jekyll 3 (GitHub Pages) and
    doubles the base under Jekyll 4; the output follows the declared version, and says so."""
    doubled = ctx.baseurl + ctx.baseurl + "/"
    if ctx.baseurl and doubled in body:
        sink.add_near("post_url", f"a link starts with the base path twice ({doubled}…), as "
                                  "Jekyll 4 writes {{ site.baseurl }}{% post_url %}; if the site "
                                  "builds with GitHub Pages (Jekyll 3.9), add the github-pages "
                                  "gem to its Gemfile")


def expand(body: str, offset: int, ctx: MarkupContext, sink: NoticeSink,
           local: dict[str, str], depth: int) -> str:
    """``body`` with Liquid executed; ``raw`` sections copied literally. An included file's
    notices point at its include tag (``offset`` in the post)."""
    out: list[str] = []
    position = 0

    def at(start: int) -> int:
        return start if depth == 0 else offset

    for match in RAW.finditer(body):
        out.append(process_segment(body[position:match.start()], at(position), ctx, sink, local, depth))
        out.append(match.group(1))
        position = match.end()
    out.append(process_segment(body[position:], at(position), ctx, sink, local, depth))
    return "".join(out)


def run_liquid(body: str, ctx: MarkupContext, sink: NoticeSink) -> str:
    """``body`` with Liquid executed; ``raw`` sections copied literally."""
    result = expand(body, 0, ctx, sink, {}, 0)
    doubled_base_notices(result, ctx, sink)
    return result
