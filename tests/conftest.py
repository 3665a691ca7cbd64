"""Shared test setup: the real-WordPress plugin and paths to the bundled example blog."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.realwp", "tests.realghost", "tests.realbsky"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_BLOG = ROOT / "examples" / "blog"
SEED_POST = EXAMPLE_BLOG / "_posts" / "想法" / "2021-01-28-xiaomi.md"


@pytest.fixture
def example_blog(tmp_path: Path) -> Path:
    """A private copy of the example blog, so a test may write its state file or edit posts."""
    import shutil

    target = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, target, ignore=shutil.ignore_patterns(".syndicate"))
    return target


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every platform fully configured with the sandbox's throwaway credentials, pointed at a
    port nothing listens on: plans list every platform, and nothing can be sent by accident."""
    from syndicate.sandbox.server import Sandbox

    env = {name: value for name, value in Sandbox(None).settings_env("http://127.0.0.1:9").items()
           if "__" in name}  # platform settings only, not the SYNDICATE_SANDBOX marker
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
