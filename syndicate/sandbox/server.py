"""The sandbox on 127.0.0.1: HTTP/1.1 through h11 on a plain asyncio server.

Why not uvicorn: a fault must be able to apply a write and then drop the connection
without a byte of answer — the failure that makes blind retries publish duplicates —
and an ASGI server always answers something. With h11 the sandbox owns the socket:
after a drop the client sees "server disconnected", exactly as from a real platform.
Over a socket a drop before and after applying look the same to the client (as they
do in real life); only the sandbox's records say which one happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import shlex
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import h11
import httpx

from syndicate.sandbox.faults import FaultPlan
from syndicate.sandbox.router import Dropped, Sandbox

__all__ = ["Sandbox", "ServerHandle", "run", "run_sandbox", "serve"]

LOOPBACK = ("127.0.0.1", "::1", "localhost")
READ_CHUNK = 65536
HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "content-encoding"})


@dataclass
class ServerHandle:
    """A running loopback sandbox: where it listens and how to stop it."""

    url: str
    server: asyncio.base_events.Server
    connections: set[asyncio.StreamWriter] = field(default_factory=set)

    async def close(self) -> None:
        """Stop listening and cut open keep-alive connections (Python 3.11 would leave them)."""
        self.server.close()
        for writer in list(self.connections):
            writer.close()
        await self.server.wait_closed()

    async def serve_forever(self) -> None:
        await self.server.serve_forever()


async def read_request(connection: h11.Connection, reader: asyncio.StreamReader
                       ) -> tuple[h11.Request, bytes] | None:
    """The next whole request on the connection, or None once it is closed or garbled."""
    head: h11.Request | None = None
    body = bytearray()
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await reader.read(READ_CHUNK))
        elif isinstance(event, h11.Request):
            head = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage) and head is not None:
            return head, bytes(body)
        else:
            return None  # ConnectionClosed, PAUSED or a stray event: nothing to answer


def wire_response(connection: h11.Connection, response: httpx.Response) -> bytes:
    content = response.content
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in HOP_HEADERS]
    headers.append(("content-length", str(len(content))))
    return b"".join(part or b"" for part in (
        connection.send(h11.Response(status_code=response.status_code, headers=headers,
                                     reason=response.reason_phrase.encode())),
        connection.send(h11.Data(data=content)),
        connection.send(h11.EndOfMessage())))


async def serve_connection(sandbox: Sandbox, reader: asyncio.StreamReader,
                           writer: asyncio.StreamWriter, base: str) -> None:
    """Answer requests on one connection until the client or a fault ends it."""
    connection = h11.Connection(h11.SERVER)
    try:
        while (got := await read_request(connection, reader)) is not None:
            head, body = got
            request = httpx.Request(head.method.decode(), base + head.target.decode(),
                                    headers=[(k.decode(), v.decode()) for k, v in head.headers],
                                    content=body)
            try:
                response = await sandbox.respond(request)
            except Dropped:
                return  # close without an answer: the client cannot tell what happened
            writer.write(wire_response(connection, response))
            await writer.drain()
            if connection.our_state is h11.MUST_CLOSE:
                return
            connection.start_next_cycle()
    except (h11.RemoteProtocolError, ConnectionError):
        return
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Start serving on loopback (port 0: any free port); the handle has the URL and close()."""
    if host not in LOOPBACK:
        raise ValueError(f"the sandbox only listens on loopback ({', '.join(LOOPBACK)}), "
                         f"not {host!r}")
    holder: dict[str, ServerHandle] = {}

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handle = holder["handle"]
        handle.connections.add(writer)
        try:
            await serve_connection(sandbox, reader, writer, handle.url)
        finally:
            handle.connections.discard(writer)

    server = await asyncio.start_server(on_connect, host, port)
    bound = server.sockets[0].getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    holder["handle"] = ServerHandle(f"http://{shown}:{bound}", server)
    return holder["handle"]


def run(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0, *,
        ready: Callable[[ServerHandle], None] = lambda _h: None) -> None:
    """Serve until Ctrl-C or ``handle.close()`` (blocking); ``ready`` gets the handle first."""
    async def main() -> None:
        handle = await serve(sandbox, host, port)
        ready(handle)
        try:
            await handle.serve_forever()
        except asyncio.CancelledError:
            if handle.server.is_serving():
                raise  # cancelled from outside (Ctrl-C), not by handle.close()
        finally:
            await handle.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


def run_sandbox(directory: Path, *, port: int, faults: float, seed: int | None,
                latency: float) -> int:
    """``syndicate sandbox``: print the export lines, then serve until interrupted."""
    if port == 0:  # the fakes put the port in the URLs they hand out: learn it first
        port = free_port()
    sandbox = Sandbox(directory, faults=FaultPlan(rate=faults, seed=seed), latency=latency,
                      site=f"http://127.0.0.1:{port}")

    def announce(handle: ServerHandle) -> None:
        for name, value in sandbox.settings_env(handle.url).items():
            sys.stdout.write(f"export {name}={shlex.quote(value)}\n")
        sys.stdout.write(f"# serving every platform on {handle.url} (Ctrl-C stops); "
                         f"what they hold: {handle.url}/_sandbox/posts\n")
        sys.stdout.flush()

    try:
        run(sandbox, port=port, ready=announce)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            from syndicate.errors import ConfigError

            raise ConfigError(f"port {port} on 127.0.0.1 is busy (another sandbox?); stop it, "
                              "or use --port 0 for any free port", key="--port") from None
        raise
    return 0


def free_port() -> int:
    """A port on loopback that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
