"""The engine: the only place that sends, sleeps, retries, limits concurrency or writes state.

For each planned action: a create is first written to the state file as ``pending``
with a fresh attempt id (write-ahead), then sent; success makes it ``published`` with
the remote id, URL and the hash of the payload sent. Transient failures and rate limits
are retried here with tenacity (exponential backoff with jitter, Retry-After honoured,
bounded attempts and total time, each retry logged). An ambiguous failure — the request
may have been applied — is never retried blindly: the entry stays ``pending`` and the
next run looks the post up (``find``) where the platform allows it, or reports it
``uncertain`` for ``syndicate resolve``. The state file is saved after every outcome.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, stop_before_delay

from syndicate.adapter import Adapter, Attempt, RemoteRef
from syndicate.errors import (
    Ambiguous,
    AuthFailed,
    PlatformError,
    RateLimited,
    Rejected,
    Transient,
    Unreachable,
)
from syndicate.http import build_client
from syndicate.pacing import LEAVING, PacedTransport
from syndicate.planner import WRITES, Action, Kind
from syndicate.state import IN_FLIGHT, Entry, State, post_fingerprint

log = logging.getLogger("syndicate.engine")
AnyAdapter = Adapter[Any]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    total_seconds: float = 120.0
    base: float = 1.0
    cap: float = 30.0
    longest_wait: float = 90.0
    """A rate limit asking for longer than this ends the post's run (Medium: hours)."""


class Result(StrEnum):
    """What became of one post on one platform in a run (or would, in a dry run)."""

    CREATED = "created"
    UPDATED = "updated"
    RECONCILED = "reconciled"
    SKIPPED = "skipped"
    BLOCKED = "blocked"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    WOULD_CREATE = "would create"
    WOULD_UPDATE = "would update"
    WOULD_RECONCILE = "would reconcile"


SENT = frozenset({Result.CREATED, Result.UPDATED, Result.RECONCILED})
TROUBLE = frozenset({Result.FAILED, Result.UNCERTAIN})
"""Results that make a run's exit code 1."""


def would(action: Action) -> Result:
    """A dry run's word for an action: "would create" for a write, else what the plan says."""
    if action.kind in WRITES:
        return Result(f"would {action.kind}")
    return {Kind.SKIP: Result.SKIPPED, Kind.BLOCKED: Result.BLOCKED,
            Kind.UNCERTAIN: Result.UNCERTAIN}[action.kind]


@dataclass(frozen=True)
class Outcome:
    key: str
    platform: str
    outcome: Result
    title: str = ""
    remote_id: str | None = None
    url: str | None = None
    error: str | None = None
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"post": self.key, "platform": self.platform, "outcome": self.outcome,
                "remote_id": self.remote_id, "url": self.url, "error": self.error,
                "reason": self.reason, "title": self.title}


@dataclass
class Engine:
    adapters: Mapping[str, AnyAdapter]
    state: State
    transports: Mapping[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = asyncio.sleep
    on_outcome: Callable[[Outcome], None] = lambda _o: None
    stopped: dict[str, str] = field(default_factory=dict)
    """Platforms whose credentials were refused this run, with the message."""

    def wait_seconds(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        backoff = min(self.policy.cap, self.policy.base * 2 ** (state.attempt_number - 1))
        backoff = random.uniform(backoff / 2, backoff)  # noqa: S311 - jitter, not crypto
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return max(backoff, error.retry_after)
        return backoff

    def should_retry(self, action: Action) -> Callable[[RetryCallState], bool]:
        """Transient failures are retried; a rate limit asking for longer than the policy's
        longest wait ends this post's run instead (Medium's daily cap asks for hours)."""
        def decide(state: RetryCallState) -> bool:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, RateLimited) and (error.retry_after or 0) > self.policy.longest_wait:
                log.warning("%s: %s: rate limited for %.0f s; giving up for this run",
                            action.platform, action.key, error.retry_after or 0)
                return False
            return isinstance(error, Transient)
        return decide

    async def retrying(self, call: Callable[[], Awaitable[Any]], action: Action) -> Any:
        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0
            log.warning("%s: %s: try %d failed (%s); trying again in %.0f s", action.platform,
                        action.key, state.attempt_number, error, wait)

        retrying = AsyncRetrying(
            retry=self.should_retry(action),
            stop=stop_after_attempt(self.policy.attempts) | stop_before_delay(self.policy.total_seconds),
            wait=self.wait_seconds, sleep=self.sleep, before_sleep=before_sleep, reraise=True)
        async for attempt in retrying:
            with attempt:
                return await call()

    def emit(self, outcome: Outcome) -> Outcome:
        self.on_outcome(outcome)
        return outcome

    def daily_count(self, platform: str) -> int:
        since = datetime.now(UTC) - timedelta(hours=24)
        count = 0
        for _key, name, entry in self.state.entries():
            counted = entry.status in ("published", "pending", "uncertain") and entry.created_at
            if name == platform and counted and datetime.fromisoformat(entry.created_at or "") >= since:
                count += 1
        return count

    async def run(self, actions: list[Action]) -> list[Outcome]:
        by_platform: dict[str, list[Action]] = {}
        results: list[Outcome] = []
        refreshed = False
        for action in actions:
            if action.kind in ("skip", "blocked", "uncertain"):
                results.append(self.settle_without_network(action, save=False))
                refreshed = refreshed or action.refresh
            else:
                by_platform.setdefault(action.platform, []).append(action)
        if refreshed:
            # One save for every refreshed hash: saving after each one rewrote (and fsynced)
            # the whole state file per post, quadratic on a big blog after a settings change.
            # Losing a refresh to a crash costs only a re-render next run, never a duplicate.
            self.state.save()
        lanes = [self.lane(name, items) for name, items in by_platform.items()]
        for lane_results in await asyncio.gather(*lanes):
            results.extend(lane_results)
        return results

    def settle_without_network(self, action: Action, *, save: bool = True) -> Outcome:
        if action.refresh and action.payload is not None:
            entry = self.state.get(action.key, action.platform)
            if entry is not None:
                entry.source, entry.source_hash = action.source, action.source_hash
                entry.config_hash = action.config_hash
                self.state.put(action.key, action.platform, entry)
                if save:
                    self.state.save()
        kind = would(action)
        entry = self.state.get(action.key, action.platform)
        return self.emit(Outcome(action.key, action.platform, kind, action.title,
                                 entry.remote_id if entry else None, entry.url if entry else None,
                                 reason=action.reason))

    async def lane(self, platform: str, actions: list[Action]) -> list[Outcome]:
        """All writes to one platform: bounded concurrency, paced, independent of other lanes."""
        adapter = self.adapters[platform]
        caps = adapter.capabilities
        inner = self.transports.get(platform) or httpx.AsyncHTTPTransport(retries=0)
        transport = PacedTransport(inner, caps.min_interval, per_minute=caps.max_per_minute,
                                    sleep=self.sleep, name=platform)
        gate = asyncio.Semaphore(max(1, caps.max_concurrency))
        async with build_client(adapter.base_url, transport=transport) as client:
            async def one(action: Action) -> Outcome:
                async with gate:
                    return await self.execute(client, adapter, action)
            return list(await asyncio.gather(*(one(a) for a in actions)))

    async def execute(self, client: httpx.AsyncClient, adapter: AnyAdapter, action: Action) -> Outcome:
        platform = action.platform
        if platform in self.stopped:
            return self.emit(Outcome(action.key, platform, Result.FAILED, action.title,
                                     error=f"not sent: {self.stopped[platform]}"))
        caps = adapter.capabilities
        if action.kind in ("create", "reconcile") and caps.daily_cap is not None:
            if self.daily_count(platform) >= caps.daily_cap:
                return self.emit(Outcome(action.key, platform, Result.SKIPPED, action.title,
                                         reason=f"daily cap of {caps.daily_cap} reached; next run"))
        try:
            if action.kind == "reconcile":
                return await self.reconcile(client, adapter, action)
            if action.kind == "update":
                return await self.update(client, adapter, action)
            return await self.create(client, adapter, action)
        except (AuthFailed, Unreachable) as exc:
            # Refused credentials or a dead host: every other post would fail the same way
            # (after its own retries), so this run sends nothing more there.
            self.stopped[platform] = str(exc)
            return self.fail(action, exc)
        except (Rejected, Transient) as exc:
            return self.fail(action, exc)

    def fail(self, action: Action, error: PlatformError) -> Outcome:
        entry = self.state.get(action.key, action.platform)
        if entry is None or entry.status in ("pending", "failed"):
            if entry is not None and entry.status == "pending" and action.kind == "create":
                # The create was refused outright: nothing went out, so it may be sent again.
                entry.status = "failed"
            entry = entry or Entry(status="failed", source=action.source)
            entry.last_error = str(error)
            self.state.put(action.key, action.platform, entry)
        else:  # keep what was published; only note the error
            entry.last_error = str(error)
            self.state.put(action.key, action.platform, entry)
        self.state.save()
        return self.emit(Outcome(action.key, action.platform, Result.FAILED, action.title,
                                 entry.remote_id, entry.url, error=str(error)))

    def recorder(self, action: Action, entry: Entry) -> Callable[[Mapping[str, Any]], None]:
        def record(progress: Mapping[str, Any]) -> None:
            # An answer came back and is saved with it: nothing of this post is in flight.
            entry.progress = {**entry.progress, **progress, IN_FLIGHT: False}
            self.state.put(action.key, action.platform, entry)
            self.state.save()
        return record

    def published(self, action: Action, entry: Entry, ref: RemoteRef, kind: Result) -> Outcome:
        assert action.payload is not None
        entry.status = "published"
        entry.remote_id, entry.url, entry.extra = ref.id, ref.url, dict(ref.extra)
        entry.payload_hash = action.payload.digest
        entry.source, entry.source_hash, entry.config_hash = (
            action.source, action.source_hash, action.config_hash)
        entry.progress, entry.last_error = {}, None
        if action.post is not None:
            entry.post_fingerprint = post_fingerprint(action.post.title,
                                                      action.post.date.date().isoformat())
        self.state.put(action.key, action.platform, entry)
        self.state.save()
        return self.emit(Outcome(action.key, action.platform, kind, action.title, ref.id, ref.url))

    async def create(self, client: httpx.AsyncClient, adapter: AnyAdapter, action: Action) -> Outcome:
        assert action.payload is not None
        previous = self.state.get(action.key, action.platform)
        entry = Entry(status="pending", source=action.source, source_hash=action.source_hash,
                      config_hash=action.config_hash, attempt_id=uuid.uuid4().hex,
                      progress=dict(previous.progress) if previous else {})
        record = self.recorder(action, entry)
        payload = action.payload

        def note(progress: Mapping[str, Any]) -> None:
            entry.progress = {**entry.progress, **progress}

        def leaving(_request: httpx.Request) -> None:
            # Write-ahead, as late as it can be: after any pacing wait, right before the
            # request leaves. Killed while waiting, the run has sent and recorded nothing.
            entry.progress = {**entry.progress, IN_FLIGHT: True}
            self.state.put(action.key, action.platform, entry)
            self.state.save()

        def attempt() -> Attempt:
            # Built afresh for every try: a retry resumes from what the failed try recorded.
            return Attempt(entry.attempt_id or "", dict(entry.progress), record, note)

        async def call() -> RemoteRef:
            try:
                return await adapter.create(client, payload, attempt())
            except Transient as exc:
                if refused(exc) and entry.progress.get(IN_FLIGHT):
                    # Answered "not applied" (or never reached the platform): nothing is in
                    # flight while the retry waits, so a kill in that wait needs no person.
                    entry.progress = {**entry.progress, IN_FLIGHT: False}
                    self.state.put(action.key, action.platform, entry)
                    self.state.save()
                raise

        token = LEAVING.set(leaving)
        try:
            ref = await self.retrying(call, action)
        except Ambiguous as exc:
            entry.status = "pending" if adapter.capabilities.can_find else "uncertain"
            entry.last_error = str(exc)
            self.state.put(action.key, action.platform, entry)
            self.state.save()
            return self.emit(Outcome(action.key, action.platform, Result.UNCERTAIN, action.title,
                                     error=str(exc)))
        finally:
            LEAVING.reset(token)
        return self.published(action, entry, ref, Result.CREATED)

    async def update(self, client: httpx.AsyncClient, adapter: AnyAdapter, action: Action) -> Outcome:
        assert action.payload is not None
        entry = self.state.get(action.key, action.platform)
        assert entry is not None and entry.remote_id is not None
        ref = RemoteRef(entry.remote_id, entry.url, entry.extra)
        attempt_id, record = uuid.uuid4().hex, self.recorder(action, entry)
        payload = action.payload

        async def call() -> RemoteRef:
            attempt = Attempt(attempt_id, dict(entry.progress), record)  # resumes on a retry
            try:
                return await adapter.update(client, payload, ref, attempt)
            except Ambiguous as exc:  # an update repeats safely: same content, same target
                raise Transient(action.platform, str(exc)) from None

        new_ref = await self.retrying(call, action)
        return self.published(action, entry, new_ref, Result.UPDATED)

    async def reconcile(self, client: httpx.AsyncClient, adapter: AnyAdapter, action: Action) -> Outcome:
        assert action.payload is not None
        payload = action.payload
        try:
            found = await self.retrying(lambda: adapter.find(client, payload), action)
        except Ambiguous as exc:  # a copy may be there, but nothing proves it is ours
            entry = self.state.get(action.key, action.platform) or Entry(status="pending")
            entry.status, entry.last_error = "uncertain", str(exc)
            self.state.put(action.key, action.platform, entry)
            self.state.save()
            return self.emit(Outcome(action.key, action.platform, Result.UNCERTAIN, action.title,
                                     error=str(exc)))
        if found is None:
            log.info("%s %s: not found after an interrupted create; creating it", action.platform,
                     action.key)
            return await self.create(client, adapter, action)
        entry = self.state.get(action.key, action.platform) or Entry(status="pending")
        return self.published(action, entry, found, Result.RECONCILED)


NOT_APPLIED_STATUSES = frozenset({429, 503})
"""Answers that say the write was not applied: "too many requests", "unavailable". A 500,
502 or 504 may come after the write landed behind a proxy, so they do not count here."""


def refused(error: Transient) -> bool:
    """Whether a failed write provably did not land: the platform refused it in so many
    words (rate limit, unavailable), or the connection was never made (nothing was sent)."""
    return isinstance(error, (RateLimited, Unreachable)) or error.status in NOT_APPLIED_STATUSES


def resolve(state: State, key: str, platform: str, *, published: str | None, retry: bool) -> Entry:
    """Settle an uncertain entry by a person's word: what was in flight went out (at this
    URL) or it did not. Parts already known to be out are kept either way, so the next
    push sends only what is missing and the entry stays editable."""
    entry = state.get(key, platform)
    if entry is None or entry.status not in ("uncertain", "pending"):
        raise ValueError(f"{key} on {platform} is not uncertain")
    progress = {k: v for k, v in entry.progress.items() if k != IN_FLIGHT}
    entry.last_error = None
    if retry:
        if not progress:
            state.remove(key, platform)
            state.save()
            return entry
        entry.status, entry.progress = "failed", {**progress, IN_FLIGHT: False}
        entry.last_error = "resolved: the next push sends what had not gone out"
    else:
        complete, progress = confirmer(platform)(progress, published)
        if complete:
            entry.status, entry.progress = "published", {}
            entry.extra = progress or dict(entry.extra)
            entry.url = published if published and "://" in published else entry.url
            entry.remote_id = (published if published and "://" not in published
                               else (entry.remote_id or "manual"))
        else:
            entry.status, entry.progress = "failed", {**progress, IN_FLIGHT: False}
            entry.last_error = "resolved: the next push sends the parts still missing"
    state.put(key, platform, entry)
    state.save()
    return entry


def confirmer(platform: str) -> Callable[[Mapping[str, Any], str | None], tuple[bool, dict[str, Any]]]:
    """The adapter's own way to take a person's word for a part (default: the post is out)."""
    from syndicate import registry
    from syndicate.errors import ConfigError

    try:
        return registry.get(platform.split("@", 1)[0]).confirm_sent
    except ConfigError:  # an adapter no longer installed: its record, taken as a whole
        return Adapter.confirm_sent


async def unpublish(adapter: AnyAdapter, state: State, key: str, *,
                    transport: httpx.AsyncBaseTransport | None = None) -> Entry:
    """Take one post's copy down where the platform can delete, then forget its entry.

    Only for a post whose file is gone (else the next push would publish it again)."""
    entry = state.get(key, adapter.name)
    if entry is None or entry.status != "published" or not entry.remote_id:
        raise ValueError(f"{key} is not published on {adapter.name}")
    if not adapter.can_unpublish():
        raise ValueError(f"{adapter.name} cannot delete a post; take it down there by hand")
    async with build_client(adapter.base_url, transport=transport) as client:
        await adapter.delete(client, RemoteRef(entry.remote_id, entry.url, entry.extra))
    state.remove(key, adapter.name)
    state.save()
    return entry
