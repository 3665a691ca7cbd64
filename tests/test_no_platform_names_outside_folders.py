"""Adding a platform touches exactly its folder and one entry point: nothing else names one.

What counts as naming a platform: a registry key (``medium``, ``wordpress``, ...) appearing
as a whole word — words split at ``_`` and every non-alphanumeric character, any case — in
an identifier or a string literal of Python code. Comments and docstrings do not count:
they may use a platform as an example ("Telegram counts code points after parsing"),
and no behaviour hangs on them.

Where: every ``.py`` file under ``syndicate/`` and the test helpers (``tests/*.py`` that
are not ``test_*.py``). Allowed, and why:

- ``syndicate/dialects/``: text formats, not platforms. A format is named for whoever
  defined it (Telegram's HTML subset, Telegraph's node tree) and any adapter may use it;
  likewise a dialect's own name (``Dialect.TELEGRAM_HTML``) is a format's name wherever
  it appears, so the Dialect values are taken out of every token before matching.
- ``tests/realwp.py``, ``tests/realghost.py``: the harnesses that start one platform's
  real server (``tests/servers/wordpress.sh``, ``ghost.sh``) for that platform's own tests.
- Not scanned: each platform's tests (``tests/test_<platform>_*.py`` test that platform),
  ``bench/`` (measurements of particular platforms' paths), and files that are data or
  generated: ``pyproject.toml``'s entry points (the one line a platform adds),
  ``.env.example`` and the README's platform table (generated from the folders, checked
  by tests/test_platform_folders.py), and prose (README, docs/).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from syndicate.adapter import Dialect
from syndicate.registry import available
from tests.conftest import ROOT

ALLOWED = ("syndicate/dialects/", "tests/realwp.py", "tests/realghost.py", "tests/realbsky.py")
WORD = re.compile(r"[a-z0-9]+")
DIALECTS = sorted((d.value for d in Dialect), key=len, reverse=True)  # telegram_html before html


def scanned_files() -> list[Path]:
    files = sorted((ROOT / "syndicate").rglob("*.py"))
    files += sorted(p for p in (ROOT / "tests").glob("*.py") if not p.name.startswith("test_"))
    return [p for p in files if not p.relative_to(ROOT).as_posix().startswith(ALLOWED)]


def docstring_lines(tree: ast.AST) -> set[int]:
    """Lines where a bare string statement starts (module, class, function, attribute docs)."""
    return {node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}


def names_in(source: str, platforms: set[str]) -> list[tuple[int, str, str]]:
    """(line, platform, token) for every token of code that names one of ``platforms``."""
    docs = docstring_lines(ast.parse(source))
    text_kinds = {tokenize.NAME, tokenize.STRING}
    text_kinds |= {getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in text_kinds or token.start[0] in docs and token.type == tokenize.STRING:
            continue
        text = token.string.lower()
        for dialect in DIALECTS:
            text = text.replace(dialect, " ")
        words = set(WORD.findall(text.replace("_", " ")))
        found += [(token.start[0], name, token.string[:60]) for name in sorted(words & platforms)]
    return found


def test_the_scanner_sees_names_in_code_but_not_in_prose() -> None:
    source = ('"""Telegram counts code points."""\n'
              "# wordpress in a comment\n"
              "MODE = 'telegram_html'\n"
              "def fit_telegram(): return {'wordpress': 1, 'x': f'/{name}/medium/v1'}\n")
    hits = names_in(source, {"telegram", "wordpress", "medium"})
    assert [(line, name) for line, name, _ in hits] == [(4, "telegram"), (4, "wordpress"),
                                                        (4, "medium")]


def test_no_file_outside_the_platform_folders_names_a_built_in_platform() -> None:
    platforms = set(available())
    assert platforms, "the registry lists the built-in platforms"
    offenders = {}
    for path in scanned_files():
        hits = names_in(path.read_text(encoding="utf-8"), platforms)
        if hits:
            offenders[path.relative_to(ROOT).as_posix()] = hits[:3]
    assert offenders == {}
