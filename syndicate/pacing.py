"""Per-platform pacing of write requests, at the one place every request passes: the transport.

Adapters that need several requests for one post (Telegram messages, WordPress terms)
are paced request by request, so a platform's "one message a second" holds however
the adapter is written.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

import httpx

from syndicate.http import WRITE_METHODS

Sleep = Callable[[float], Awaitable[None]]


WINDOW = 60.0
LEAVING: ContextVar[Callable[[httpx.Request], None] | None] = ContextVar("leaving", default=None)
"""Called with each write request at the moment it leaves, after any pacing wait: the
engine writes its write-ahead record there, so a run killed while waiting has sent
nothing and recorded nothing (one task per post, so the variable is that post's)."""


class PacedTransport(httpx.AsyncBaseTransport):
    """Spaces write requests at least ``min_interval`` seconds apart, and sends no more than
    ``per_minute`` of them in any 60 seconds (0: no such cap).

    Waiting here costs exactly the platform's limit; running into it instead costs a 429,
    a retry and, on Telegram, flood waits that grow with each offence.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, min_interval: float, *, per_minute: int = 0,
                 clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.inner = inner
        self.min_interval = min_interval
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self.lock = asyncio.Lock()
        self.next_write = 0.0
        self.recent: deque[float] = deque()
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if (self.min_interval > 0 or self.per_minute > 0) and request.method in WRITE_METHODS:
            async with self.lock:
                wait = self.next_write - self.clock()
                if self.per_minute > 0 and len(self.recent) >= self.per_minute:
                    wait = max(wait, self.recent[0] + WINDOW - self.clock())
                if wait > 0:
                    await self.sleep(wait)
                now = self.clock()
                self.next_write = now + self.min_interval
                if self.per_minute > 0:
                    self.recent.append(now)
                    while len(self.recent) > self.per_minute:
                        self.recent.popleft()
        leaving = LEAVING.get()
        if leaving is not None and request.method in WRITE_METHODS:
            leaving(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
