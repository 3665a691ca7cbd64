# ruff: noqa: T201  (a benchmark script: printing its figures is its job)
"""Push: new posts into the in-process sandbox with 50 ms latency per request, real time,
each fake's declared rate limits and each adapter's declared concurrency and pacing.

Medium's fake and the engine (from Medium's capabilities) cap creates at 10 a day; the
benchmark raises both (``daily_cap``) so 200 posts can go out at all. The schedule bound per platform
is max(requests × latency ÷ concurrency, writes × min_interval); the slowest platform
bounds the run. Telegram's 1 s between messages makes its bound ≥ N seconds, so it runs
as its own lane with a smaller N by default (``--telegram-posts``). Target ≤ 1.2 × bound.

    python bench/push.py [POSTS] [RUNS] [--telegram-posts=N]
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import time
from pathlib import Path

from common import WORK, cores, spread
from corpus import build_site

from syndicate import planner
from syndicate.commands import sandbox_overrides
from syndicate.engine import Engine
from syndicate.sandbox.server import Sandbox
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import config_fingerprint, load_adapters

LATENCY = 0.05


def push_once(site_dir: Path, names: list[str]) -> tuple[float, Sandbox, list[str]]:
    """One fresh push (empty state, empty fakes); (wall seconds of the engine run, sandbox, outcomes)."""
    state_file = site_dir / ".syndicate" / "state.json"
    state_file.unlink(missing_ok=True)
    box = Sandbox(None, latency=LATENCY, daily_cap=100_000)
    site = open_site(site_dir)
    adapters = load_adapters(site.root, site.config, names,
                             overrides=sandbox_overrides(box.settings_env("http://sandbox.invalid")))
    fingerprints = {n: config_fingerprint(a, site.config) for n, a in adapters.items()}
    for adapter in adapters.values():  # the engine also keeps Medium's 10-a-day cap: raised here
        if adapter.capabilities.daily_cap is not None:
            adapter.capabilities = dataclasses.replace(adapter.capabilities, daily_cap=100_000)
    state = State.load(site.root)
    actions, errors = planner.plan(site, adapters, state, site.config, fingerprints)
    assert not errors, errors
    engine = Engine(adapters, state, transports={n: box.transport() for n in names})
    start = time.perf_counter()
    outcomes = asyncio.run(engine.run(actions))
    return time.perf_counter() - start, box, [o.outcome for o in outcomes]


def earliest_last_write(writes: int, interval: float, per_minute: int) -> float:
    """When the last of ``writes`` can go at the soonest: each ``interval`` after the one
    before, and no more than ``per_minute`` within any 60 s (0: no such cap)."""
    times: list[float] = []
    for k in range(writes):
        moment = times[-1] + interval if times else 0.0
        if per_minute and k >= per_minute:
            moment = max(moment, times[k - per_minute] + 60.0)
        times.append(moment)
    return times[-1] if times else 0.0


def bound(box: Sandbox, names: list[str]) -> tuple[float, dict[str, str]]:
    from syndicate import registry

    detail: dict[str, str] = {}
    worst = 0.0
    for name in names:
        caps = registry.get(name).capabilities
        fakes = {"telegram": ("telegram", "telegraph")}.get(name, (name,))
        requests = [r for r in box.requests if r[1] in fakes]
        writes = [r for r in requests if r[0] in ("POST", "PUT", "PATCH", "DELETE")]
        by_latency = len(requests) * LATENCY / max(1, caps.max_concurrency)
        per_minute = caps.max_per_minute
        if name == "telegram":  # the fake (like Telegram) allows 20 messages a minute per channel
            from adapters.telegram.fake import PER_MINUTE

            per_minute = PER_MINUTE
        by_rate = (earliest_last_write(len(writes), caps.min_interval, per_minute) + LATENCY
                   if writes else 0.0)
        platform_bound = max(by_latency, by_rate)
        worst = max(worst, platform_bound)
        detail[name] = (f"{len(requests)} requests ({len(writes)} writes), concurrency "
                        f"{caps.max_concurrency}, min_interval {caps.min_interval}s"
                        f"{f', {per_minute}/min window' if per_minute else ''} -> bound "
                        f"{platform_bound:.2f}s")
    return worst, detail


def measure(posts: int, names: list[str], runs: int) -> float:
    site = build_site(WORK / f"push{posts}", posts)
    walls, ratios = [], []
    detail: dict[str, str] = {}
    worst = 0.0
    for _ in range(runs):
        wall, box, outcomes = push_once(site, names)
        created = sum(1 for o in outcomes if o == "created")
        assert created == posts * len(names), (created, __import__("collections").Counter(outcomes))
        worst, detail = bound(box, names)
        walls.append(wall)
        ratios.append(wall / worst)
    print(f"  {posts} posts x {'+'.join(names)}: wall s {spread(walls)}")
    for name, text in detail.items():
        print(f"    {name}: {text}")
    print(f"    schedule bound {worst:.2f}s; wall/bound {spread(ratios)} "
          f"(target <= 1.2: {'MET' if max(ratios) <= 1.2 else 'NOT MET'})")
    return max(ratios)


def main(posts: int = 200, runs: int = 5, telegram_posts: int = 30) -> dict[str, float]:
    print(f"## push into the sandbox, latency {LATENCY * 1000:.0f} ms/request, Medium daily_cap "
          f"raised to 100000, real time, {cores()}")
    print(f"  in-process: Sandbox(latency={LATENCY}, daily_cap=100_000).transport() + Engine.run")
    first = measure(posts, ["medium", "wordpress"], runs)
    second = measure(telegram_posts, ["telegram"], runs)
    longest = earliest_last_write(posts, 1.0, 20)
    print(f"  Telegram at {posts} posts: bound >= {longest / 60:.1f} min by the fake's 20 messages a "
          f"minute per channel (the 1 s pacing alone would say {posts} s); the whole "
          f"3-platform run is bounded by Telegram")
    return {"ratio": max(first, second)}


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if not a.startswith("--")]
    tg = [int(a.split("=")[1]) for a in sys.argv[1:] if a.startswith("--telegram-posts=")]
    main(*numbers[:2], **({"telegram_posts": tg[0]} if tg else {}))
