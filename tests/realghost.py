"""Pytest plugin: a real Ghost 6 on loopback, for tests marked ``real_ghost``.

Registered from ``tests/conftest.py``. The fixture ``real_ghost`` (session scope) reuses a
loopback Ghost the environment already points at (``SYNDICATE_GHOST__BASE_URL`` on
127.0.0.1/localhost answering ``/ghost/api/admin/site/``; any other host is ignored, so
tests never post to a real publication), else runs ``tests/servers/ghost.sh up`` (data dir
``$SYNDICATE_GHOST_DIR`` or /tmp/syndicate-ghost). A cold machine installs Ghost first
(minutes: the script caches the install, so later runs only boot it). The last test
session using a server tests started stops it (leases, as for WordPress);
``SYNDICATE_GHOST_KEEP=1`` leaves it running.

If the script fails the fixture *fails* with its output: a skipped real-server test would
hide exactly the regressions it exists to catch.
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

SCRIPT = Path(__file__).parent / "servers" / "ghost.sh"
UP_TIMEOUT_S = 3600.0
"""A cold install took ~16 minutes on this project's busy 2-core machine (~4 when idle)."""


@dataclass(frozen=True)
class RealGhost:
    """Where the loopback Ghost answers and the Admin API key it was given."""

    base_url: str
    admin_api_key: str

    @property
    def api(self) -> str:
        return f"{self.base_url}/ghost/api/admin"


def from_environment(env: dict[str, str]) -> RealGhost | None:
    base = env.get("SYNDICATE_GHOST__BASE_URL", "").rstrip("/")
    key = env.get("SYNDICATE_GHOST__ADMIN_API_KEY", "")
    if not (base and key) or httpx.URL(base).host not in LOOPBACK_HOSTS:
        return None
    try:
        answered = httpx.get(f"{base}/ghost/api/admin/site/", timeout=3.0).status_code == 200
    except httpx.HTTPError:
        answered = False
    return RealGhost(base, key) if answered else None


def data_dir() -> Path:
    return Path(os.environ.get("SYNDICATE_GHOST_DIR") or "/tmp/syndicate-ghost")


def _server_or_fail(result: subprocess.CompletedProcess[str]) -> RealGhost:
    if result.returncode != 0:
        up_failed(SCRIPT, result, tail=4000)
    exports = parse_exports(result.stdout)
    server = RealGhost(exports.get("SYNDICATE_GHOST__BASE_URL", ""),
                       exports.get("SYNDICATE_GHOST__ADMIN_API_KEY", ""))
    if not (server.base_url and server.admin_api_key):
        pytest.fail("ghost.sh printed no usable exports", pytrace=False)
    return server


@pytest.fixture(scope="session")
def real_ghost() -> Iterator[RealGhost]:
    """The loopback Ghost for this session (see the module docstring)."""
    existing = from_environment(dict(os.environ))
    if existing is not None:
        yield existing
        return
    yield from session_server(SCRIPT, data_dir(), UP_TIMEOUT_S, "SYNDICATE_GHOST_KEEP",
                              _server_or_fail)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the real Ghost may install packages: mark it ``system_packages`` too."""
    mark_also(items, "real_ghost", pytest.mark.system_packages)
