"""What every benchmark shares: summary statistics, child processes with their peak memory,
sites that are built once and reused, and the judge of a rendered payload.

The payload judge is used by the stress run and the property tests alike, so "valid"
means one thing: every length limit the platform declares holds, and Telegram markup is
accepted by both syndicate's own validator and the Telegram fake's independent parser.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
WORK = Path(os.environ.get("SYNDICATE_BENCH_DIR", "/tmp/syndicate-bench"))
PYTHON = sys.executable
SYNDICATE = str(Path(PYTHON).parent / "syndicate")

if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


def spread(values: Sequence[float]) -> str:
    """min/median/max of several runs, as one line."""
    return (f"min {min(values):.3f} / median {statistics.median(values):.3f} / "
            f"max {max(values):.3f} (n={len(values)})")


def cores() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{os.cpu_count()} cores ({usable} usable)"


def run_child(argv: Sequence[str], env: Mapping[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one child process, stdout discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(env) if env is not None else None)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if proc.stderr is not None:
        err = proc.stderr.read()
        proc.stderr.close()
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.stderr.write(err.decode(errors="replace")[-2000:])
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def site_with_state(count: int, *, name: str | None = None) -> Path:
    """A generated site of ``count`` posts whose state file records every post (``syndicate init``)."""
    from corpus import build_site

    site = WORK / (name or f"site{count}")
    state = site / ".syndicate" / "state.json"
    marker = site / ".bench-complete"
    if marker.exists() and state.exists() and is_warm(site):
        return site
    if not marker.exists():
        build_site(site, count)
    state.unlink(missing_ok=True)  # stale (e.g. adapter settings changed): record it again
    subprocess.run([SYNDICATE, "init", "--site", str(site)], check=True,
                   stdout=subprocess.DEVNULL)
    marker.write_text("ok", encoding="utf-8")
    return site


def is_warm(site: Path) -> bool:
    """Whether ``syndicate plan`` finds every post unchanged.

    It cannot see a plan that re-rendered a post to find it unchanged (the config hash
    differs, e.g. a push with credentials recorded the state): keep such sites apart.
    """
    import json

    out = subprocess.run([SYNDICATE, "plan", "--site", str(site), "--json"], check=False,
                         capture_output=True, text=True)
    if out.returncode != 0:
        return False
    actions = json.loads(out.stdout)["actions"]
    return all(a["action"] == "skip" and a["reason"] == "unchanged" for a in actions)


def sandbox_env(base: str = "http://127.0.0.1:9") -> dict[str, str]:
    """The environment that gives every adapter credentials (for the sandbox's fakes)."""
    from syndicate.sandbox.server import Sandbox

    return {**os.environ, **Sandbox().settings_env(base)}


def payload_problems(adapter: Any, payload: Any) -> list[str]:
    """Every way ``payload`` breaks its platform's declared limits or Telegram's markup rules."""
    from adapters.telegram.fake_html import ParseError, parse
    from syndicate.dialects.fit import count
    from syndicate.dialects.telegram import validate

    problems: list[str] = []
    caps = adapter.capabilities
    data = payload.data
    for limit, value in adapter.measured(payload):
        if count(value, limit.unit, url_length=limit.url_length) > limit.maximum:
            problems.append(f"{adapter.name}: {limit.field} over {limit.maximum}")
    for message in data.get("messages", ()) or ():
        params = message.get("params") or {}
        field = "caption" if "caption" in params else "text"
        markup = str(params.get(field, ""))
        try:
            validate(markup)
        except ValueError as exc:
            problems.append(f"{adapter.name}: syndicate's validator refuses {field}: {exc}")
        try:
            plain, _entities = parse(markup)
        except ParseError as exc:
            problems.append(f"{adapter.name}: the Telegram fake refuses {field}: {exc}")
            continue
        for limit in caps.limits:
            if limit.field == f"messages[].params.{field}" and count(plain, limit.unit) > limit.maximum:
                problems.append(f"{adapter.name}: {field} is {count(plain, limit.unit)} > {limit.maximum}")
    return problems
