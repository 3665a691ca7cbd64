"""Test helpers: push a site into an in-process sandbox with faults, without real waiting.

Time is simulated: every sleep the engine or pacing asks for advances a shared clock
that the fakes' rate limits read, so flood control behaves as in real time, instantly.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndicate import planner
from syndicate.engine import Engine, Outcome
from syndicate.sandbox.faults import FaultPlan
from syndicate.sandbox.server import Sandbox
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import config_fingerprint, load_adapters, sandbox_overrides, select_platforms


@dataclass
class SimClock:
    now: float = 1_800_000_000.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def make_sandbox(state_dir: Path, clock: SimClock, faults: FaultPlan | None = None) -> Sandbox:
    return Sandbox(state_dir, faults=faults, sleep=clock.sleep, clock=clock, daily_cap=10_000)


def push_once(site_dir: Path, box: Sandbox, clock: SimClock, platforms: list[str] | None = None
              ) -> tuple[list[Outcome], list[Any]]:
    """One `syndicate push` against ``box``, state in the site's usual place."""
    site = open_site(site_dir)
    names = select_platforms(site.config, platforms)
    adapters = load_adapters(site.root, site.config, names,
                             overrides=sandbox_overrides(box.settings_env("http://sandbox.invalid")))
    fingerprints = {n: config_fingerprint(a, site.config) for n, a in adapters.items()}
    state = State.load(site.root)
    actions, errors = planner.plan(site, adapters, state, site.config, fingerprints)
    engine = Engine(adapters, state, transports={n: box.transport() for n in names},
                    sleep=clock.sleep)
    return asyncio.run(engine.run(actions)), errors


def sent_title(post: Any, platform: str) -> str:
    """The title ``platform`` receives: the post's, fitted to the adapter's declared title
    limit (WeChat takes 32 characters), as the fake will hold it."""
    from syndicate import registry
    from syndicate.dialects.fit import fit_text

    title = str(post.for_platform(platform).title)
    caps = registry.get(platform).capabilities
    limit = next((lim for lim in caps.limits if lim.field.rsplit(".", 1)[-1] == "title"), None)
    return fit_text(title, limit.maximum, limit.unit) if limit is not None else title


def titles_by_platform(box: Sandbox) -> dict[str, list[str]]:
    posts = box.posts()
    return {name: [str(r["title"]) for r in records] for name, records in posts.items()}
