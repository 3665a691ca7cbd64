"""Canonical HTML → Telegram's HTML subset, and splitting/fitting under its limits.

Telegram's ``parse_mode=HTML`` accepts only b/strong, i/em, u/ins, s/strike/del,
``span class="tg-spoiler"``/tg-spoiler, a href, code, pre (with an inner
``code class="language-x"``) and blockquote; anything else is a 400 "can't parse
entities". So structure is re-expressed in text: headings become bold lines, lists
become bullet lines, images become links, tables become preformatted text. Length is
counted by Telegram after parsing, in code points, trimmed (4096 for text, 1024 for
captions); ``split_messages`` keeps every part valid on its own by closing open tags at
a cut and reopening them in the next part.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

from bs4 import Tag
from bs4.element import NavigableString

from syndicate.dialects.fit import GRAPHEME, best_cut, cut_points
from syndicate.dialects.table import display_width, table_text
from syndicate.dialects.tree import parse

__all__ = ["display_width", "escape", "fit_telegram", "plain", "split_messages", "table_text",
           "to_telegram_html", "units", "validate", "visible_length"]

INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s",
          "strike": "s", "del": "s", "tg-spoiler": "tg-spoiler"}
ALLOWED = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                     "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PARAGRAPHS = frozenset({"p", "div", "section", "article", "figure", "center", "header", "footer",
                        "aside", "dl", "dt", "dd", "details", "summary", "main", "nav",
                        "address", "figcaption"})
DROP = frozenset({"script", "style", "noscript", "template", "head", "title"})
LINK_SCHEMES = ("http://", "https://", "tg://", "mailto:")
SPACES = re.compile(r"\s+")
BLANK_RUNS = re.compile(r"\n{3,}")
PRE_BLOCK = re.compile(r"(<pre>.*?</pre>|<pre><code[^>]*>.*?</code></pre>)", re.DOTALL)
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^<>]*)>")
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
LANGUAGE = re.compile(r"language-([\w+#.-]+)")
INDENT = "\x01"  # a nested list's indentation; survives tidying, becomes two spaces at the end


def escape(text: str, *, quote: bool = True) -> str:
    """Text or attribute value made safe for Telegram HTML (it decodes all four entities);
    ``quote=False`` leaves double quotes readable in text that is not an attribute."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


class Converter:
    """One pass over the canonical HTML tree, writing Telegram markup into ``out``.

    ``inline`` counts the entities currently open: inside one, a block entity (pre,
    blockquote) or a second link would be outside the subset, so those become text.
    """

    def __init__(self, *, in_quote: bool = False) -> None:
        self.out: list[str] = []
        self.inline = 0
        self.in_link = False
        self.in_quote = in_quote

    def text(self, value: str) -> None:
        self.out.append(escape(SPACES.sub(" ", value.replace(INDENT, "")), quote=False))

    def wrap(self, tag: str, node: Tag, close: str | None = None) -> None:
        self.out.append(f"<{tag}>")
        self.inline += 1
        self.children(node)
        self.inline -= 1
        self.out.append(f"</{close or tag}>")

    def block(self, markup: str) -> None:
        self.out.append(f"\n\n{markup}\n\n")

    def children(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, doctype or CDATA
                    self.text(str(child))
            elif isinstance(child, Tag) and child.name not in DROP:
                self.element(child)

    def element(self, node: Tag) -> None:  # noqa: C901 - one branch per HTML element kind
        name = node.name
        if name in INLINE:
            self.wrap(INLINE[name], node)
        elif name == "span" and "tg-spoiler" in (node.get("class") or []):
            self.wrap("tg-spoiler", node)
        elif name == "code":
            self.out.append(f"<code>{escape(node.get_text(), quote=False)}</code>")
        elif name == "a":
            self.link(node)
        elif name == "br":
            self.out.append("\n")
        elif name == "img":
            self.image(node)
        elif name == "sup":
            self.out.append("[")
            self.children(node)
            self.out.append("]")
        elif name == "pre":
            self.preformatted(node.get_text(), language_of(node))
        elif name == "table":
            self.preformatted(table_text(node), "")
        elif name in HEADINGS:
            self.out.append("\n\n")
            self.wrap("b", node)
            self.out.append("\n\n")
        elif name in ("ul", "ol"):
            self.out.append("\n\n" if self.inline == 0 else "\n")
            self.items(node, depth=0)
            self.out.append("\n\n" if self.inline == 0 else "\n")
        elif name == "blockquote":
            self.quote(node)
        elif name == "hr":
            self.block("———")
        elif name == "iframe":
            src = str(node.get("src") or "")
            if src.startswith(LINK_SCHEMES) and not self.in_link:
                self.block(f'<a href="{escape(src)}">{escape(src)}</a>')
        elif name == "figcaption" and self.inline == 0:  # right under its image
            if not "".join(self.out[-2:]).rstrip(" ").endswith("\n"):
                self.out.append("\n")
            self.wrap("i", node)
            self.out.append("\n\n")
        elif name in PARAGRAPHS or name == "li":
            self.out.append("\n\n")
            self.children(node)
            self.out.append("\n\n")
        else:  # any other tag that slipped through: its text only, never the tag
            self.children(node)

    def link(self, node: Tag) -> None:
        href = str(node.get("href") or "").strip()
        if self.in_link or not href.startswith(LINK_SCHEMES):
            self.children(node)
            return
        self.out.append(f'<a href="{escape(href)}">')
        start = len(self.out)
        self.inline += 1
        self.in_link = True
        for child in node.children:
            if isinstance(child, Tag) and child.name == "img":
                self.text(str(child.get("alt") or "") or "Image")
            elif isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self.text(str(child))
            elif isinstance(child, Tag) and child.name not in DROP:
                self.element(child)
        self.in_link = False
        self.inline -= 1
        if not plain("".join(self.out[start:])).strip():
            self.out.append(escape(href))
        self.out.append("</a>")

    def image(self, node: Tag) -> None:
        src = str(node.get("src") or "").strip()
        alt = SPACES.sub(" ", str(node.get("alt") or "")).strip() or "Image"
        if not src.startswith(("http://", "https://")):
            return
        if self.in_link:
            self.text(alt)
        else:
            self.out.append(f'\n<a href="{escape(src)}">🖼 {escape(alt)}</a>\n')

    def preformatted(self, code: str, language: str) -> None:
        code = code.strip("\n")
        if not code.strip():
            return
        if self.inline:
            self.out.append(escape(code, quote=False))  # no block entity inside an inline one
        elif language:
            self.block(f'<pre><code class="language-{escape(language)}">'
                       f"{escape(code, quote=False)}</code></pre>")
        else:
            self.block(f"<pre>{escape(code, quote=False)}</pre>")

    def quote(self, node: Tag) -> None:
        if self.inline or self.in_quote:  # blockquotes cannot nest: flatten the inner one
            self.out.append("\n")
            self.children(node)
            self.out.append("\n")
            return
        inner = Converter(in_quote=True)
        inner.children(node)
        body = tidy("".join(inner.out))
        if body:
            self.block(f"<blockquote>{body}</blockquote>")

    def items(self, node: Tag, depth: int) -> None:
        ordered = node.name == "ol"
        start = str(node.get("start") or "1")
        number = int(start) if start.isdigit() and len(start) < 9 else 1
        for item in node.find_all("li", recursive=False):
            marker = f"{number}." if ordered else "•"
            number += 1
            self.out.append("\n" + INDENT * depth + marker + " ")
            for child in item.children:
                if isinstance(child, Tag) and child.name in ("ul", "ol"):
                    self.items(child, depth + 1)
                elif isinstance(child, Tag) and child.name == "p":  # loose list item
                    self.children(child)
                    self.out.append(" ")
                elif isinstance(child, NavigableString):
                    if type(child) is NavigableString:
                        self.text(str(child))
                elif isinstance(child, Tag) and child.name not in DROP:
                    self.element(child)


def language_of(pre: Tag) -> str:
    """The ``x`` of ``<pre><code class="language-x">`` (or on the pre itself), or ''."""
    for node in (pre.find("code"), pre):
        if isinstance(node, Tag):
            for cls in node.get("class") or []:
                match = LANGUAGE.fullmatch(str(cls))
                if match:
                    return match.group(1)
    return ""


def tidy(markup: str) -> str:
    """Trailing spaces off, blank-line runs to one — outside ``<pre>`` only, where every
    space and blank line belongs to the code."""
    pieces = PRE_BLOCK.split(markup)
    for index in range(0, len(pieces), 2):  # even indices lie outside pre blocks
        lines = [line.strip(" ") for line in pieces[index].split("\n")]
        pieces[index] = BLANK_RUNS.sub("\n\n", "\n".join(lines))
    return "".join(pieces).strip()


def to_telegram_html(html: str) -> str:
    """Telegram-HTML for ``html``: only the subset's tags, escaped text, no blank-line runs."""
    converter = Converter()
    converter.children(parse(html))
    return tidy("".join(converter.out)).replace(INDENT, "  ")


def unescape(text: str) -> str:
    """Decode what Telegram decodes: the four named entities and numeric ones."""
    return ENTITY.sub(lambda m: htmllib.unescape(m.group(0)), text)


def plain(tg_html: str) -> str:
    """The text Telegram shows: tags removed, entities decoded (not yet trimmed)."""
    return unescape(TAG.sub("", tg_html))


def units(text: str) -> int:
    """Length of decoded text in the stricter of Telegram's two measures: code points (what
    TDLib checks) and UTF-16 units (what entity offsets use, and what a message of astral
    emoji was once refused by). UTF-16 is never the shorter, so it is the one kept."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def visible_length(tg_html: str) -> int:
    """What Telegram counts against 4096/1024, after parsing and trimming, in ``units``."""
    return units(plain(tg_html).strip())


@dataclass
class Open:
    name: str
    markup: str


def chunk_by_budget(tg_html: str, limit: int) -> list[str]:
    """Cut markup into parts of at most ``limit`` visible code points, closing and
    reopening tags across each cut so that every part parses on its own."""
    parts: list[str] = []
    stack: list[Open] = []
    current: list[str] = []
    used = 0
    position = 0
    for match in [*TAG.finditer(tg_html), None]:
        text = tg_html[position: match.start() if match else len(tg_html)]
        while text:
            room = limit - used
            size = units(unescape(text))
            if size <= room:
                current.append(text)
                used += size
                break
            code = any(o.name == "pre" for o in stack)
            cut = cut_text(text, room, forced=used == 0, code=code)
            current.append(text[:cut])
            text = text[cut:]
            parts.append("".join(current) + "".join(f"</{o.name}>" for o in reversed(stack)))
            current = [o.markup for o in stack]
            used = 0
            text = text.removeprefix("\n") if code else text.lstrip(" \n")
        if match is None:
            break
        position = match.end()
        current.append(match.group(0))
        if match.group(1):
            if stack:
                stack.pop()
        else:
            stack.append(Open(match.group(2).lower(), match.group(0)))
    parts.append("".join(current))
    return [p for p in (tidy(part) for part in parts) if visible_length(p) > 0]


def cut_text(escaped: str, room: int, *, forced: bool, code: bool = False) -> int:
    """Offset in escaped text before which at most ``room`` decoded characters stand,
    never inside an entity or grapheme, preferring a sentence end, outside URLs.

    ``forced`` (nothing placed in the part yet) must make progress: then a URL may be
    cut, and one grapheme taken even if it alone is over the room.
    """
    # only the first ``room`` characters matter (and a few after, to see whether a
    # grapheme or URL goes on): a window keeps splitting a huge paragraph linear
    offsets: list[int] = []  # escaped offset after each decoded character
    offset = 0
    while offset < len(escaped) and len(offsets) <= room + 16:
        match = ENTITY.match(escaped, offset)
        offset = match.end() if match else offset + 1
        offsets.append(offset)
    decoded = unescape(escaped[:offset])
    room = fitting_chars(decoded, room)
    points = [p for p in cut_points(decoded) if p <= room]
    if points:
        return offsets[best_cut(decoded, points[-1], points, code=code) - 1]
    if not forced:
        return 0
    ends = [m.end() for m in GRAPHEME.finditer(decoded)]
    fitting = [end for end in ends if end <= room] or ends[:1]
    return offsets[fitting[-1] - 1]


def fitting_chars(decoded: str, room: int) -> int:
    """How many leading characters of ``decoded`` fit ``room`` ``units``."""
    if decoded.isascii():
        return room
    used = 0
    for index, char in enumerate(decoded):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            return index
    return len(decoded)


def blocks(tg_html: str) -> list[str]:
    """Top-level blocks: split at blank lines that lie outside every tag."""
    out, start, depth = [], 0, 0
    for match in re.finditer(r"<(/?)[a-zA-Z][\w-]*[^<>]*>|\n\n", tg_html):
        token = match.group(0)
        if token == "\n\n":
            if depth == 0:
                out.append(tg_html[start:match.start()])
                start = match.end()
        elif match.group(1):
            depth -= 1
        else:
            depth += 1
    out.append(tg_html[start:])
    return [b.strip("\n") for b in out if b.strip()]


def split_messages(tg_html: str, limit: int = 4096) -> list[str]:
    """Messages of at most ``limit`` visible characters, cut between blocks where possible."""
    messages: list[str] = []
    current = ""
    size = 0
    for block in blocks(tg_html):
        length = units(plain(block))  # untrimmed: joined blocks keep inner spaces
        if current and size + 2 + length <= limit:
            current, size = f"{current}\n\n{block}", size + 2 + length
            continue
        if current:
            messages.append(current)
        current, size = block, length
        if visible_length(block) > limit:
            pieces = chunk_by_budget(block, limit)
            messages.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
            size = units(plain(current))
    if current:
        messages.append(current)
    return [message for message in messages if visible_length(message) > 0]


def fit_telegram(tg_html: str, limit: int, *, link: str | None = None) -> str:
    """Shorten markup to ``limit`` visible characters, ending with "…" and the link back."""
    tail = f'\n\n<a href="{escape(link)}">{escape(link)}</a>' if link else ""
    if link and tg_html.endswith(tail):  # already fitted: fitting again changes nothing
        tg_html = tg_html[: -len(tail)]
    if visible_length(tg_html + tail) <= limit:
        return tg_html + tail
    budget = limit - visible_length("…" + tail)
    if budget <= 0:
        if link and units(link) <= limit:
            return tail.strip()
        raise ValueError(f"the link back alone is longer than the limit of {limit}")
    head = chunk_by_budget(tg_html, budget)
    first = head[0] if head and visible_length(head[0]) <= budget else ""
    if not first:
        return tail.strip() if link else "…"
    return insert_before_closing(first, "…") + tail


def insert_before_closing(markup: str, suffix: str) -> str:
    """``suffix`` before the closing tags that end ``markup`` — after them if one closes
    a code block, where it would read as code."""
    match = re.search(r"(</[a-zA-Z-]+>)*\s*$", markup)
    index = match.start() if match else len(markup)
    if "</pre>" in markup[index:] or "</code>" in markup[index:]:
        return markup.rstrip() + suffix
    return markup[:index] + suffix + markup[index:]


def validate(tg_html: str) -> None:
    """Raise ValueError if Telegram would refuse this markup (its parse-error wording), or
    if it leaves the subset syndicate promises: nothing inside code/pre but pre>code,
    no nested blockquotes or links, no block entity inside an inline one."""
    stack: list[str] = []
    i, n = 0, len(tg_html)

    def where(index: int) -> int:
        return len(tg_html[:index].encode("utf-8"))

    while True:
        i = tg_html.find("<", i)
        if i == -1:
            break
        begin = i
        if tg_html.startswith("</", i):
            j = i + 2
            while j < n and tg_html[j].isascii() and (tg_html[j].isalnum() or tg_html[j] in "-_"):
                j += 1
            if j >= n or tg_html[j] != ">":
                raise ValueError(f"Unclosed end tag at byte offset {where(begin)}")
            name = tg_html[i + 2:j].lower()
            if not stack:
                raise ValueError(f"Unexpected end tag at byte offset {where(begin)}")
            expected = stack.pop()
            if name != expected:
                raise ValueError(f'Unmatched end tag at byte offset {where(begin)}, expected '
                                 f'"</{expected}>", found "</{name}>"')
            i = j + 1
            continue
        j = i + 1
        while j < n and not tg_html[j].isspace() and tg_html[j] != ">":
            j += 1
        name = tg_html[i + 1:j].lower()
        if j >= n:
            raise ValueError(f"Unclosed start tag at byte offset {where(begin)}")
        if name not in ALLOWED:
            raise ValueError(f'Unsupported start tag "{name}" at byte offset {where(begin)}')
        end = tg_html.find(">", j)
        if end == -1 or "<" in tg_html[j:end]:
            raise ValueError(f'Unclosed start tag "{name}" at byte offset {where(begin)}')
        attrs = tg_html[j:end]
        if name == "span" and not re.search(r"""class\s*=\s*["']?tg-spoiler\b""", attrs):
            raise ValueError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {where(begin)}')
        nesting_rules(name, stack, where(begin))
        stack.append(name)
        i = end + 1
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')


def nesting_rules(name: str, stack: list[str], offset: int) -> None:
    """The subset's nesting rules (Telegram itself would silently drop the entity)."""
    if stack and stack[-1] in ("code", "pre") and not (stack[-1] == "pre" and name == "code"):
        raise ValueError(
            f'Entity "{name}" cannot be nested in "{stack[-1]}" at byte offset {offset}')
    if name == "blockquote" and "blockquote" in stack:
        raise ValueError(f"Blockquotes cannot be nested at byte offset {offset}")
    if name == "a" and "a" in stack:
        raise ValueError(f"Links cannot be nested at byte offset {offset}")
    if name in ("pre", "blockquote") and any(t != "blockquote" for t in stack):
        raise ValueError(f'Block entity "{name}" cannot be inside "{stack[-1]}" '
                         f"at byte offset {offset}")
