"""The life cycle of tests/servers/wordpress.sh in a data dir of its own.

It must be idempotent, restart with the same address and credentials, and stop exactly
the process groups it started. Runs a second, private server so the session's shared one
is untouched (cold setup here takes ~3 s; the WordPress .deb comes from the script's
cache, so no network is used once the shared server exists).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.realwp import SCRIPT, parse_exports

pytestmark = pytest.mark.real_wordpress


def run(action: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), action, str(data_dir)], capture_output=True, text=True,
                          timeout=600, check=False)


def state(pid: int) -> str:
    """Process state letter from /proc, or "" when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return ""


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is pgid."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


@pytest.fixture
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("wp")
    try:
        yield path
    finally:
        run("down", path)


def test_up_env_restart_down(data_dir: Path) -> None:
    first = run("up", data_dir)
    assert first.returncode == 0, first.stderr
    exports = parse_exports(first.stdout)
    assert sorted(exports) == [
        "SYNDICATE_WORDPRESS__APP_PASSWORD",
        "SYNDICATE_WORDPRESS__BASE_URL",
        "SYNDICATE_WORDPRESS__USERNAME",
    ]
    assert first.stdout.count("\n") == 3
    base = exports["SYNDICATE_WORDPRESS__BASE_URL"]
    assert base.startswith("http://127.0.0.1:")
    auth = (exports["SYNDICATE_WORDPRESS__USERNAME"], exports["SYNDICATE_WORDPRESS__APP_PASSWORD"])
    assert httpx.get(f"{base}/wp-json/wp/v2/users/me", auth=auth, timeout=30).status_code == 200

    assert run("env", data_dir).stdout == first.stdout
    again = run("up", data_dir)
    assert (again.returncode, again.stdout) == (0, first.stdout)

    pgids = [int((data_dir / f"{name}.pid").read_text()) for name in ("php", "mariadb")]
    assert len(group_members(pgids[0])) == 5  # php -S and its four workers
    assert group_members(pgids[1])

    down = run("down", data_dir)
    assert down.returncode == 0, down.stderr
    assert [group_members(g) for g in pgids] == [[], []]
    assert not (data_dir / "php.pid").exists()
    stopped = run("env", data_dir)
    assert stopped.returncode == 1
    assert "not running" in stopped.stderr
    assert run("down", data_dir).returncode == 0  # stopping twice is harmless

    restarted = run("up", data_dir)
    assert (restarted.returncode, restarted.stdout) == (0, first.stdout)
    assert httpx.get(f"{base}/wp-json/wp/v2/users/me", auth=auth, timeout=30).status_code == 200


def test_unknown_action_is_a_usage_error(tmp_path: Path) -> None:
    result = run("sideways", tmp_path)
    assert result.returncode == 2
    assert "usage:" in result.stderr
