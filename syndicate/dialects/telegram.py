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
import unicodedata
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

from syndicate.dialects.fit import cut_points, best_cut

INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s",
          "strike": "s", "del": "s", "tg-spoiler": "tg-spoiler"}
ALLOWED = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                     "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LINK_SCHEMES = ("http://", "https://", "tg://", "mailto:")
SPACES = re.compile(r"\s+")
BLANK_RUNS = re.compile(r"\n{3,}")
TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>|([^<]+)|(<)")
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


class Converter:
    """One pass over the canonical HTML tree, writing Telegram markup into a list."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def text(self, value: str, *, pre: bool = False) -> None:
        self.out.append(escape(value if pre else SPACES.sub(" ", value)))

    def block_break(self) -> None:
        self.out.append("\n\n")

    def inline_children(self, node: Tag, *, in_code: bool = False, in_quote: bool = False) -> None:
        for child in node.children:
            self.node(child, in_code=in_code, in_quote=in_quote)

    def node(self, child: object, *, in_code: bool = False, in_quote: bool = False) -> None:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:
                self.text(str(child))
            return
        if not isinstance(child, Tag):
            return
        name = child.name
        if name in ("script", "style", "noscript", "template"):
            return
        if in_code:  # code may contain no other entity: text only
            self.text(child.get_text())
            return
        if name in INLINE:
            tag = INLINE[name]
            self.out.append(f"<{tag}>")
            self.inline_children(child, in_quote=in_quote)
            self.out.append(f"</{tag}>")
        elif name == "span" and "tg-spoiler" in (child.get("class") or []):
            self.out.append("<tg-spoiler>")
            self.inline_children(child, in_quote=in_quote)
            self.out.append("</tg-spoiler>")
        elif name == "code":
            self.out.append("<code>")
            self.text(child.get_text())
            self.out.append("</code>")
        elif name == "a":
            self.link(child, in_quote)
        elif name == "br":
            self.out.append("\n")
        elif name == "img":
            self.image(child)
        elif name == "sup":
            self.out.append("[")
            self.inline_children(child, in_quote=in_quote)
            self.out.append("]")
        elif name == "pre":
            self.block_break()
            self.preformatted(child.get_text(), language_of(child))
            self.block_break()
        elif name in HEADINGS:
            self.block_break()
            self.out.append("<b>")
            self.inline_children(child, in_quote=in_quote)
            self.out.append("</b>")
            self.block_break()
        elif name in ("ul", "ol"):
            self.block_break()
            self.list(child, depth=0, in_quote=in_quote)
            self.block_break()
        elif name == "table":
            self.block_break()
            self.preformatted(table_text(child), "")
            self.block_break()
        elif name == "blockquote":
            self.block_break()
            if in_quote:  # blockquotes cannot nest in Telegram: flatten the inner one
                self.inline_children(child, in_quote=True)
            else:
                inner = Converter()
                inner.inline_children(child, in_quote=True)
                self.out.append(f"<blockquote>{tidy(''.join(inner.out))}</blockquote>")
            self.block_break()
        elif name == "hr":
            self.block_break()
            self.out.append("———")
            self.block_break()
        elif name == "iframe":
            src = str(child.get("src") or "")
            if src.startswith(LINK_SCHEMES):
                self.block_break()
                self.out.append(f'<a href="{escape_attr(src)}">{escape(src)}</a>')
                self.block_break()
        elif name in ("p", "div", "section", "article", "figure", "figcaption", "center",
                      "header", "footer", "aside", "dl", "dt", "dd", "details", "summary"):
            self.block_break()
            if name == "figcaption":
                self.out.append("<i>")
                self.inline_children(child, in_quote=in_quote)
                self.out.append("</i>")
            else:
                self.inline_children(child, in_quote=in_quote)
            self.block_break()
        else:
            self.inline_children(child, in_quote=in_quote)

    def link(self, node: Tag, in_quote: bool) -> None:
        href = str(node.get("href") or "")
        if not href.startswith(LINK_SCHEMES):
            self.inline_children(node, in_quote=in_quote)
            return
        self.out.append(f'<a href="{escape_attr(href)}">')
        start = len(self.out)
        for child in node.children:
            if isinstance(child, Tag) and child.name == "img":
                self.out.append(escape(str(child.get("alt") or "") or "image"))
            else:
                self.node(child, in_quote=in_quote)
        if not "".join(self.out[start:]).strip():
            self.out.append(escape(href))
        self.out.append("</a>")

    def image(self, node: Tag) -> None:
        src = str(node.get("src") or "")
        alt = SPACES.sub(" ", str(node.get("alt") or "")).strip() or "Image"
        if src.startswith(("http://", "https://")):
            self.out.append(f'\n<a href="{escape_attr(src)}">🖼 {escape(alt)}</a>\n')

    def preformatted(self, code: str, language: str) -> None:
        code = code.strip("\n")
        if not code.strip():
            return
        if language:
            self.out.append(f'<pre><code class="language-{escape_attr(language)}">')
            self.out.append(escape(code))
            self.out.append("</code></pre>")
        else:
            self.out.append(f"<pre>{escape(code)}</pre>")

    def list(self, node: Tag, depth: int, in_quote: bool) -> None:
        ordered = node.name == "ol"
        number = int(str(node.get("start") or 1)) if str(node.get("start") or "1").isdigit() else 1
        for item in node.find_all("li", recursive=False):
            marker = f"{number}." if ordered else "•"
            number += 1
            self.out.append("\n" + "  " * depth + marker + " ")
            for child in item.children:
                if isinstance(child, Tag) and child.name in ("ul", "ol"):
                    self.list(child, depth + 1, in_quote)
                elif isinstance(child, Tag) and child.name == "p":
                    self.inline_children(child, in_quote=in_quote)
                else:
                    self.node(child, in_quote=in_quote)


def language_of(pre: Tag) -> str:
    for node in (pre.find("code"), pre):
        if isinstance(node, Tag):
            for cls in node.get("class") or []:
                if cls.startswith("language-") and re.fullmatch(r"language-[\w+#.-]+", cls):
                    return str(cls.removeprefix("language-"))
    return ""


def display_width(text: str) -> int:
    """Columns a monospace font gives ``text``: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table_text(table: Tag) -> str:
    rows = [[SPACES.sub(" ", cell.get_text()).strip() for cell in row.find_all(["th", "td"])]
            for row in table.find_all("tr")]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    columns = max(len(row) for row in rows)
    widths = [max((display_width(row[i]) for row in rows if i < len(row)), default=0)
              for i in range(columns)]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append(" | ".join(cells).rstrip())
        if index == 0 and table.find("th"):
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def tidy(markup: str) -> str:
    lines = [line.rstrip() for line in markup.split("\n")]
    return BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def to_telegram_html(html: str) -> str:
    """Telegram-HTML for ``html``: only the subset's tags, escaped text, no blank-line runs."""
    converter = Converter()
    converter.inline_children(BeautifulSoup(html, "html.parser"))
    return tidy("".join(converter.out))


def unescape(text: str) -> str:
    """Decode what Telegram decodes: the four named entities and numeric ones."""
    return ENTITY.sub(lambda m: htmllib.unescape(m.group(0)), text)


def plain(tg_html: str) -> str:
    return unescape(re.sub(r"<[^<>]*>", "", tg_html))


def visible_length(tg_html: str) -> int:
    """What Telegram counts against 4096/1024: code points after parsing, trimmed."""
    return len(plain(tg_html).strip())


@dataclass
class Token:
    kind: str  # "open", "close", "text"
    value: str
    name: str = ""


def tokens(tg_html: str) -> list[Token]:
    out = []
    for match in TOKEN.finditer(tg_html):
        closing, name, _attrs, text, stray = match.groups()
        if text is not None or stray is not None:
            out.append(Token("text", text if text is not None else stray))
        else:
            out.append(Token("close" if closing else "open", match.group(0), name.lower()))
    return out


def chunk_by_budget(tg_html: str, limit: int) -> list[str]:
    """Cut markup into parts of at most ``limit`` visible code points, closing and
    reopening tags across each cut so that every part parses on its own."""
    parts: list[str] = []
    stack: list[Token] = []
    current: list[str] = []
    used = 0
    for token in tokens(tg_html):
        if token.kind == "open":
            stack.append(token)
            current.append(token.value)
            continue
        if token.kind == "close":
            if stack:
                stack.pop()
            current.append(token.value)
            continue
        text = token.value
        while text:
            decoded = unescape(text)
            room = limit - used
            if len(decoded) <= room:
                current.append(text)
                used += len(decoded)
                break
            cut = cut_text(text, room)
            if cut > 0:
                current.append(text[:cut])
                text = text[cut:]
            parts.append("".join(current) + "".join(f"</{t.name}>" for t in reversed(stack)))
            current = [t.value for t in stack]
            used = 0
            text = text.lstrip("\n") if not any(t.name == "pre" for t in stack) else text
    if current:
        parts.append("".join(current))
    return [p for p in (tidy(part) for part in parts) if visible_length(p) > 0]


def cut_text(escaped: str, room: int) -> int:
    """Offset in escaped text at which at most ``room`` decoded characters stand,
    never inside an entity or grapheme, preferring a sentence end."""
    if room <= 0:
        return 0
    positions = []  # (escaped offset, decoded count) at every safe point
    decoded = 0
    offset = 0
    safe = set(cut_points(unescape(escaped)))
    while offset < len(escaped):
        match = ENTITY.match(escaped, offset)
        step = match.end() - offset if match else 1
        offset += step
        decoded += 1
        if decoded > room:
            break
        if decoded in safe:
            positions.append((offset, decoded))
    if not positions:
        return 0
    text = unescape(escaped)
    limit_decoded = positions[-1][1]
    preferred = best_cut(text, limit_decoded, [d for _o, d in positions])
    for esc_offset, dec in positions:
        if dec == preferred:
            return esc_offset
    return positions[-1][0]


def blocks(tg_html: str) -> list[str]:
    """Top-level blocks: split at blank lines that lie outside every tag."""
    out, start, depth, index = [], 0, 0, 0
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
        index = match.end()
    del index
    out.append(tg_html[start:])
    return [b for b in out if b.strip()]


def split_messages(tg_html: str, limit: int = 4096) -> list[str]:
    """Messages of at most ``limit`` visible characters, cut between blocks where possible."""
    messages: list[str] = []
    current = ""
    for block in blocks(tg_html):
        candidate = f"{current}\n\n{block}" if current else block
        if visible_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
            current = ""
        if visible_length(block) <= limit:
            current = block
        else:
            pieces = chunk_by_budget(block, limit)
            messages.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
    if current:
        messages.append(current)
    return messages


def fit_telegram(tg_html: str, limit: int, *, link: str | None = None) -> str:
    """Shorten markup to ``limit`` visible characters, ending with "…" and the link back."""
    tail = f'\n\n<a href="{escape_attr(link)}">{escape(link)}</a>' if link else ""
    if visible_length(tg_html + tail) <= limit:
        return tg_html + tail
    reserve = visible_length("…" + tail) + 2
    head = chunk_by_budget(tg_html, max(0, limit - reserve))
    first = head[0] if head else ""
    return tidy(insert_before_closing(first, "…")) + tail


def insert_before_closing(markup: str, suffix: str) -> str:
    match = re.search(r"(</[a-zA-Z-]+>)*\s*$", markup)
    index = match.start() if match else len(markup)
    return markup[:index] + suffix + markup[index:]


def validate(tg_html: str) -> None:
    """Raise ValueError, in Telegram's words, if Telegram would refuse this markup."""
    raw = tg_html.encode("utf-8")
    stack: list[str] = []
    for match in TOKEN.finditer(tg_html):
        closing, name, attrs, _text, stray = match.groups()
        where = len(tg_html[: match.start()].encode("utf-8"))
        if stray is not None:
            raise ValueError(f"Unsupported start tag at byte offset {where}")
        if name is None:
            continue
        lower = name.lower()
        if closing:
            if not stack:
                raise ValueError(f"Unexpected end tag at byte offset {where}")
            expected = stack.pop()
            if expected != lower:
                raise ValueError(f'Unmatched end tag at byte offset {where}, expected '
                                 f'"</{expected}>", found "</{lower}>"')
            continue
        if lower not in ALLOWED:
            raise ValueError(f'Unsupported start tag "{lower}" at byte offset {where}')
        if lower == "span" and 'tg-spoiler' not in (attrs or ""):
            raise ValueError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
        if stack and stack[-1] in ("code", "pre") and not (stack[-1] == "pre" and lower == "code"):
            raise ValueError(f'Entity "{lower}" cannot be nested in "{stack[-1]}" '
                             f"at byte offset {where}")
        if lower == "blockquote" and "blockquote" in stack:
            raise ValueError(f"Blockquotes cannot be nested at byte offset {where}")
        stack.append(lower)
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    del raw
