"""What every real-server fixture shares: run a ``tests/servers/*.sh`` script, read its
exports, and share one server among concurrent pytest sessions.

``tests/realwp.py``, ``tests/realghost.py`` and ``tests/realbsky.py`` each describe one
server (its script, data dir, the exports it prints); ``session_server`` is the life cycle
they have in common. A server the environment already names is reused by the caller
before this runs; otherwise ``session_server`` runs the script's ``env`` (a server someone
already started in the data dir) or ``up``. Each session holds a lease; the last one out
runs ``down``, and only if a test session (not a developer by hand) started the server.
A failing script fails the test with its output: a real-server test that silently skips
would hide exactly the regressions it exists to catch.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Hosts a fixture may reuse from the environment: never a real site someone exported."""

ServerT = TypeVar("ServerT")


def parse_exports(text: str) -> dict[str, str]:
    """Read the ``export NAME=value`` lines the scripts print (values never need quoting)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            name, _, value = line.removeprefix("export ").partition("=")
            found[name.strip()] = value.strip()
    return found


def run_script(script: Path, action: str, where: Path,
               timeout: float) -> subprocess.CompletedProcess[str]:
    """``script action where``, its output captured (the scripts print exports on stdout)."""
    return subprocess.run([str(script), action, str(where)], capture_output=True, text=True,
                          timeout=timeout, check=False)


def up_failed(script: Path, result: subprocess.CompletedProcess[str], tail: int | None) -> None:
    """Fail the test with the script's output (stderr cut to its last ``tail`` characters)."""
    stderr = result.stderr if tail is None else result.stderr[-tail:]
    pytest.fail(f"tests/servers/{script.name} up failed (exit {result.returncode}):\n"
                f"{result.stdout}\n{stderr}", pytrace=False)


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


def session_server(
    script: Path, where: Path, timeout: float, keep_variable: str,
    server_from: Callable[[subprocess.CompletedProcess[str]], ServerT],
) -> Iterator[ServerT]:
    """The body of a session fixture (``yield from`` it): the server of ``script`` in data
    dir ``where``, leased for this session. ``server_from`` turns the script's answer into
    the server object, failing the test when the script failed. ``keep_variable`` set to
    ``1`` leaves a server tests started running."""
    where.mkdir(parents=True, exist_ok=True)
    leases = Leases(where)
    with leases.locked():
        leases.take()
        result = run_script(script, "env", where, timeout)
        if result.returncode != 0:
            result = run_script(script, "up", where, timeout)
            if result.returncode == 0:
                leases.marker.touch()
        if result.returncode != 0:
            leases.release()
        server = server_from(result)
    try:
        yield server
    finally:
        with leases.locked():
            if (leases.release() and leases.marker.exists()
                    and os.environ.get(keep_variable) != "1"):
                run_script(script, "down", where, timeout)
                leases.marker.unlink(missing_ok=True)


def mark_also(items: list[pytest.Item], marker: str, also: pytest.MarkDecorator) -> None:
    """Give every test marked ``marker`` the mark ``also`` (a server that installs
    packages makes its tests ``system_packages`` ones)."""
    for item in items:
        if item.get_closest_marker(marker) is not None:
            item.add_marker(also)
