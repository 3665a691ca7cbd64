"""Pytest plugin: a real WordPress on loopback, for tests marked ``real_wordpress``.

Register it from ``tests/conftest.py`` with ``pytest_plugins = ["tests.realwp"]``.

The fixture ``real_wordpress`` (session scope) reuses a loopback server the environment
already points at (``SYNDICATE_WORDPRESS__BASE_URL`` on 127.0.0.1/localhost answering on
``/wp-json/``; a non-loopback URL is ignored, so tests never post to a real blog), else runs
``tests/servers/wordpress.sh up`` (data dir ``$SYNDICATE_WP_DIR`` or /tmp/syndicate-wp).
The last test session using it stops it, and only if a test session started it, so a
developer's long-running server survives and concurrent runs do not pull the server from
under each other. ``SYNDICATE_WP_KEEP=1`` leaves a server tests started running.

If the script fails the fixture *fails* with the script's output: a test that needs the
real server and silently skips would hide exactly the regressions it exists to catch.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.realserver import LOOPBACK_HOSTS, mark_also, parse_exports, session_server, up_failed

__all__ = ["RealWordPress", "SCRIPT", "data_dir", "from_environment", "parse_exports",
           "real_wordpress"]

SCRIPT = Path(__file__).parent / "servers" / "wordpress.sh"
UP_TIMEOUT_S = 600.0
"""A cold machine installs Debian packages first (~20-30 s here); generous for slow mirrors."""


@dataclass(frozen=True)
class RealWordPress:
    """Where the loopback WordPress answers and the throwaway credentials it was given."""

    base_url: str
    username: str
    app_password: str

    @property
    def api(self) -> str:
        """Root of the REST API (pretty permalinks are on)."""
        return f"{self.base_url}/wp-json"

    @property
    def auth(self) -> tuple[str, str]:
        """HTTP Basic credentials as httpx takes them."""
        return (self.username, self.app_password)


def from_environment(env: dict[str, str]) -> RealWordPress | None:
    """A server the environment names and that answers now, else None."""
    base = env.get("SYNDICATE_WORDPRESS__BASE_URL", "").rstrip("/")
    user = env.get("SYNDICATE_WORDPRESS__USERNAME", "")
    password = env.get("SYNDICATE_WORDPRESS__APP_PASSWORD", "")
    if not (base and user and password):
        return None
    if httpx.URL(base).host not in LOOPBACK_HOSTS:
        return None  # never write test posts to a real site someone exported credentials for
    try:
        answered = httpx.get(f"{base}/wp-json/", timeout=3.0).status_code == 200
    except httpx.HTTPError:
        answered = False
    return RealWordPress(base, user, password) if answered else None


def data_dir() -> Path:
    """The script's data dir (same default as wordpress.sh)."""
    return Path(os.environ.get("SYNDICATE_WP_DIR") or "/tmp/syndicate-wp")


def _exports_or_fail(result: subprocess.CompletedProcess[str]) -> RealWordPress:
    if result.returncode != 0:
        up_failed(SCRIPT, result, tail=None)
    exports = parse_exports(result.stdout)
    server = RealWordPress(
        exports.get("SYNDICATE_WORDPRESS__BASE_URL", ""),
        exports.get("SYNDICATE_WORDPRESS__USERNAME", ""),
        exports.get("SYNDICATE_WORDPRESS__APP_PASSWORD", ""),
    )
    if not all((server.base_url, server.username, server.app_password)):
        pytest.fail(f"wordpress.sh printed no usable exports:\n{result.stdout}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def real_wordpress() -> Iterator[RealWordPress]:
    """The loopback WordPress for this session (see the module docstring)."""
    existing = from_environment(dict(os.environ))
    if existing is not None:
        yield existing
        return
    yield from session_server(SCRIPT, data_dir(), UP_TIMEOUT_S, "SYNDICATE_WP_KEEP",
                              _exports_or_fail)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the real WordPress may install it: mark it ``system_packages`` too."""
    mark_also(items, "real_wordpress", pytest.mark.system_packages)
