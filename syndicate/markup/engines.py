"""One markdown-it parser per Markdown dialect a site can declare, built once and reused.

CommonMark (Hugo's Goldmark, plain folders) with GFM tables, strikethrough, footnotes and
definition lists; kramdown (Jekyll's default) on the same base, with the site's options:
``hard_wrap`` keeps single line breaks, ``auto_ids`` gives headings kramdown's ids, and
emphasis may open or close against CJK text, as kramdown allows and CommonMark does not
(``**粗体：**中文`` is bold on a Jekyll site). Both generators set quotes and dashes
typographically by default (kramdown's ``smart_quotes``, Goldmark's Typographer). Maths
between ``$``/``$$`` is never Markdown: it goes through as the author's source text (see
``syndicate.markup.maths``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline.state_inline import Scanned, StateInline
from markdown_it.token import Token

from syndicate.markup.context import MarkdownOptions
from syndicate.markup.kramdown_tables import kramdown_tables_plugin
from syndicate.markup.maths import inline as maths_inline
from syndicate.markup.maths import maths_plugin


class KramdownState(StateInline):
    """Delimiter scanning by kramdown's rules, not CommonMark's flanking ones: ``*``/``_``
    opens unless a space follows and closes unless a space precedes it, so
    ``**很不幸。**Angular`` and ``Google**「让」**而`` are bold on a Jekyll site; an ``_``
    right after a letter never opens and one right before a letter or digit never closes,
    so ``参数化_的`` keeps its underscore (CJK characters are letters to kramdown)."""

    def scanDelims(self, start: int, canSplitWord: bool) -> Any:  # noqa: N802,N803 - markdown-it's names
        marker = self.src[start]
        end = start
        while end < self.posMax and self.src[end] == marker:
            end += 1
        before = self.src[start - 1] if start > 0 else " "
        after = self.src[end] if end < self.posMax else " "
        can_open = not after.isspace()
        can_close = not before.isspace()
        if marker == "_":
            earlier = self.src[start - 2] if start > 1 else " "
            if before.isalpha() or (before == "-" and earlier.isalpha()):
                can_open = False
            if after.isalnum():
                can_close = False
        return Scanned(can_open, can_close, end - start)


class KramdownInline(ParserInline):
    def parse(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
        state = KramdownState(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


KRAMDOWN_ESCAPABLE = frozenset("\\.*_+-=`()[]{}#!:|\"'<>$")
"""What a backslash escapes in kramdown; before anything else (a comma, as in MathJax's
thin space inside ``\\( … \\)``) it stays a backslash, where CommonMark would drop it."""


def kramdown_escape(state: Any, silent: bool) -> bool:
    if state.src[state.pos] != "\\" or state.pos + 1 >= state.posMax:
        return False
    following = state.src[state.pos + 1]
    if following in KRAMDOWN_ESCAPABLE or following == "\n":
        return False  # markdown-it's own escape rule takes it
    if not silent:
        state.pending += "\\"
    state.pos += 1
    return True


def no_nested_emphasis(md: MarkdownIt) -> None:
    """kramdown never opens emphasis inside emphasis of the same kind: in
    ``*does _not_ work*`` the inner ``_not_`` stays as typed (and ``__x__`` inside bold)."""

    def core(state: Any) -> None:
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            opened: dict[str, list[bool]] = {"em": [], "strong": []}
            for token in block.children:
                kind, _, edge = token.type.rpartition("_")
                if kind not in opened or edge not in ("open", "close"):
                    continue
                if edge == "open":
                    inner = bool(opened[kind])
                    opened[kind].append(inner)
                else:
                    inner = opened[kind].pop() if opened[kind] else False
                if inner:
                    token.type, token.tag, token.nesting, token.content = "text", "", 0, token.markup

    md.core.ruler.after("inline", "kramdown_no_nested_emphasis", core)


EMPTY_HEADING = re.compile(r" {0,3}#{1,6}[ \t]*$")


def kramdown_blocks(md: MarkdownIt) -> None:
    """Two blocks kramdown does not make where CommonMark does: a heading with no text
    (``###`` alone is a paragraph of three hashes) and a fenced code block that is never
    closed (kramdown reads its lines as text; CommonMark made the rest of the post code)."""
    rules = md.block.ruler.__rules__
    heading = rules[md.block.ruler.__find__("heading")]
    fence = rules[md.block.ruler.__find__("fence")]
    heading_fn, fence_fn = heading.fn, fence.fn

    def line(state: Any, number: int) -> str:
        """The line's text after its indentation (a list item's fence is indented)."""
        return str(state.src[state.bMarks[number] + state.tShift[number]:state.eMarks[number]])

    def no_empty_heading(state: Any, start: int, end: int, silent: bool) -> bool:
        if EMPTY_HEADING.match(line(state, start)):
            return False
        return bool(heading_fn(state, start, end, silent))

    def closed_fence(state: Any, start: int, end: int, silent: bool) -> bool:
        opening = re.match(r" {0,3}(`{3,}|~{3,})", line(state, start))
        if opening:
            mark = opening.group(1)
            closing = re.compile(r" {0,3}" + re.escape(mark[0]) + "{" + str(len(mark)) + r",}[ \t]*$")
            if not any(closing.match(line(state, n)) and state.sCount[n] - state.blkIndent < 4
                       for n in range(start + 1, end)):
                return False
        return bool(fence_fn(state, start, end, silent))

    md.block.ruler.at("heading", no_empty_heading, {"alt": list(heading.alt)})
    md.block.ruler.at("fence", closed_fence, {"alt": list(fence.alt)})


KRAMDOWN_ESCAPE = re.compile(r"\\([" + re.escape("".join(sorted(KRAMDOWN_ESCAPABLE))) + r"])")


def kramdown_single_dollar(renderer: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
    """``$…$`` is no maths to kramdown: its backslash escapes apply before the site's MathJax
    reads it, so ``$\\Sigma = \\\\{0, 1\\\\}$`` reaches the reader as ``\\Sigma = \\{0, 1\\}``.
    Emphasis still never runs inside it (kramdown's ``_`` after a letter never opens)."""
    token = tokens[index]
    if token.markup in ("", "$"):
        token.content = KRAMDOWN_ESCAPE.sub(r"\1", token.content)
    return str(maths_inline(renderer, tokens, index, options, env))


def kramdown_lone_backtick(state: Any, silent: bool) -> bool:
    """kramdown's code span rule: a single backtick with white space on both sides is a
    literal backtick, not the start of a code span (``先 ` fold_constants` 再``)."""
    pos, src = state.pos, state.src
    if src[pos] != "`" or (pos > 0 and not src[pos - 1].isspace()):
        return False  # the start of a block's text counts as white space (jekyll-hux's lists)
    if pos + 1 >= state.posMax or not src[pos + 1].isspace():
        return False
    if not silent:
        state.pending += "`"
    state.pos += 1
    return True


def kramdown_backticks(md: MarkdownIt) -> None:
    """Code spans as kramdown reads them: a lone backtick between spaces is text, and a
    single-backtick span keeps its spaces (`` ` 再 ` `` is " 再 "; CommonMark strips one)."""
    original = md.inline.ruler.__rules__[md.inline.ruler.__find__("backticks")].fn

    def rule(state: Any, silent: bool) -> bool:
        start, src = state.pos, state.src
        if src[start] != "`" or src[start + 1:start + 2] == "`" or (start and src[start - 1] == "`"):
            return bool(original(state, silent))
        end = src.find("`", start + 1, state.posMax)  # the next backtick closes, run or not
        if end < 0:
            return False
        if not silent:
            token = state.push("code_inline", "code", 0)
            token.markup = "`"
            token.content = src[start + 1:end].replace("\n", " ")
        state.pos = end + 1
        return True

    md.inline.ruler.at("backticks", rule)
    md.inline.ruler.before("backticks", "kramdown_lone_backtick", kramdown_lone_backtick)


KRAMDOWN_SPAN_ELEMENTS = frozenset(
    "a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark "
    "option q rb rbc rp rt rtc ruby samp select small span strong sub sup textarea tt u "
    "var".split())
"""kramdown's span-level HTML elements: a line that starts with one of them starts a
paragraph, whose Markdown is read (CommonMark makes it a raw HTML block to the next blank
line, so ``<br>`` on one line left the ``**bold**`` of the next as asterisks)."""
SPAN_TAG = re.compile(r" {0,3}</?([A-Za-z][A-Za-z0-9-]*)[\s/>]")


def kramdown_html_block(md: MarkdownIt) -> None:
    original = md.block.ruler.__rules__[md.block.ruler.__find__("html_block")].fn

    def rule(state: Any, start: int, end: int, silent: bool) -> bool:
        line = state.src[state.bMarks[start]:state.eMarks[start]]
        tag = SPAN_TAG.match(line)
        if tag and tag.group(1).lower() in KRAMDOWN_SPAN_ELEMENTS:
            return False
        return bool(original(state, start, end, silent))

    md.block.ruler.at("html_block", rule, {"alt": ["paragraph", "reference", "blockquote"]})


HEADING_STRIP = re.compile(r"[^\w\- ]", re.UNICODE)


def kramdown_id(text: str, seen: dict[str, int]) -> str:
    """kramdown's GFM header id: lower case, only letters, digits, spaces and hyphens,
    spaces as hyphens; a repeat gets ``-1``, ``-2``…"""
    base = HEADING_STRIP.sub("", unicodedata.normalize("NFC", text).lower()).replace(" ", "-")
    base = base or "section"
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def heading_ids(md: MarkdownIt) -> None:
    def core(state: Any) -> None:
        seen: dict[str, int] = {}
        tokens = state.tokens
        for index, token in enumerate(tokens):
            if token.type == "heading_open" and not token.attrGet("id"):
                inline = tokens[index + 1]
                text = "".join(child.content for child in inline.children or ()
                               if child.type in ("text", "code_inline"))
                token.attrSet("id", kramdown_id(text, seen))

    md.core.ruler.push("kramdown_ids", core)


SYMBOLS = re.compile(r"---|--|\.\.\.|<<|>>")
SYMBOL_CHARS = {"---": "\u2014", "--": "\u2013", "...": "\u2026", "<<": "\u00ab", ">>": "\u00bb"}


def typographic_symbols(md: MarkdownIt) -> None:
    """The symbols kramdown and Goldmark's Typographer replace (markdown-it's own
    ``replacements`` rule also turns ``(c)`` into ©, which neither generator does)."""

    def core(state: Any) -> None:
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            in_autolink = 0
            for token in block.children:
                if token.type == "link_open" and token.info == "auto":
                    in_autolink += 1
                elif token.type == "link_close" and in_autolink:
                    in_autolink -= 1
                elif token.type == "text" and not in_autolink and SYMBOLS.search(token.content):
                    token.content = SYMBOLS.sub(lambda m: SYMBOL_CHARS[m.group(0)], token.content)

    md.core.ruler.after("inline", "typographic_symbols", core)


def goldmark_links(md: MarkdownIt) -> None:
    """linkify-it also links bare domains (``example.com``); Goldmark only links what starts
    with a scheme or ``www.`` (as https), and e-mail addresses: the others go back to text."""
    if md.linkify is not None:
        md.linkify.set({"fuzzy_link": True, "fuzzy_email": True})

    def core(state: Any) -> None:
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            children, kept = block.children, []
            index = 0
            while index < len(children):
                token = children[index]
                if (token.type == "link_open" and token.markup == "linkify"
                        and index + 2 < len(children)):
                    text = children[index + 1].content
                    if not (re.match(r"(?i)[a-z][\w+.-]*://|www\.", text) or "@" in text):
                        plain = Token("text", "", 0)
                        plain.content = text
                        kept.append(plain)
                        index += 3
                        continue
                    if text.lower().startswith("www."):
                        token.attrSet("href", "https://" + text)  # Goldmark's scheme for www.
                kept.append(token)
                index += 1
            block.children = kept

    md.core.ruler.after("linkify", "goldmark_links", core)


def fence_attributes(md: MarkdownIt) -> None:
    """Goldmark (with Hugo's ``markup.goldmark.parser.attribute.block``, on by default) reads
    a fence's ``{…}`` as highlighting options, not a language: ```` ```{hl_lines=[2,8]} ````
    has none, ```` ```html {linenos=true} ```` is HTML."""

    def core(state: Any) -> None:
        for token in state.tokens:
            if token.type == "fence" and token.info.lstrip().startswith("{"):
                token.info = ""

    md.core.ruler.push("fence_attributes", core)


@cache
def parser(options: MarkdownOptions) -> MarkdownIt:
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = (MarkdownIt("commonmark", {"html": True, "linkify": options.linkify,
                                    "typographer": options.typographer, "quotes": options.quotes,
                                    "breaks": options.hard_wrap})
          .enable(["table", "strikethrough"])
          .use(footnote_plugin)
          .use(deflist_plugin)
          .use(maths_plugin, as_typed=options.engine != "kramdown"))
    if options.linkify:
        md.enable("linkify")
        goldmark_links(md)
    if options.typographer:
        md.enable("smartquotes")
        typographic_symbols(md)
    if options.engine != "kramdown":
        fence_attributes(md)
    if options.engine == "kramdown":
        md.inline.__class__ = KramdownInline
        md.inline.ruler.before("escape", "kramdown_escape", kramdown_escape)
        kramdown_html_block(md)
        kramdown_backticks(md)
        kramdown_tables_plugin(md)
        no_nested_emphasis(md)
        kramdown_blocks(md)
        md.add_render_rule("math_inline", kramdown_single_dollar)
        if options.auto_ids:
            heading_ids(md)
    return md
