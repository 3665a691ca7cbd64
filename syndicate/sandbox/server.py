"""The sandbox: every platform fake behind one router, in-process or on 127.0.0.1.

In-process, ``Sandbox.transport()`` is an httpx transport the engine can use directly.
On loopback, ``serve`` speaks HTTP/1.1 through h11 on a plain asyncio server that
syndicate fully controls, so a fault can apply a write and then drop the connection
without answering — the failure that makes blind retries publish duplicates.
With a state folder, every fake's data is saved after each write, so a restarted
sandbox keeps what it held and duplicates can be counted across runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11
import httpx

from syndicate.sandbox import credentials
from syndicate.sandbox.base import Clock, Fake, wall_clock
from syndicate.sandbox.faults import FaultPlan

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Sleep = Callable[[float], Awaitable[None]]


class Dropped(Exception):
    """The sandbox decided to answer nothing (after or before applying the request)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def default_fakes(*, site: str, daily_cap: int, clock: Clock) -> list[Fake]:
    from syndicate.sandbox.medium import FakeMedium
    from syndicate.sandbox.telegram import FakeTelegram, FakeTelegraph
    from syndicate.sandbox.wordpress import FakeWordPress

    return [FakeMedium(daily_cap=daily_cap, clock=clock), FakeWordPress(site=f"{site}/wordpress"),
            FakeTelegram(clock=clock), FakeTelegraph(clock=clock)]


class Sandbox:
    """All fakes, their faults, latency and persistence."""

    def __init__(self, state_dir: Path | None = None, *, faults: FaultPlan | None = None,
                 latency: float = 0.0, sleep: Sleep = asyncio.sleep, daily_cap: int = 10,
                 site: str = "http://127.0.0.1", clock: Clock = wall_clock) -> None:
        self.state_dir = state_dir
        self.faults = faults or FaultPlan()
        self.latency = latency
        self.sleep = sleep
        self.fakes: dict[str, Fake] = {
            f.name: f for f in default_fakes(site=site, daily_cap=daily_cap, clock=clock)}
        self.requests: list[tuple[str, str, str]] = []
        """(method, platform, path) of every request that reached a fake."""
        if state_dir is not None:
            for name, fake in self.fakes.items():
                path = state_dir / f"{name}.json"
                if path.is_file():
                    fake.load(json.loads(path.read_text(encoding="utf-8")))

    def settings_env(self, base: str) -> dict[str, str]:
        base = base.rstrip("/")
        return {
            "SYNDICATE_MEDIUM__BASE_URL": f"{base}/medium/v1",
            "SYNDICATE_MEDIUM__TOKEN": credentials.MEDIUM_TOKEN,
            "SYNDICATE_WORDPRESS__BASE_URL": f"{base}/wordpress",
            "SYNDICATE_WORDPRESS__USERNAME": credentials.WORDPRESS_USER,
            "SYNDICATE_WORDPRESS__APP_PASSWORD": credentials.WORDPRESS_APP_PASSWORD,
            "SYNDICATE_TELEGRAM__BASE_URL": f"{base}/telegram",
            "SYNDICATE_TELEGRAM__BOT_TOKEN": credentials.TELEGRAM_BOT_TOKEN,
            "SYNDICATE_TELEGRAM__CHAT_ID": credentials.TELEGRAM_CHAT,
            "SYNDICATE_TELEGRAM__TELEGRAPH_BASE_URL": f"{base}/telegraph",
            "SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN": credentials.TELEGRAPH_TOKEN,
        }

    def posts(self) -> dict[str, list[dict[str, Any]]]:
        return {name: fake.records() for name, fake in self.fakes.items()}

    def writes(self) -> int:
        return sum(1 for method, _p, _path in self.requests if method in WRITES)

    def persist(self) -> None:
        if self.state_dir is None:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        for name, fake in self.fakes.items():
            target = self.state_dir / f"{name}.json"
            fd, temp = tempfile.mkstemp(dir=self.state_dir, prefix=f".{name}-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(fake.dump(), handle, ensure_ascii=False)
            os.replace(temp, target)

    def route(self, path: str) -> tuple[Fake, str] | None:
        head, _, rest = path.lstrip("/").partition("/")
        fake = self.fakes.get(head)
        return (fake, "/" + rest) if fake is not None else None

    async def respond(self, request: httpx.Request) -> httpx.Response:
        """Answer one request, or raise Dropped when a fault says to answer nothing."""
        await request.aread()
        if self.latency:
            await self.sleep(self.latency)
        if request.url.path == "/_sandbox/posts":
            return httpx.Response(200, json=self.posts())
        routed = self.route(request.url.path)
        if routed is None:
            return httpx.Response(404, json={"error": "no such platform in the sandbox"})
        fake, path = routed
        write = request.method in WRITES
        fault = self.faults.next_fault(write)
        if fault == "server_error":
            return httpx.Response(503, headers={"Content-Type": "text/html"},
                                  text="<html><body><h1>503 Service Unavailable</h1></body></html>")
        if fault == "rate_limited":
            return fake.rate_limit_response(1)
        if fault == "reset_before":
            raise Dropped(fault)
        self.requests.append((request.method, fake.name, path))
        response = fake.handle(request, path)
        if write:
            self.persist()
        if fault in ("reset_after", "timeout_after"):
            raise Dropped(fault)
        return response

    async def handle_in_process(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self.respond(request)
        except Dropped as drop:
            if drop.kind == "reset_before":
                raise httpx.ConnectError("connection refused", request=request) from None
            if drop.kind == "timeout_after":
                raise httpx.ReadTimeout("timed out waiting for the answer", request=request) from None
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                            request=request) from None

    def transport(self) -> httpx.AsyncBaseTransport:
        return httpx.MockTransport(self.handle_in_process)


@dataclass
class ServerHandle:
    url: str
    server: asyncio.base_events.Server

    async def close(self) -> None:
        self.server.close()
        await self.server.wait_closed()


async def serve_connection(sandbox: Sandbox, reader: asyncio.StreamReader,
                           writer: asyncio.StreamWriter, base: str) -> None:
    connection = h11.Connection(h11.SERVER)
    try:
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                connection.receive_data(data)
                if not data:
                    return
                continue
            if not isinstance(event, h11.Request):
                return
            body = b""
            while True:
                part = connection.next_event()
                if part is h11.NEED_DATA:
                    connection.receive_data(await reader.read(65536))
                    continue
                if isinstance(part, h11.Data):
                    body += part.data
                    continue
                break
            request = httpx.Request(event.method.decode(), base + event.target.decode(),
                                    headers=[(k.decode(), v.decode()) for k, v in event.headers],
                                    content=body)
            try:
                response = await sandbox.respond(request)
            except Dropped:
                return  # close without an answer: the client cannot tell what happened
            content = response.content
            headers = [(k, v) for k, v in response.headers.items()
                       if k.lower() not in ("content-length", "transfer-encoding", "connection")]
            headers.append(("content-length", str(len(content))))
            writer.write(connection.send(h11.Response(status_code=response.status_code, headers=headers)) or b"")
            writer.write(connection.send(h11.Data(data=content)) or b"")
            writer.write(connection.send(h11.EndOfMessage()) or b"")
            await writer.drain()
            if connection.our_state is h11.MUST_CLOSE:
                return
            connection.start_next_cycle()
    except (h11.RemoteProtocolError, ConnectionError):
        return
    finally:
        writer.close()


async def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Start serving on loopback; the handle knows the URL and how to stop."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the sandbox only listens on loopback")
    holder: dict[str, str] = {}

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_connection(sandbox, reader, writer, holder["url"])

    server = await asyncio.start_server(on_connect, host, port)
    bound = server.sockets[0].getsockname()[1]
    holder["url"] = f"http://{host}:{bound}"
    return ServerHandle(holder["url"], server)


def run_sandbox(directory: Path, *, port: int, faults: float, seed: int | None, latency: float) -> int:
    """``syndicate sandbox``: print the export lines, then serve until interrupted."""
    async def main() -> None:
        sandbox = Sandbox(directory, faults=FaultPlan(rate=faults, seed=seed), latency=latency,
                          site=f"http://127.0.0.1:{port}")
        handle = await serve(sandbox, port=port)
        for name, value in sandbox.settings_env(handle.url).items():
            sys.stdout.write(f"export {name}={value}\n")
        sys.stdout.write(f"# serving every platform on {handle.url} (Ctrl-C stops)\n")
        sys.stdout.flush()
        async with handle.server:
            await handle.server.serve_forever()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        return 0
    return 0
