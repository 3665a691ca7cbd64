"""Faithful fakes of every platform, usable in-process (an httpx transport) or on loopback.

Each fake is a small stateful app that enforces the platform's documented rules,
limits and error shapes (see each module's docstring); the sandbox wraps them with
fault injection and latency, and can keep their state on disk across restarts.

``Sandbox`` (router), ``FaultPlan`` (faults) and ``serve``/``run`` (server) are loaded on
first use, so importing a fake or the credentials does not pull in the socket server.
"""

from __future__ import annotations

import importlib
from typing import Any

EXPORTS = {"Sandbox": "syndicate.sandbox.router", "FaultPlan": "syndicate.sandbox.faults",
           "serve": "syndicate.sandbox.server", "run": "syndicate.sandbox.server",
           "ServerHandle": "syndicate.sandbox.server"}
__all__ = sorted(EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in EXPORTS:
        raise AttributeError(f"module 'syndicate.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(EXPORTS[name]), name)
