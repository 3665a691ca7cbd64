"""No platform folder reads the process environment: secrets and settings reach an adapter
only through its settings object, which the core builds (and masks, and binds to an
account) from ``.env``, the environment and ``syndicate.toml``. An adapter that read
``os.environ`` itself would bypass all three, and a test could not hand it settings.

Checked on the code (not docstrings or comments) of every ``.py`` file under ``adapters/``:
any use of ``environ``, ``environb``, ``getenv``, ``getenvb``, ``putenv`` or ``unsetenv``
(as ``os.environ``, ``from os import environ``, ``posix.environ``...), and any import of
``dotenv``.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

FORBIDDEN = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})


def environment_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for each place ``source`` touches the environment."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.ImportFrom):
            names = {a.name for a in node.names}
            if (node.module or "").split(".")[0] == "dotenv" or names & FORBIDDEN:
                found.append((node.lineno, f"from {node.module} import {', '.join(sorted(names))}"))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names
                      if a.name.split(".")[0] == "dotenv"]
    return found


def test_the_check_finds_each_way_of_reading_the_environment() -> None:
    samples = ["import os\nos.environ['X']", "import os\nos.getenv('X')",
               "from os import environ\nenviron.get('X')", "from os import getenv",
               "import dotenv", "from dotenv import load_dotenv", "import posix\nposix.environ"]
    assert all(environment_reads(s) for s in samples)
    assert environment_reads("import os\nos.path.isfile('x')  # os.environ in a comment") == []
    assert environment_reads('"""Reads os.environ? No: only a docstring."""') == []


def test_no_adapter_reads_the_environment() -> None:
    files = sorted((ROOT / "adapters").rglob("*.py"))
    assert len(files) > 12  # every platform folder was scanned
    offenders = [f"{path.relative_to(ROOT)}:{line}: {what}"
                 for path in files for line, what in environment_reads(path.read_text("utf-8"))]
    assert offenders == []

