"""The fake Telegram server's own reading of ``parse_mode=HTML`` (telegram.md §4).

Written independently of ``syndicate.dialects.telegram`` on purpose: the fake must judge
the adapter's output by Telegram's rules, not by the code under test. It follows TDLib's
parser shape: decode ``&lt; &gt; &amp; &quot;`` and numeric entities (other ``&name;`` stay
literal), accept only the whitelisted tags, report structural mistakes with UTF-8 byte
offsets in Telegram's exact wording, and return plain text plus entities (UTF-16 offsets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class ParseError(ValueError):
    """Telegram's ``can't parse entities`` detail."""


@dataclass
class Open:
    name: str
    attrs: dict[str, str]
    start: int  # offset in the output, UTF-16 units
    entity: dict[str, Any] = field(default_factory=dict)
    piece: int = 0  # index into the output pieces, to read the element's text at its end


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entity_at(text: str, i: int) -> tuple[str, int]:
    """Decode the entity at ``text[i] == '&'``; unknown ones are a literal ``&``."""
    end = text.find(";", i + 1, i + 12)
    if end == -1:
        return "&", i + 1
    body = text[i + 1 : end]
    if body in NAMED:
        return NAMED[body], end + 1
    try:
        if body[:2] in ("#x", "#X"):
            return chr(int(body[2:], 16)), end + 1
        if body[:1] == "#" and body[1:].isdigit():
            return chr(int(body[1:])), end + 1
    except (ValueError, OverflowError):
        pass
    return "&", i + 1


def is_name(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_")


def parse(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of ``text``, or ParseError with Telegram's detail."""

    def where(i: int) -> int:
        return len(text[:i].encode("utf-8"))

    out: list[str] = []
    length = 0
    stack: list[Open] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            piece, i = entity_at(text, i)
            out.append(piece)
            length += utf16(piece)
            continue
        if ch != "<":
            out.append(ch)
            length += utf16(ch)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i += 1
            j = i
            while j < n and is_name(text[j]):
                j += 1
            name = text[i:j].lower()
            if j >= n or text[j] != ">":
                raise ParseError(f"Unclosed end tag at byte offset {where(begin)}")
            i = j + 1
            if not stack:
                raise ParseError(f"Unexpected end tag at byte offset {where(begin)}")
            top = stack.pop()
            if name and name != top.name:
                raise ParseError(
                    f"Unmatched end tag at byte offset {where(begin)}, expected "
                    f'"</{top.name}>", found "</{name}>"'
                )
            if top.name == "a" and "href" not in top.attrs:  # the text is the URL
                top.entity = link_entity("".join(out[top.piece :]))
            if length > top.start and top.entity:
                entities.append({**top.entity, "offset": top.start, "length": length - top.start})
            continue
        j = i  # TDLib takes everything up to whitespace or ">" as the name: "<br/>" is "br/"
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise ParseError(f"Unclosed start tag at byte offset {where(begin)}")
        name = text[i:j].lower()
        if name not in KINDS:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {where(begin)}')
        attrs, i = attributes(text, j, name, begin, where)
        entity = entity_of(name, attrs, stack, begin, where)
        stack.append(Open(name, attrs, length, entity, len(out)))
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def attributes(text: str, i: int, tag: str, begin: int, where: Any) -> tuple[dict[str, str], int]:
    n = len(text)
    attrs: dict[str, str] = {}
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise ParseError(f'Unclosed start tag "{tag}" at byte offset {where(begin)}')
        if text[i] == ">":
            return attrs, i + 1
        j = i
        while j < n and is_name(text[j]):
            j += 1
        if j == i:
            raise ParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {where(begin)}'
            )
        key, i = text[i:j].lower(), j
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != "=":
            attrs[key] = ""
            continue
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise ParseError(f"Unexpected end of name token at byte offset {where(i)}")
        if text[i] in "\"'":
            quote, i = text[i], i + 1
            value: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "&":
                    piece, i = entity_at(text, i)
                    value.append(piece)
                else:
                    value.append(text[i])
                    i += 1
            if i >= n:
                raise ParseError(f'Unclosed start tag "{tag}" at byte offset {where(begin)}')
            attrs[key], i = "".join(value), i + 1
        else:
            j = i
            while j < n and is_name(text[j]):
                j += 1
            if j == i:
                raise ParseError(f"Unexpected end of name token at byte offset {where(i)}")
            attrs[key], i = text[i:j], j


def entity_of(
    name: str, attrs: dict[str, str], stack: list[Open], begin: int, where: Any
) -> dict[str, Any]:
    kind = KINDS[name]
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {where(begin)}')
    if name == "tg-emoji":
        if not attrs.get("emoji-id", "").isdigit():
            raise ParseError("Invalid custom emoji identifier specified")
        return {"type": kind, "custom_emoji_id": attrs["emoji-id"]}
    if name == "a":
        return link_entity(attrs.get("href", ""))
    if name == "code" and stack and stack[-1].name == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].entity["language"] = language[len("language-") :]
        return {}
    if name == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    return {"type": kind}


def link_entity(url: str) -> dict[str, Any]:
    """A link whose URL Telegram cannot use is dropped silently; its text stays."""
    usable = url.startswith(("http://", "https://", "tg://"))
    return {"type": "text_link", "url": url} if usable else {}


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace as TDLib does, moving entity offsets with it."""
    left = utf16(text[: len(text) - len(text.lstrip())])
    stripped = text.strip()
    size = utf16(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - left, 0)
        end = min(entity["offset"] + entity["length"] - left, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
