"""Pytest plugin: a real Bluesky PDS on loopback, for tests marked ``real_bluesky``.

Registered from ``tests/conftest.py``. The session fixture ``real_bluesky`` reuses a
loopback PDS the environment already names (``SYNDICATE_BLUESKY__BASE_URL`` on 127.0.0.1 or
localhost, answering ``/xrpc/_health``; any other host is ignored, so tests never post to
a real Bluesky), else runs ``tests/servers/bluesky.sh up`` (data dir ``$SYNDICATE_BSKY_DIR``
or /tmp/syndicate-bluesky). The first run on a machine installs Node 22 and the PDS
(minutes); later runs start from the cache in seconds. The last test session using the
server stops it, and only if a test session started it (``SYNDICATE_BSKY_KEEP=1`` keeps it).

If the script fails the fixture *fails* with its output: a silently skipped real-server
test would hide exactly the disagreements between our fake and the real PDS.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.realserver import LOOPBACK_HOSTS, parse_exports, session_server, up_failed

SCRIPT = Path(__file__).parent / "servers" / "bluesky.sh"
UP_TIMEOUT_S = 1800.0
"""A cold machine installs Node 22 and compiles the PDS's native modules (minutes)."""


@dataclass(frozen=True)
class RealBluesky:
    base_url: str
    identifier: str
    app_password: str

    def env(self) -> dict[str, str]:
        return {"SYNDICATE_BLUESKY__BASE_URL": self.base_url,
                "SYNDICATE_BLUESKY__IDENTIFIER": self.identifier,
                "SYNDICATE_BLUESKY__APP_PASSWORD": self.app_password}


def from_environment(env: dict[str, str]) -> RealBluesky | None:
    base = env.get("SYNDICATE_BLUESKY__BASE_URL", "").rstrip("/")
    who, password = env.get("SYNDICATE_BLUESKY__IDENTIFIER", ""), env.get(
        "SYNDICATE_BLUESKY__APP_PASSWORD", "")
    if not (base and who and password) or httpx.URL(base).host not in LOOPBACK_HOSTS:
        return None
    try:
        answered = httpx.get(f"{base}/xrpc/_health", timeout=3.0).status_code == 200
    except httpx.HTTPError:
        answered = False
    return RealBluesky(base, who, password) if answered else None


def data_dir() -> Path:
    return Path(os.environ.get("SYNDICATE_BSKY_DIR") or "/tmp/syndicate-bluesky")


def _server_or_fail(result: subprocess.CompletedProcess[str]) -> RealBluesky:
    if result.returncode != 0:
        up_failed(SCRIPT, result, tail=4000)
    exports = parse_exports(result.stdout)
    server = RealBluesky(exports.get("SYNDICATE_BLUESKY__BASE_URL", ""),
                         exports.get("SYNDICATE_BLUESKY__IDENTIFIER", ""),
                         exports.get("SYNDICATE_BLUESKY__APP_PASSWORD", ""))
    if not all((server.base_url, server.identifier, server.app_password)):
        pytest.fail(f"bluesky.sh printed no usable exports:\n{result.stdout}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def real_bluesky() -> Iterator[RealBluesky]:
    """The loopback PDS for this session (see the module docstring)."""
    existing = from_environment(dict(os.environ))
    if existing is not None:
        yield existing
        return
    yield from session_server(SCRIPT, data_dir(), UP_TIMEOUT_S, "SYNDICATE_BSKY_KEEP",
                              _server_or_fail)
