# ruff: noqa: T201  (a benchmark script: printing its figures is its job)
"""Crash figures: kills at random moments of a 1,000-post push into a 20%-fault sandbox.

Issue 13's adversarial run killed a push of a 1,008-post blog 38 times and counted what
the kills cost: duplicates, missing posts, and entries a person had to settle with
``syndicate resolve``. This script repeats that count, in one process and simulated
time, so it is bounded (Telegram's real pacing alone would take 50 minutes):

- the push is the real planner and engine against the in-process sandbox (every fake's
  rules, 20% faults of every kind, Medium's daily cap raised as in bench/push.py);
- a kill is a ``BaseException`` raised at a random event: a request about to reach a
  platform, a request the platform applied whose answer is then lost, a pacing or retry
  wait, or the moment after a state-file save. Nothing of the run is caught or cleaned
  up after it, so the state file on disk is what a kill -9 at that moment leaves;
- after every run a careful person settles what the platform cannot be searched for (as
  ``syndicate resolve`` does, looking at the fakes' own records): each one counts as a
  manual resolve needed;
- the kills are spread over the whole push: before each run, the kill is drawn among
  the first 2 × F ÷ (kills left + 1) events, where F is the fewest events the planned
  writes can cost (a create is at least a write-ahead save, a request and a saved
  outcome), so every requested kill lands inside the work still to do;
- faults stay on until a push has nothing left to do (as in issue 13's run, every post
  goes out under the 20% plan); then one fault-free push checks nothing is left.

Kills requested and applied, and each manual resolve's platform and cause (a kill with a
request in flight, or an answer the fault plan lost), are printed with the figures.

    python bench/kill_run.py [POSTS] [KILLS] [--seed=N] [--max-seconds=S]
                             [--platforms=medium,telegram,wordpress] [--verbose]

Prints kills, duplicates, missing and manual resolves per platform, and the wall time.

Measured 2026-12-02 (seed 13, 2 shared cores): 1,000 posts on medium+telegram+wordpress,
38 of 38 kills applied, 0 duplicates, 0 missing, 164 manual resolves (Medium 79,
Telegram 85, WordPress 0): 156 are answers the plan lost after applying (6.7% of 3,856
writes), 8 are kills with a request in flight. Neither Medium nor Telegram offers a way to
look a post up, so none of these can be settled without a person; WordPress finds its
copies by their mark. On telegram+wordpress alone: 86 (84 lost answers, 2 kills).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from common import WORK
from corpus import build_site

from syndicate import planner, registry
from syndicate.engine import Engine, resolve
from syndicate.sandbox.faults import AFTER, BEFORE, FaultPlan
from syndicate.sandbox.server import Sandbox
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import config_fingerprint, load_adapters, sandbox_overrides

PLATFORMS = ["medium", "telegram", "wordpress"]
FEWEST_EVENTS = {"create": 3}
"""The fewest events (requests, waits, saves) a planned write costs: a create saves its
write-ahead record, sends, and saves the outcome; a reconcile or update at least sends
and saves (2, the default). A kill drawn below their sum always lands in the run.

The first version drew kills among 2 × POSTS × 12 ÷ KILLS events, a guess at the events
a post costs made once for the whole push: a run whose draw fell past the work left
finished the push, and the kills still to come were never applied (12 of 38 at 1,000
posts)."""
MAX_RUNS = 400
VERBOSE = "--verbose" in sys.argv


class Killed(BaseException):
    """kill -9: nothing after it runs."""


class SimClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


class Reaper:
    """Counts events and raises Killed at the chosen one, in the way that event allows."""

    def __init__(self, die_at: int | None, rng: random.Random) -> None:
        self.die_at, self.rng, self.events = die_at, rng, 0
        self.killed_by = ""
        self.choose: Callable[[int], int | None] | None = None
        """Given the fewest events the planned writes cost, where to die (None: never)."""

    @property
    def dead(self) -> bool:
        """Killed already: every other task of the process stops at its next step, before
        it sends or saves anything (kill -9 takes the whole process, not one task)."""
        return bool(self.killed_by)

    def due(self, kind: str) -> bool:
        if self.dead:
            return True
        self.events += 1
        if self.die_at is not None and self.events == self.die_at:
            self.killed_by = kind
            return True
        return False


class KillingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, reaper: Reaper) -> None:
        self.inner, self.reaper = inner, reaper

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.reaper.dead:
            raise Killed
        if self.reaper.due("request"):
            if self.reaper.rng.random() < 0.5:
                raise Killed  # before the platform saw it
            await self.inner.handle_async_request(request)
            self.reaper.killed_by = "request applied, answer lost"
            raise Killed
        return await self.inner.handle_async_request(request)


READ_CACHE: dict[tuple[str, str], Any] = {}
PAYLOAD_CACHE: dict[tuple[str, str, str], Any] = {}


def remember_renders() -> None:
    """Each run re-plans; the same bytes render the same post and payloads, so they are
    kept across runs of this one process (the kills cost what a kill costs, not a
    thousand renders each). Nothing about sending or state is cached."""
    import syndicate.workflow as workflow
    from syndicate.sources.site import Site

    read = Site.read

    def cached_read(self: Site, source: Any) -> Any:
        key = (source.rel_path, source.digest())
        if key not in READ_CACHE:
            READ_CACHE[key] = read(self, source)
        return READ_CACHE[key]

    payload_for = workflow.payload_for

    def cached_payload(adapter: Any, post: Any, config: Any) -> Any:
        key = (adapter.name, post.key, post.source_hash)
        if key not in PAYLOAD_CACHE:
            PAYLOAD_CACHE[key] = payload_for(adapter, post, config)
        return PAYLOAD_CACHE[key]

    Site.read = cached_read  # type: ignore[method-assign]
    workflow.payload_for = cached_payload


def push(site: Path, box: Sandbox, clock: SimClock, reaper: Reaper) -> tuple[bool, Counter[str]]:
    """One push; (killed?, outcome counts)."""
    opened = open_site(site)
    adapters = load_adapters(site, opened.config, PLATFORMS,
                             overrides=sandbox_overrides(box.settings_env("http://sandbox.invalid")))
    for adapter in adapters.values():
        if adapter.capabilities.daily_cap is not None:
            adapter.capabilities = dataclasses.replace(adapter.capabilities, daily_cap=100_000)
    fingerprints = {n: config_fingerprint(a, opened.config) for n, a in adapters.items()}
    state = State.load(site)
    actions, errors = planner.plan(opened, adapters, state, opened.config, fingerprints)
    assert not errors, errors
    if reaper.choose is not None:
        floor = sum(FEWEST_EVENTS.get(a.kind, 2) for a in actions if a.kind in planner.WRITES)
        reaper.die_at = reaper.choose(floor)
    save = state.save

    def save_then_maybe_die() -> None:
        if reaper.dead:
            raise Killed
        save()
        if reaper.due("after a state save"):
            raise Killed

    state.save = save_then_maybe_die  # type: ignore[method-assign]

    async def sleep(seconds: float) -> None:
        if reaper.dead or reaper.due("waiting"):
            raise Killed
        await clock.sleep(seconds)

    engine = Engine(adapters, state, sleep=sleep,
                    transports={n: KillingTransport(box.transport(), reaper) for n in PLATFORMS})
    try:
        outcomes = asyncio.run(engine.run(actions))
    except Killed:
        return True, Counter()
    return False, Counter(o.outcome for o in outcomes)


def expected(site: Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    posts, errors = open_site(site).read_all()
    assert not errors
    wanted: dict[str, set[str]] = {p: set() for p in PLATFORMS}
    titles: dict[str, str] = {}
    for post in posts:
        for platform in PLATFORMS:
            title = post.for_platform(platform).title
            titles[f"{post.key}|{platform}"] = title
            if post.hold is None and post.options.allows(platform):
                wanted[platform].add(title)
    return wanted, titles


def held(box: Sandbox) -> dict[str, list[str]]:
    return {name: [str(r["title"]) for r in records] for name, records in box.posts().items()}


def cause(entry: Any, killed_by: str) -> str:
    """Why this entry needs a person: a kill with its request in flight, or the answer to
    a sent request lost (the kind of failure the engine saw)."""
    if entry.status == "pending":
        return f"kill: {killed_by or 'unknown'}"
    error = entry.last_error or ""
    for kind in ("ReadTimeout", "RemoteProtocolError", "WriteError", "ReadError", "WriteTimeout"):
        if kind in error:
            return f"lost answer: {kind}"
    return f"other: {error[:60]}"


def settle(site: Path, box: Sandbox, titles: dict[str, str], resolves: Counter[tuple[str, str]],
           killed_by: str = "") -> None:
    """A careful person: for each entry the next push would leave to them, look, then say.

    That is every uncertain entry, and every pending one with a request in flight on a
    platform that cannot be searched (the planner sends those to a person too)."""
    state = State.load(site)
    seen = held(box)
    for key, platform, entry in list(state.entries()):
        needs_person = entry.status == "uncertain" or (
            entry.status == "pending" and not registry.get(platform).capabilities.can_find
            and entry.in_flight)
        if not needs_person:
            continue
        resolves[(platform, cause(entry, killed_by))] += 1
        went_out = titles[f"{key}|{platform}"] in seen.get(platform, [])
        resolve(state, key, platform, published="seen-on-platform" if went_out else None,
                retry=not went_out)


def main(posts: int = 1000, kills: int = 38, seed: int = 13, max_seconds: float = 1500.0) -> None:
    started = time.monotonic()
    logging.getLogger("syndicate").setLevel(logging.ERROR)  # retries are counted, not shown
    remember_renders()
    site = build_site(WORK / f"kill{posts}", posts)
    wanted, titles = expected(site)
    rng = random.Random(seed)
    clock = SimClock()
    box = Sandbox(None, faults=FaultPlan(rate=0.2, seed=seed), sleep=clock.sleep, clock=clock,
                  daily_cap=100_000)
    resolves: Counter[tuple[str, str]] = Counter()
    deaths: Counter[str] = Counter()
    runs = 0
    done = False
    while not done and runs < MAX_RUNS and time.monotonic() - started < max_seconds:
        left = kills - sum(deaths.values())
        reaper = Reaper(None, rng)
        if left > 0:
            reaper.choose = lambda floor, left=left: (
                rng.randint(1, max(1, 2 * floor // (left + 1))) if floor else None)
        killed, outcomes = push(site, box, clock, reaper)
        runs += 1
        if killed:
            deaths[reaper.killed_by] += 1
        settle(site, box, titles, resolves, reaper.killed_by if killed else "")
        if VERBOSE:
            print(f"    run {runs}: kill at {reaper.die_at} of {reaper.events} events "
                  f"({reaper.killed_by if killed else 'not killed'}); {dict(outcomes)}")
        done = not killed and set(outcomes) <= {"skipped", "blocked"}
    box.faults.rate = 0.0
    killed, outcomes = push(site, box, clock, Reaper(None, rng))  # nothing must be left
    settle(site, box, titles, resolves)
    clean_left = sum(1 for o in outcomes.elements() if o not in ("skipped", "blocked"))
    writes = box.writes() + sum(box.faults.counts.get(k, 0) for k in BEFORE)
    lost = sum(box.faults.counts.get(k, 0) for k in AFTER)
    have = held(box)
    print(f"## kill run: {posts} posts x {'+'.join(PLATFORMS)}, sandbox faults 20% (seed {seed}) "
          f"while killing, in-process, simulated time")
    print(f"  kills: requested {kills}, applied {sum(deaths.values())} "
          f"({', '.join(f'{k} {v}' for k, v in deaths.items())}); runs {runs} + 1 fault-free "
          f"check ({clean_left} writes it still had to do)")
    print(f"  faults injected: {dict(box.faults.counts)}; {writes} write requests, answers "
          f"lost after applying: {lost} ({100 * lost / max(1, writes):.1f}%)")
    total_dup = total_missing = 0
    for platform in PLATFORMS:
        counts = Counter(have.get(platform, []))
        duplicates = sum(n - 1 for title, n in counts.items() if n > 1)
        missing = len([t for t in wanted[platform] if counts[t] == 0])
        extra = len([t for t in counts if t not in wanted[platform]])
        total_dup, total_missing = total_dup + duplicates, total_missing + missing
        print(f"  {platform}: {len(wanted[platform])} expected, {sum(counts.values())} held; "
              f"duplicates {duplicates}, missing {missing}, unexpected {extra}, "
              f"manual resolves {sum(n for (p, _c), n in resolves.items() if p == platform)}")
        for (p, why), n in sorted(resolves.items()):
            if p == platform:
                print(f"      {why}: {n}")
    print(f"  TOTAL: duplicates {total_dup}, missing {total_missing}, manual resolves "
          f"{sum(resolves.values())} (issue 13's run: 136); finished: "
          f"{'yes' if done and not clean_left else 'NO'}; "
          f"wall {time.monotonic() - started:.0f} s")


def flag(name: str, cast: Callable[[str], Any], default: Any) -> Any:
    for arg in sys.argv[1:]:
        if arg.startswith(f"--{name}="):
            return cast(arg.split("=", 1)[1])
    return default


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if not a.startswith("--")]
    PLATFORMS[:] = flag("platforms", lambda v: v.split(","), PLATFORMS)
    main(*numbers[:2], seed=flag("seed", int, 13), max_seconds=flag("max-seconds", float, 1500.0))
