"""bench/kill_run.py: the crash figures of issue 13 are only worth quoting if every kill
asked for really happened, and if a kill stops the whole run (as kill -9 does)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_every_requested_kill_is_applied_even_when_kills_outnumber_posts(tmp_path: Path) -> None:
    # 20 kills in a 10-post push: the first version drew each kill from a fixed span
    # guessed from the post count, the push finished early and only 4 kills happened.
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "kill_run.py"), "10", "20",
         "--platforms=medium,telegram,wordpress"],
        env={**os.environ, "SYNDICATE_BENCH_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=300, check=True)
    out = run.stdout
    kills = re.search(r"kills: requested (\d+), applied (\d+)", out)
    assert kills is not None, out
    assert kills.groups() == ("20", "20"), out
    assert "TOTAL: duplicates 0, missing 0," in out, out
    assert "finished: yes" in out, out


def test_a_kill_stops_every_task_of_the_run(tmp_path: Path) -> None:
    """After the kill, no other lane sends or saves: the run's event count ends at it."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "kill_run.py"), "10", "6",
         "--platforms=medium,telegram,wordpress", "--verbose"],
        env={**os.environ, "SYNDICATE_BENCH_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=300, check=True)
    killed = re.findall(r"kill at (\d+) of (\d+) events \((?!not killed)", run.stdout)
    assert len(killed) == 6, run.stdout
    assert all(at == events for at, events in killed), run.stdout
