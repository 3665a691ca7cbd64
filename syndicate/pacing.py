"""Per-platform pacing of write requests, at the one place every request passes: the transport.

Adapters that need several requests for one post (Telegram messages, WordPress terms)
are paced request by request, so a platform's "one message a second" holds however
the adapter is written.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from syndicate.http import WRITE_METHODS

Sleep = Callable[[float], Awaitable[None]]


class PacedTransport(httpx.AsyncBaseTransport):
    """Spaces write requests at least ``min_interval`` seconds apart."""

    def __init__(self, inner: httpx.AsyncBaseTransport, min_interval: float, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.inner = inner
        self.min_interval = min_interval
        self.clock = clock
        self.sleep = sleep
        self.lock = asyncio.Lock()
        self.next_write = 0.0
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.min_interval > 0 and request.method in WRITE_METHODS:
            async with self.lock:
                wait = self.next_write - self.clock()
                if wait > 0:
                    await self.sleep(wait)
                self.next_write = self.clock() + self.min_interval
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
