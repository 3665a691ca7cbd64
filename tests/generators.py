"""Debian's jekyll and hugo for the tests that use the generator oracle: installed by
tests/servers/generators.sh when missing (system packages), once per session."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "servers" / "generators.sh"


@cache
def _install() -> str:
    if shutil.which("jekyll") and shutil.which("hugo"):
        return ""
    done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, check=False)
    return "" if done.returncode == 0 else done.stderr[-2000:]


def ensure_generators() -> None:
    problem = _install()
    if problem:
        pytest.fail(f"tests/servers/generators.sh failed:\n{problem}", pytrace=False)
