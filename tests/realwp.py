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

import fcntl
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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


def data_dir() -> Path:
    """The script's data dir (same default as wordpress.sh)."""
    return Path(os.environ.get("SYNDICATE_WP_DIR") or "/tmp/syndicate-wp")


def _run(action: str, where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), action, str(where)],
        capture_output=True, text=True, timeout=UP_TIMEOUT_S, check=False,
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Leases:
    """Which pytest sessions use the script's server, so the last one out stops it.

    Several engineers' test runs share one machine: a session that started the server must
    not stop it under another session still using it. Each session holds a lease file named
    by its pid; the server is stopped when the last lease goes, and only if a test session
    (not a developer by hand) started it. All decisions happen under one file lock.
    """

    def __init__(self, where: Path) -> None:
        self.dir = where / "leases"
        self.marker = where / "started-by-tests"
        self.lockfile = where / ".leases.lock"

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self.lockfile.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def take(self) -> None:
        (self.dir / str(os.getpid())).touch()

    def release(self) -> bool:
        """Drop this session's lease (and dead ones); True if nobody holds one any more."""
        (self.dir / str(os.getpid())).unlink(missing_ok=True)
        for lease in self.dir.iterdir():
            if not (lease.name.isdigit() and _pid_alive(int(lease.name))):
                lease.unlink(missing_ok=True)
        return not any(self.dir.iterdir())


def _exports_or_fail(result: subprocess.CompletedProcess[str]) -> RealWordPress:
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
    return server


@pytest.fixture(scope="session")
def real_wordpress() -> Iterator[RealWordPress]:
    """The loopback WordPress for this session (see the module docstring)."""
    existing = from_environment(dict(os.environ))
    if existing is not None:
        yield existing
        return
    where = data_dir()
    where.mkdir(parents=True, exist_ok=True)
    leases = Leases(where)
    with leases.locked():
        leases.take()
        result = _run("env", where)
        if result.returncode != 0:
            result = _run("up", where)
            if result.returncode == 0:
                leases.marker.touch()
        if result.returncode != 0:
            leases.release()
        server = _exports_or_fail(result)
    try:
        yield server
    finally:
        with leases.locked():
            if (leases.release() and leases.marker.exists()
                    and os.environ.get("SYNDICATE_WP_KEEP") != "1"):
                _run("down", where)
                leases.marker.unlink(missing_ok=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the real WordPress may install it: mark it ``system_packages`` too."""
    for item in items:
        if item.get_closest_marker("real_wordpress") is not None:
            item.add_marker(pytest.mark.system_packages)
