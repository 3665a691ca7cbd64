# ruff: noqa: T201  (a benchmark script: printing its figures is its job)
"""The sandbox under load: N posts pushed to Medium, WordPress and Telegram with a share of
write requests failing at random (every fault kind, including "applied, then the connection
dropped"), then pushed again until nothing is left to do. Entries left ``uncertain`` (a
platform that cannot be searched) are settled the way a person would with ``syndicate
resolve``: look at the platform (here: the fake's records), then ``--published`` or ``--retry``.

Duplicates and missing posts are counted from the fakes' own records, not syndicate's state.
Time is simulated (pacing and backoff advance a clock instead of waiting).

    python bench/sandbox_load.py [POSTS] [FAULT_RATE] [SEED]
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
from common import WORK
from corpus import build_site

from syndicate import planner
from syndicate.engine import Engine, resolve
from syndicate.sandbox.faults import FaultPlan
from syndicate.sandbox.server import Sandbox
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import config_fingerprint, load_adapters, sandbox_overrides

NAMES = ["medium", "wordpress", "telegram"]


class Counting(httpx.AsyncBaseTransport):
    """Counts every request the engine sends, whether or not a fault stops it before a fake."""

    def __init__(self, inner: httpx.AsyncBaseTransport, tally: Counter[str], name: str) -> None:
        self.inner, self.tally, self.name = inner, tally, name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.tally[self.name] += 1
        return await self.inner.handle_async_request(request)


@dataclasses.dataclass
class SimClock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def push(site_dir: Path, box: Sandbox, clock: SimClock, tally: Counter[str]) -> Counter[str]:
    site = open_site(site_dir)
    adapters = load_adapters(site.root, site.config, NAMES,
                             overrides=sandbox_overrides(box.settings_env("http://sandbox.invalid")))
    for adapter in adapters.values():  # Medium's 10-a-day cap, raised for a load test
        if adapter.capabilities.daily_cap is not None:
            adapter.capabilities = dataclasses.replace(adapter.capabilities, daily_cap=None)
    fingerprints = {n: config_fingerprint(a, site.config) for n, a in adapters.items()}
    state = State.load(site.root)
    actions, errors = planner.plan(site, adapters, state, site.config, fingerprints)
    assert not errors, errors
    engine = Engine(adapters, state, transports={n: Counting(box.transport(), tally, n) for n in NAMES},
                    sleep=clock.sleep)
    outcomes = asyncio.run(engine.run(actions))
    return Counter(o.outcome for o in outcomes)


def settle_uncertain(site_dir: Path, box: Sandbox) -> int:
    """What a person does for each uncertain entry: check the platform, then resolve."""
    state = State.load(site_dir)
    titles = {name: {str(r["title"]): str(r.get("url", "")) for r in records}
              for name, records in box.posts().items()}
    site = open_site(site_dir)
    by_key = {}
    for source in site.discover():
        post = site.read(source)
        by_key[post.key] = post.title
    settled = 0
    for key, platform, entry in list(state.entries()):
        if entry.status in ("uncertain", "pending"):
            url = titles.get(platform, {}).get(by_key.get(key, ""))
            resolve(state, key, platform, published=url or None, retry=not url)
            settled += 1
    return settled


def main(posts: int = 1000, rate: float = 0.2, seed: int = 6) -> dict[str, float]:
    site_dir = build_site(WORK / f"load{posts}", posts)
    clock = SimClock()
    faults = FaultPlan(rate=rate, seed=seed)
    box = Sandbox(None, faults=faults, sleep=clock.sleep, clock=clock, daily_cap=10**9)
    logging.getLogger("syndicate").setLevel(logging.ERROR)  # retries are expected here
    tally: Counter[str] = Counter()
    start = time.perf_counter()
    runs, resolved = 0, 0
    while runs < 30:
        runs += 1
        outcomes = push(site_dir, box, clock, tally)
        left = sum(n for kind, n in outcomes.items() if kind not in ("skipped",))
        if left == 0:
            break
        if outcomes.get("uncertain", 0) and not any(
                outcomes.get(k) for k in ("created", "reconciled", "failed")):
            resolved += settle_uncertain(site_dir, box)
    elapsed = time.perf_counter() - start
    site = open_site(site_dir)
    expected = {site.read(s).title for s in site.discover()}
    records = box.posts()
    fake_of = {"medium": "medium", "wordpress": "wordpress", "telegram": "telegram"}
    duplicates, missing = 0, 0
    for name in NAMES:
        counts = Counter(str(r["title"]) for r in records[fake_of[name]])
        duplicates += sum(n - 1 for n in counts.values() if n > 1)
        missing += len(expected - set(counts))
    reached = len(box.requests)
    total = sum(tally.values())
    print(f"## sandbox under load: {posts} posts x {len(NAMES)} platforms, {rate:.0%} write faults "
          f"(seed {seed}, kinds {dict(sorted(faults.counts.items()))}), simulated time, {elapsed:.1f}s")
    print(f"  runs until done: {runs}; uncertain entries resolved by checking the platform: {resolved}")
    print(f"  duplicates: {duplicates} (target 0: {'MET' if not duplicates else 'NOT MET'})")
    print(f"  missing: {missing} (target 0: {'MET' if not missing else 'NOT MET'})")
    print(f"  requests sent: {total} ({reached} reached a fake), {total / posts:.2f} per post, "
          f"{total / (posts * len(NAMES)):.2f} per post x platform; by platform {dict(tally)}")
    return {"duplicates": duplicates, "missing": missing}


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 1000, float(args[1]) if len(args) > 1 else 0.2,
         int(args[2]) if len(args) > 2 else 6)
