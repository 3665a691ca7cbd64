"""Fault injection for the sandbox: every kind of failure a real platform produces.

``FaultPlan(rate, seed)`` makes that share of write requests fail, choosing at random
(seeded, so a run can be replayed) among: a 503 before anything is applied, a 429 with
the platform's own retry signal, a connection reset before applying, and the dangerous
ones — the write is applied and then the connection drops or times out, so the client
cannot know it succeeded. Tests can also script exact faults per request.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

BEFORE = ("server_error", "rate_limited", "reset_before")
AFTER = ("reset_after", "timeout_after")
KINDS = BEFORE + AFTER


@dataclass
class FaultPlan:
    rate: float = 0.0
    seed: int | None = None
    kinds: tuple[str, ...] = KINDS
    script: deque[str | None] = field(default_factory=deque)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    def next_fault(self, write: bool) -> str | None:
        """The fault for this request, or None to answer normally."""
        if self.script:
            fault = self.script.popleft()
        elif write and self.rate > 0 and self.random.random() < self.rate:
            fault = self.random.choice(self.kinds)
        else:
            fault = None
        if fault is not None:
            self.counts[fault] = self.counts.get(fault, 0) + 1
        return fault
