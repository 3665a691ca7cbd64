"""What a content-only build returns, and the marker each page carries back to its file.

Every replacement layout prints ``<!--syndicate {"path": ..., "url": ...}-->`` before the
content, so a built page is mapped back to its source file exactly (and its URL is known
to compare with syndicate's own canonical URL), whatever the permalink scheme.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"<!--syndicate (\{.*?\})-->")
TIMEOUT = 600
ERROR_LINES = 6
"""How many lines of the generator's error a post's error quotes."""


class GeneratorFailed(Exception):
    """The generator stopped; ``path`` is the source file it blamed, if it named one."""

    def __init__(self, message: str, path: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class BuiltPage:
    url: str
    html: str


@dataclass
class Built:
    """Pages by source path relative to the site root, and posts the generator refused."""

    pages: dict[str, BuiltPage] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    version: str = ""
    """How the generator was run ("jekyll", "bundle exec jekyll", "hugo")."""
    missing: tuple[str, ...] = ()
    """Plugins or a theme gem the site names that are not installed here: the live site's
    bodies may hold what they add and these do not."""


def collect(dest: Path, prefix: str) -> dict[str, BuiltPage]:
    """Every marked page under ``dest``; the marker's path is relative to a folder that
    ``prefix`` (e.g. "content/") makes relative to the site root."""
    pages: dict[str, BuiltPage] = {}
    for folder, _dirs, files in os.walk(dest):
        for name in files:
            if not name.endswith(".html"):
                continue
            text = Path(folder, name).read_text(encoding="utf-8", errors="replace")
            match = MARKER.match(text)
            if match is None:
                continue
            data = json.loads(match.group(1))
            if not data.get("path"):
                continue  # a list page with no file of its own (a Hugo section without _index.md)
            rel = prefix + str(data["path"]).replace(os.sep, "/").lstrip("/")
            pages[rel] = BuiltPage(url=str(data.get("url") or ""), html=text[match.end():])
    return pages


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, float]:
    """(exit code, combined output, seconds)."""
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, **(env or {})}, check=False)
    except subprocess.TimeoutExpired:
        return 124, f"{command[0]} took longer than {TIMEOUT} s", time.monotonic() - started
    return done.returncode, (done.stdout + done.stderr), time.monotonic() - started


def excerpt(output: str) -> str:
    """The generator's own error lines, shortest useful form, for a post's error."""
    lines = [line.strip() for line in output.splitlines()
             if re.search(r"error|exception|fail", line, re.I) and line.strip()]
    return " | ".join((lines or [line.strip() for line in output.splitlines() if line.strip()][-2:])
                      [:ERROR_LINES])
