"""Pytest plugin: a real WordPress on loopback, for tests marked ``real_wordpress``.

Register it from ``tests/conftest.py`` with ``pytest_plugins = ["tests.realwp"]``.

The fixture ``real_wordpress`` (session scope) reuses a loopback server the environment
already points at (``SYNDICATE_WORDPRESS__BASE_URL`` on 127.0.0.1/localhost answering on
``/wp-json/``; a non-loopback URL is ignored, so tests never post to a real blog), else runs
``tests/servers/wordpress.sh up`` and stops the server at the end of the session -- but
only if this session started it, so a developer's long-running server survives. Set
``SYNDICATE_WP_KEEP=1`` to leave a server this session started running for the next run.

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

SCRIPT = Path(__file__).parent / "servers" / "wordpress.sh"
UP_TIMEOUT_S = 600.0
"""A cold machine installs Debian packages first (~20-30 s here); generous for slow mirrors."""
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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


def parse_exports(text: str) -> dict[str, str]:
    """Read the ``export NAME=value`` lines the script prints (values never need quoting)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            name, _, value = line.removeprefix("export ").partition("=")
            found[name.strip()] = value.strip()
    return found


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


def _run(action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), action], capture_output=True, text=True, timeout=UP_TIMEOUT_S, check=False
    )


def _server_from_script() -> tuple[RealWordPress, bool]:
    """Start (or find) the script's server; the flag says whether this call started it."""
    already = _run("env")
    result = already if already.returncode == 0 else _run("up")
    if result.returncode != 0:
        pytest.fail(
            f"tests/servers/wordpress.sh up failed (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    exports = parse_exports(result.stdout)
    server = RealWordPress(
        exports.get("SYNDICATE_WORDPRESS__BASE_URL", ""),
        exports.get("SYNDICATE_WORDPRESS__USERNAME", ""),
        exports.get("SYNDICATE_WORDPRESS__APP_PASSWORD", ""),
    )
    if not all((server.base_url, server.username, server.app_password)):
        pytest.fail(f"wordpress.sh printed no usable exports:\n{result.stdout}", pytrace=False)
    return server, already.returncode != 0


@pytest.fixture(scope="session")
def real_wordpress() -> Iterator[RealWordPress]:
    """The loopback WordPress for this session (see the module docstring)."""
    existing = from_environment(dict(os.environ))
    if existing is not None:
        yield existing
        return
    server, started = _server_from_script()
    try:
        yield server
    finally:
        if started and os.environ.get("SYNDICATE_WP_KEEP") != "1":
            _run("down")
