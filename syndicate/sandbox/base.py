"""The contract every platform fake follows, so the sandbox can mount, fault and persist it.

A fake is a synchronous state machine over httpx.Request → httpx.Response: no sockets,
no sleeping, time from an injectable clock. Latency, faults and serving are the
sandbox's job (``syndicate.sandbox.server`` / ``faults``), applied the same way to all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

Clock = Callable[[], float]


def wall_clock() -> float:
    return time.time()


class Fake(Protocol):
    name: str
    """Platform registry name; the fake is mounted at ``/<name>`` on the sandbox server."""

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        """Answer one request; ``path`` is the URL path with the ``/<name>`` mount removed."""

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        """The platform's own 429 shape, used by fault injection."""

    def records(self) -> list[dict[str, Any]]:
        """Everything held, as ``{"id", "title", "url"}`` (title: first line if none)."""

    def dump(self) -> dict[str, Any]:
        """JSON-able state, so a restarted sandbox keeps what it held."""

    def load(self, data: dict[str, Any]) -> None:
        """Restore what ``dump`` returned."""


@dataclass(frozen=True)
class SandboxContext:
    """What the sandbox hands every platform's ``fakes(ctx)``: where it is, and its clock."""

    site: str
    """The sandbox's root URL; a fake is mounted at ``/<its name>`` under it."""
    daily_cap: int = 10
    """Creates a day a fake allows where its platform caps them (Medium)."""
    clock: Clock = wall_clock

    def url(self, name: str) -> str:
        return f"{self.site.rstrip('/')}/{name}"


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)
