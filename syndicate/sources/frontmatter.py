"""Splitting a post file into front matter and body, with errors a person can act on.

Handles YAML (``---``) and TOML (``+++``) blocks, a UTF-8 BOM, CRLF line ends, and the
inputs that must not take a run down: non-UTF-8 bytes, binary files, huge files, and
YAML alias bombs (refused past a small number of aliases, before anything expands).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from syndicate.errors import SourceError

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 64


class GuardedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with many aliases (a billion-laughs bomb)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.constructor.ConstructorError(
                    None, None, f"more than {MAX_ALIASES} YAML aliases (refused: alias bomb?)", mark)
        return super().compose_node(parent, index)


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


FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def load_yaml(block: str) -> Any:
    """libyaml's safe loader when the block cannot hold an alias (no ``*`` at all, so no
    bomb), the alias-counting one otherwise: front matter is most of a cold run's parsing.
    A block libyaml refuses is read again by the Python loader, whose error marks name
    the line our messages have always named."""
    if FAST_LOADER is not None and "*" not in block:
        try:
            return yaml.load(block, Loader=FAST_LOADER)  # noqa: S506 - libyaml's safe loader
        except yaml.YAMLError:
            pass
    return yaml.load(block, Loader=GuardedLoader)  # noqa: S506 - SafeLoader subclass


def parse_yaml(block: str, rel: str) -> dict[str, Any]:
    try:
        data = load_yaml(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(rel, f"invalid YAML front matter: {problem}", line=line,
                          fix="fix the YAML syntax (quote values containing ':' or '#')") from None
    except ValueError as exc:  # well-formed YAML with an impossible value: date: 2021-13-45
        raise SourceError(rel, f"invalid value in the YAML front matter: {exc}", line=2,
                          fix="fix the value, or quote it to keep it as text") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(rel, "front matter is not a mapping of keys to values", line=2,
                          fix="write it as 'key: value' lines")
    return data


def parse_toml(block: str, rel: str) -> dict[str, Any]:
    try:
        return tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise SourceError(rel, f"invalid TOML front matter: {exc}",
                          line=line + 1 if line else None, fix="fix the TOML syntax") from None


def split(text: str, rel: str, *, required: bool) -> Split:
    """Front matter and body; ``required`` for generators that ignore files without it."""
    lines = text.split("\n")
    fence = lines[0].rstrip() if lines else ""
    if fence not in ("---", "+++"):
        if required:
            raise SourceError(rel, "no front matter: the generator does not publish this file",
                              line=1, fix="start the file with a '---' line, front matter, and '---'")
        return Split({}, text, 1)
    closers = ("---", "...") if fence == "---" else ("+++",)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in closers:
            block = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            meta = parse_yaml(block, rel) if fence == "---" else parse_toml(block, rel)
            return Split(meta, body, index + 2)
    raise SourceError(rel, f"front matter opened with '{fence}' is never closed", line=1,
                      fix=f"add a line '{fence}' after the front matter")
