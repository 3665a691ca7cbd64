"""Splitting a post file into front matter and body, with errors a person can act on.

python-frontmatter detects the format and splits and loads the block through its
handler API, with two handlers of ours: YAML (``---``, closed by ``---`` or ``...`` as
Jekyll allows) on an alias-guarded safe loader, and TOML (``+++``) on the standard
library's parser (the library's own TOML handler needs the unmaintained ``toml``
package). Its ``frontmatter.parse`` is not used: it strips the body, which moves every
line number and can turn an indented code block at the top of a post into a paragraph.

Inputs that must not take a run down are refused with the file and line: non-UTF-8
bytes, binary files, huge files, YAML alias bombs (refused past a small number of
aliases, before anything expands), front matter nested too deeply, and a key written
twice (the later one would silently win, and a repeated ``syndicate:`` block can turn
a renamed post into a new one). A UTF-8 BOM and CRLF line ends are read as usual.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from syndicate.errors import SourceError

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 64
MAX_DEPTH = 32
"""Front matter deeper than this is refused as it is read (real posts nest 2 or 3)."""


class DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping names the same key twice; ``key`` says which."""

    def __init__(self, key: str, mark: Any) -> None:
        super().__init__(None, None, f"the key '{key}' appears twice", mark)
        self.key = key


class GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses alias bombs, deep nesting and repeated keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.constructor.ConstructorError(
                    None, None, f"more than {MAX_ALIASES} YAML aliases (refused: alias bomb?)", mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.constructor.ConstructorError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base class says so in its own words
                continue
            if repeated:
                raise DuplicateKey(str(key), key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


class Unclosed(ValueError):
    """The opening fence has no closing one."""


def fenced(text: str, closers: tuple[str, ...]) -> tuple[str, str]:
    """(front matter, body) of a text whose first line is a fence; the body keeps every
    line as it was, so line numbers stay true."""
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in closers:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:])
    raise Unclosed(lines[0].rstrip())


class GuardedYAML(YAMLHandler):
    """python-frontmatter's YAML handler, split as Jekyll does and loaded safely."""

    FM_BOUNDARY = re.compile(r"^---[ \t]*$", re.MULTILINE)

    def split(self, text: str) -> tuple[str, str]:
        return fenced(text, ("---", "..."))

    def load(self, fm: str, **_kwargs: object) -> Any:
        return yaml.load(fm, Loader=GuardedLoader)  # noqa: S506 - a SafeLoader subclass


class StdlibTOML(BaseHandler):
    """TOML front matter (Hugo's ``+++``), parsed by the standard library."""

    FM_BOUNDARY = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def split(self, text: str) -> tuple[str, str]:
        return fenced(text, ("+++",))

    def load(self, fm: str, **_kwargs: object) -> Any:
        return tomllib.loads(fm)


YAML_HANDLER, TOML_HANDLER = GuardedYAML(), StdlibTOML()


@dataclass(frozen=True)
class Split:
    meta: dict[str, Any]
    body: str
    body_line: int
    """1-based line of the file where the body starts (for notices)."""


def read_text(path: Path, rel: str) -> str:
    """The file as text, or a SourceError that says what is wrong with its bytes."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        megabytes, limit = size // (1024 * 1024), MAX_BYTES // (1024 * 1024)
        raise SourceError(rel, f"file is {megabytes} MB, over the {limit} MB limit",
                          fix="split the post or move large content out of the Markdown file")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise SourceError(rel, "binary file (NUL bytes) in a posts folder",
                          fix="move it out of the posts folder")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(rel, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                          line=line, fix="re-save the file as UTF-8") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(block: str, rel: str) -> dict[str, Any]:
    try:
        data = YAML_HANDLER.load(block)
    except DuplicateKey as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark is not None else None
        fix = f"keep one '{exc.key}:' and merge the two into it"
        if exc.key == "syndicate":
            fix += (', one block with every setting, e.g. syndicate: {key: "…", '
                    "platforms: […]}")
        raise SourceError(rel, f"front matter: the key '{exc.key}' appears twice (the later one "
                          "would silently win)", line=line, field=exc.key, fix=fix) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(rel, f"invalid YAML front matter: {problem}", line=line,
                          fix="fix the YAML syntax (quote values containing ':' or '#')") from None
    except ValueError as exc:  # well-formed YAML with an impossible value: date: 2021-13-45
        raise SourceError(rel, f"invalid value in the YAML front matter: {exc}", line=2,
                          fix="fix the value, or quote it to keep it as text") from None
    return as_mapping(data, rel)


def parse_toml(block: str, rel: str) -> dict[str, Any]:
    try:
        data = TOML_HANDLER.load(block)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise SourceError(rel, f"invalid TOML front matter: {exc}",
                          line=line + 1 if line else None, fix="fix the TOML syntax") from None
    except RecursionError:
        raise SourceError(rel, "front matter nested too deeply", line=2,
                          fix="flatten the front matter") from None
    if nesting(data) > MAX_DEPTH:
        raise SourceError(rel, f"front matter nested more than {MAX_DEPTH} levels deep", line=2,
                          fix="flatten the front matter")
    return as_mapping(data, rel)


def as_mapping(data: Any, rel: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(rel, "front matter is not a mapping of keys to values", line=2,
                          fix="write it as 'key: value' lines")
    return data


def nesting(value: Any) -> int:
    """How deep tables and arrays go, without recursion (a hostile file could go deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = list(item.values()) if isinstance(item, dict) else (
            item if isinstance(item, list) else [])
        if children:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def split(text: str, rel: str, *, required: bool) -> Split:
    """Front matter and body; ``required`` for generators that ignore files without it."""
    handler = frontmatter.detect_format(text, (YAML_HANDLER, TOML_HANDLER))
    if handler is None:
        if required:
            raise SourceError(rel, "no front matter: the generator does not publish this file",
                              line=1, fix="start the file with a '---' line, front matter, and '---'")
        return Split({}, text, 1)
    try:
        block, body = handler.split(text)
    except Unclosed as exc:
        raise SourceError(rel, f"front matter opened with '{exc}' is never closed", line=1,
                          fix=f"add a line '{exc}' after the front matter") from None
    meta = parse_toml(block, rel) if handler is TOML_HANDLER else parse_yaml(block, rel)
    return Split(meta, body, text[: len(text) - len(body)].count("\n") + 1)
