"""The sandbox: every platform fake behind one router, with latency, faults and persistence.

Fakes are mounted by their ``name`` (``/medium/...``, ``/wordpress/...``, ``/telegram/...``,
``/telegraph/...``); ``GET /_sandbox/posts`` lists what each holds. In-process,
``Sandbox.transport()`` is an httpx transport the engine uses directly; on loopback,
``syndicate.sandbox.server`` feeds the same ``respond`` from real sockets. Faults are
applied here once, the same way for every platform, so no fake has to know about them.
With a state folder, every fake's data is saved (atomically) after each write, so a
restarted sandbox keeps what it held and duplicates can be counted across runs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

from syndicate.atomicfile import write_atomic
from syndicate.layout import SANDBOX_ENV
from syndicate.sandbox.base import Clock, Fake, SandboxContext, wall_clock
from syndicate.sandbox.faults import AFTER, FaultPlan

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
POSTS_PATH = "/_sandbox/posts"
Sleep = Callable[[float], Awaitable[None]]
CLOUDFLARE_403 = ("<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare"
                  "</title></head><body><h1>Sorry, you have been blocked</h1></body></html>")
HTML_503 = "<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>"


class Dropped(Exception):
    """The sandbox answers nothing: ``kind`` says whether the request was applied first."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind

    @property
    def applied(self) -> bool:
        return self.kind in AFTER


def default_fakes(*, site: str, daily_cap: int, clock: Clock) -> list[Fake]:
    """The fakes of every registered platform whose folder ships a ``fake.py``."""
    from syndicate.folders import fake_modules

    ctx = SandboxContext(site=site, daily_cap=daily_cap, clock=clock)
    return [fake for module in fake_modules().values() for fake in module.fakes(ctx)]


class Sandbox:
    """All fakes, their faults, latency and persistence.

    ``fakes`` replaces the default set (one per platform); ``sleep`` and ``clock`` are
    injectable so tests neither wait nor depend on the wall clock.
    """

    def __init__(self, state_dir: Path | None = None, *, faults: FaultPlan | None = None,
                 latency: float = 0.0, sleep: Sleep = asyncio.sleep, daily_cap: int = 10,
                 site: str = "http://127.0.0.1", clock: Clock = wall_clock,
                 fakes: Iterable[Fake] | None = None) -> None:
        self.state_dir = state_dir
        self.faults = faults or FaultPlan()
        self.latency = latency
        self.sleep = sleep
        chosen = list(fakes) if fakes is not None else default_fakes(
            site=site, daily_cap=daily_cap, clock=clock)
        self.fakes: dict[str, Fake] = {}
        for fake in chosen:
            if fake.name in self.fakes or fake.name.startswith("_"):
                raise ValueError(f"cannot mount two fakes at /{fake.name}")
            self.fakes[fake.name] = fake
        self.requests: list[tuple[str, str, str]] = []
        """(method, platform, path) of every request that reached a fake."""
        self.load()

    def load(self) -> None:
        if self.state_dir is None:
            return
        for name, fake in self.fakes.items():
            path = self.state_dir / f"{name}.json"
            if path.is_file():
                fake.load(json.loads(path.read_text(encoding="utf-8")))

    def persist(self) -> None:
        """Write every fake's state; a crash mid-write leaves the previous file whole."""
        if self.state_dir is None:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        for name, fake in self.fakes.items():
            write_atomic(self.state_dir / f"{name}.json",
                         json.dumps(fake.dump(), ensure_ascii=False), durable=False)

    def settings_env(self, base: str) -> dict[str, str]:
        """The ``SYNDICATE_<PLATFORM>__<FIELD>`` variables that point syndicate at ``base``.

        Each platform's own ``sandbox_env`` says them, for its fake mounted at ``/<name>``.
        """
        from syndicate.folders import fake_modules

        base = base.rstrip("/")
        env: dict[str, str] = {}
        for name, module in fake_modules().items():
            env.update(module.sandbox_env(f"{base}/{name}"))
        env[SANDBOX_ENV] = base  # a run that sees it keeps the sandbox's own state file
        return env

    def posts(self) -> dict[str, list[dict[str, Any]]]:
        """``{"<platform>": [{"id", "title", "url"}, ...]}`` — also served at /_sandbox/posts."""
        return {name: fake.records() for name, fake in self.fakes.items()}

    def writes(self) -> int:
        """Write requests that reached a fake (applied or refused by it)."""
        return sum(1 for method, _platform, _path in self.requests if method in WRITES)

    def route(self, path: str) -> tuple[Fake, str] | None:
        head, _, rest = path.lstrip("/").partition("/")
        fake = self.fakes.get(head)
        return (fake, "/" + rest) if fake is not None else None

    async def respond(self, request: httpx.Request) -> httpx.Response:
        """Answer one request, or raise Dropped when a fault says to answer nothing."""
        await request.aread()
        if self.latency:
            await self.sleep(self.latency)
        if request.url.path == POSTS_PATH:
            if request.method != "GET":
                return httpx.Response(405, json={"error": "only GET"}, headers={"Allow": "GET"})
            return httpx.Response(200, json=self.posts())
        routed = self.route(request.url.path)
        if routed is None:
            return httpx.Response(404, json={"error": "no such platform in the sandbox",
                                             "mounted": sorted(self.fakes)})
        fake, path = routed
        write = request.method in WRITES
        fault = self.faults.next_fault(write)
        if fault == "503":
            return httpx.Response(503, headers={"Content-Type": "text/html; charset=utf-8"},
                                  text=HTML_503)
        if fault == "403_html":
            return httpx.Response(403, headers={"Content-Type": "text/html; charset=utf-8"},
                                  text=CLOUDFLARE_403)
        if fault == "429":
            return fake.rate_limit_response(self.faults.retry_after)
        if fault == "reset_before":
            raise Dropped(fault)
        self.requests.append((request.method, fake.name, path))
        response = fake.handle(request, path)
        if write:
            self.persist()
        if fault == "latency":
            # Slow to answer, not slow to apply: a write that lands after its client gave
            # up would race the next run's reconciliation, which no retry policy can win.
            await self.sleep(self.faults.slow_seconds)
        if fault in AFTER:
            raise Dropped(fault)
        return response

    async def handle_in_process(self, request: httpx.Request) -> httpx.Response:
        """``respond``, with a drop turned into the error httpx raises for a real one."""
        try:
            return await self.respond(request)
        except Dropped as drop:
            if drop.kind == "reset_before":
                raise httpx.ConnectError("connection reset before the request was sent",
                                         request=request) from None
            if drop.kind == "after_apply_timeout":
                raise httpx.ReadTimeout("timed out waiting for the answer",
                                        request=request) from None
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                            request=request) from None

    def transport(self) -> httpx.AsyncBaseTransport:
        """An in-process transport for ``httpx.AsyncClient`` (latency and faults included)."""
        return httpx.MockTransport(self.handle_in_process)
