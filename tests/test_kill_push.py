"""kill -9 of a real `syndicate push` at random moments, against the loopback sandbox.

After every kill the state file must still load; after clean reruns (and a person's
`syndicate resolve` for what the platform cannot be searched for) every post must be
on every platform exactly once, counted from the fakes' own records.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from syndicate.registry import available
from syndicate.sandbox.faults import FaultPlan
from syndicate.sandbox.server import Sandbox, serve
from syndicate.sources import open_site
from syndicate.state import State, state_file
from tests.conftest import EXAMPLE_BLOG, ROOT
from tests.sandboxing import sent_title
from tests.test_push_sandbox import add_slug_twin, expected_titles, settle_uncertain


class LoopbackSandbox:
    """A Sandbox served on 127.0.0.1 from a background thread."""

    def __init__(self, state_dir: Path, faults: FaultPlan) -> None:
        self.sandbox = Sandbox(state_dir, faults=faults, daily_cap=10_000)
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.handle = self.loop.run_until_complete(serve(self.sandbox))
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert started.wait(10)

    def env(self) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
                **self.sandbox.settings_env(self.handle.url)}

    def titles(self) -> dict[str, list[str]]:
        return {n: [str(r["title"]) for r in recs] for n, recs in self.sandbox.posts().items()}

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.handle.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[LoopbackSandbox]:
    box = LoopbackSandbox(tmp_path / "fakes", FaultPlan())
    yield box
    box.close()


def push(site: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "syndicate.cli", "push", "--site", str(site), "--json"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def push_fully(site: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "syndicate.cli", "push", "--site", str(site), "--json"]
    return subprocess.run(command, env=env, capture_output=True, timeout=300)


def settled_writes(loopback: LoopbackSandbox) -> int:
    """The sandbox's write count once it stops moving: a request the killed push had fully
    sent is still applied by the server after the kill, and must not be taken for a write
    of the next run."""
    count, steady_since = loopback.sandbox.writes(), time.monotonic()
    deadline = steady_since + 15
    while time.monotonic() < deadline and time.monotonic() - steady_since < 1.0:
        time.sleep(0.1)
        now = loopback.sandbox.writes()
        if now != count:
            count, steady_since = now, time.monotonic()
    return count


def foreign_state_is_refused(site: Path, loopback: LoopbackSandbox) -> None:
    """A state file from another site in its place: exit 2, nothing sent, then put back."""
    path = state_file(site, sandbox=True)
    saved = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 2, "posts": {}, "site": {
        "url": "https://another-blog.example", "kind": "jekyll"}}), encoding="utf-8")
    writes = settled_writes(loopback)
    result = push_fully(site, loopback.env())
    assert result.returncode == 2 and b"another-blog.example" in result.stderr + result.stdout
    assert loopback.sandbox.writes() == writes
    if saved is None:
        path.unlink()
    else:
        path.write_bytes(saved)


@pytest.mark.slow  # where a kill lands (0.3-2.5 s in) depends on the machine's speed
@pytest.mark.parametrize("seed", range(12))
def test_kill_9_at_a_random_moment_never_duplicates_or_loses_a_post(
        seed: int, tmp_path: Path, loopback: LoopbackSandbox) -> None:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    add_slug_twin(site)  # two posts, one WordPress slug: only our mark tells them apart
    rng = random.Random(seed)
    loopback.sandbox.faults = FaultPlan(rate=rng.uniform(0.0, 0.3), seed=seed)
    process = push(site, loopback.env())
    time.sleep(rng.uniform(0.3, 2.5))
    # 'git clean -fdX' takes the ignored lock file; a second push starts alongside
    (site / ".syndicate" / "lock").unlink(missing_ok=True)
    second = push(site, loopback.env())
    time.sleep(rng.uniform(0.2, 1.5))
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    second.wait(120)
    State.read(state_file(site, sandbox=True))  # valid whatever moment the kill hit
    loopback.sandbox.faults = FaultPlan()
    foreign_state_is_refused(site, loopback)
    posts, _errors = open_site(site).read_all()
    titles = {f"{p.key}|{n}": sent_title(p, n) for p in posts for n in available()}
    last = None
    for _rerun in range(8):  # twelve platforms' real pacing can spread the catch-up over runs
        settle_uncertain(site, loopback.titles(), titles, sandbox=True)
        last = push_fully(site, loopback.env())
        if last.returncode == 0:
            break
    assert last is not None and last.returncode == 0, (seed, last.stdout[-3000:], last.stderr[-3000:])
    held = loopback.titles()
    for platform, wanted in expected_titles(site).items():
        for title in wanted:
            assert held[platform].count(title) == 1, (seed, platform, title, held[platform].count(title))
        assert len(held[platform]) == len(wanted), (seed, platform)
