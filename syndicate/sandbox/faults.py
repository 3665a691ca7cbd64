"""Fault injection for the sandbox: every kind of failure a real platform produces.

``FaultPlan(rate, seed)`` makes that share of *write* requests fail, choosing at random
(seeded, so a run can be replayed exactly) among:

- ``"503"``: a burst of one to three 503s (an HTML page, as a proxy sends), before applying;
- ``"429"``: the platform's own rate-limit answer with a short Retry-After;
- ``"reset_before"``: the connection drops before anything is applied;
- ``"after_apply_reset"`` / ``"after_apply_timeout"``: the dangerous ones — the write IS
  applied, then the connection drops or the answer never comes, so the client cannot
  know it succeeded (a blind retry publishes a duplicate);
- ``"latency"``: the request is applied at once but answered only after ``slow_seconds``.

``"403_html"`` (a Cloudflare-style HTML 403 instead of the platform's JSON) is never
drawn at random — it is a permanent refusal, not a blip — but can be scripted.

Tests script exact faults per request with ``plan.script([...])``: each entry is a kind
or None (answer normally) and is consumed by the next request that reaches a fake,
read or write; the random draw resumes once the script is used up.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

BEFORE = ("503", "429", "reset_before")
"""Faults answered before the fake sees the request: nothing is applied."""
AFTER = ("after_apply_reset", "after_apply_timeout")
"""Faults after the fake applied the request: the client hears nothing back."""
KINDS = (*BEFORE, *AFTER, "latency")
"""What a random draw chooses among."""
SCRIPTED_ONLY = ("403_html",)
ALIASES = {"server_error": "503", "rate_limited": "429", "reset_after": "after_apply_reset",
           "timeout_after": "after_apply_timeout"}
MAX_BURST = 3


def canonical(kind: str) -> str:
    """The kind's canonical name; unknown names fail loudly so a typo cannot silently pass."""
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS and kind not in SCRIPTED_ONLY:
        raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS + SCRIPTED_ONLY)}")
    return kind


@dataclass
class FaultPlan:
    """Which requests fail and how. Mutable on purpose: tests turn faults off mid-run."""

    rate: float = 0.0
    seed: int | None = None
    kinds: tuple[str, ...] = KINDS
    slow_seconds: float = 2.0
    """Extra delay of a ``"latency"`` fault (through the sandbox's injectable sleep)."""
    retry_after: int = 1
    """Seconds the injected 429 asks the client to wait."""
    queue: deque[str | None] = field(default_factory=deque)
    counts: dict[str, int] = field(default_factory=dict)
    """How many of each kind were injected, for tests and the CLI's summary."""
    history: list[str | None] = field(default_factory=list)
    """The fault (or None) given to every request, in order."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        self.kinds = tuple(canonical(k) for k in self.kinds)
        self.random = random.Random(self.seed)
        self.burst = 0

    def script(self, faults: Iterable[str | None]) -> FaultPlan:
        """Queue exact faults for the next requests (None: answer that one normally)."""
        self.queue.extend(None if f is None else canonical(f) for f in faults)
        return self

    def next_fault(self, write: bool) -> str | None:
        """The fault for this request, or None to answer normally."""
        fault: str | None
        if self.queue:
            fault = self.queue.popleft()
        elif not write:
            fault = None
        elif self.burst and self.rate > 0:  # turning faults off ends a burst too
            self.burst -= 1
            fault = "503"
        elif self.rate > 0 and self.random.random() < self.rate:
            fault = self.random.choice(self.kinds)
            if fault == "503":
                self.burst = self.random.randint(1, MAX_BURST) - 1
        else:
            fault = None
        if fault is not None:
            self.counts[fault] = self.counts.get(fault, 0) + 1
        self.history.append(fault)
        return fault
