"""The engine, one rule at a time, with the echo platform behind ``httpx.MockTransport``.

Time is never real: the engine's ``sleep`` only records what it was asked to wait.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from syndicate.adapter import Payload
from syndicate.engine import Engine, Outcome, RetryPolicy, resolve
from syndicate.pacing import PacedTransport
from syndicate.planner import Action
from syndicate.state import STATE_DIR, STATE_NAME, Entry, State
from tests.engine_doubles import EchoAdapter, created, echo_adapter

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def payload(platform: str, key: str, **data: Any) -> Payload:
    return Payload(platform, key, {"title": key.title(), "html": "<p>x</p>", **data})


def action(kind: str, adapter: EchoAdapter, key: str = "hello", **data: Any) -> Action:
    return Action(
        kind,
        key,
        adapter.name,
        f"_posts/{key}.md",
        title=key.title(),
        payload=payload(adapter.name, key, **data),
        source_hash="s" * 8,
        config_hash="c" * 8,
    )


def state_at(tmp_path: Path) -> State:
    return State(tmp_path / STATE_DIR / STATE_NAME)


def on_disk(state: State) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(state.path.read_text(encoding="utf-8"))
    return data


class Server:
    """A scripted platform: answers in order, the last one repeating; records every request."""

    def __init__(
        self, *answers: httpx.Response | Callable[[httpx.Request], httpx.Response]
    ) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(request) if callable(answer) else answer

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def run(engine: Engine, actions: list[Action]) -> dict[tuple[str, str], Outcome]:
    return {(o.key, o.platform): o for o in asyncio.run(engine.run(actions))}


def engine_for(
    state: State,
    servers: dict[str, Any],
    adapters: dict[str, EchoAdapter],
    sleep: Sleeps | None = None,
    policy: RetryPolicy | None = None,
) -> Engine:
    transports = {
        name: s.transport() if isinstance(s, Server) else s for name, s in servers.items()
    }
    return Engine(
        adapters,
        state,
        transports=transports,
        sleep=sleep or Sleeps(),
        policy=policy or RetryPolicy(),
    )


def test_pending_entry_is_on_disk_before_the_create_is_sent(tmp_path: Path) -> None:
    state = state_at(tmp_path)
    adapter = echo_adapter()
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(on_disk(state)["posts"]["hello"]["echo"])
        return created(request, "41")

    result = run(
        engine_for(state, {"echo": httpx.MockTransport(handler)}, {"echo": adapter}),
        [action("create", adapter)],
    )
    assert seen[0]["status"] == "pending" and len(seen[0]["attempt_id"]) == 32
    assert result[("hello", "echo")].outcome == "created"
    saved = on_disk(state)["posts"]["hello"]["echo"]
    assert (saved["status"], saved["remote_id"], saved["url"]) == (
        "published",
        "41",
        "https://echo.test/p/41",
    )
    assert saved["payload_hash"] == payload("echo", "hello").digest
    assert (saved["source_hash"], saved["config_hash"]) == ("s" * 8, "c" * 8)


def test_server_error_is_retried_with_backoff(tmp_path: Path) -> None:
    sleep = Sleeps()
    server = Server(httpx.Response(503, text="busy"), httpx.Response(502), created)
    adapter = echo_adapter()
    result = run(
        engine_for(state_at(tmp_path), {"echo": server}, {"echo": adapter}, sleep),
        [action("create", adapter)],
    )
    assert result[("hello", "echo")].outcome == "created"
    assert len(server.requests) == 3
    assert len(sleep.waits) == 2
    assert 0.5 <= sleep.waits[0] <= 1.0 and 1.0 <= sleep.waits[1] <= 2.0


def test_retries_stop_after_the_policys_attempts(tmp_path: Path) -> None:
    state = state_at(tmp_path)
    server = Server(httpx.Response(500))
    adapter = echo_adapter()
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}, policy=RetryPolicy(attempts=3)),
        [action("create", adapter)],
    )
    assert len(server.requests) == 3
    assert result[("hello", "echo")].outcome == "failed"
    saved = on_disk(state)["posts"]["hello"]["echo"]
    assert saved["status"] == "failed" and "HTTP 500" in saved["last_error"]


def test_rate_limit_waits_at_least_retry_after(tmp_path: Path) -> None:
    sleep = Sleeps()
    server = Server(httpx.Response(429, headers={"Retry-After": "7"}), created)
    adapter = echo_adapter()
    result = run(
        engine_for(state_at(tmp_path), {"echo": server}, {"echo": adapter}, sleep),
        [action("create", adapter)],
    )
    assert result[("hello", "echo")].outcome == "created"
    assert len(sleep.waits) == 1 and sleep.waits[0] >= 7


def test_rate_limit_longer_than_longest_wait_fails_without_waiting(tmp_path: Path) -> None:
    sleep = Sleeps()
    state = state_at(tmp_path)
    server = Server(httpx.Response(429, headers={"Retry-After": "3600"}), created)
    adapter = echo_adapter()
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}, sleep, RetryPolicy(longest_wait=90)),
        [action("create", adapter)],
    )
    outcome = result[("hello", "echo")]
    assert outcome.outcome == "failed" and "rate limited" in (outcome.error or "")
    assert sleep.waits == [] and len(server.requests) == 1
    assert on_disk(state)["posts"]["hello"]["echo"]["status"] == "failed"


def test_rejected_payload_is_not_retried(tmp_path: Path) -> None:
    sleep = Sleeps()
    state = state_at(tmp_path)
    server = Server(httpx.Response(400, text="title too long"), created)
    adapter = echo_adapter()
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}, sleep), [action("create", adapter)]
    )
    assert result[("hello", "echo")].outcome == "failed"
    assert "title too long" in (result[("hello", "echo")].error or "")
    assert len(server.requests) == 1 and sleep.waits == []
    assert on_disk(state)["posts"]["hello"]["echo"]["status"] == "failed"


def test_auth_failure_stops_the_platform_but_not_the_others(tmp_path: Path) -> None:
    bad = Server(httpx.Response(401, text="bad token"))
    good = Server(created)
    adapters = {
        "bad": echo_adapter("bad", max_concurrency=1),
        "good": echo_adapter("good", max_concurrency=1),
    }
    actions = [action("create", adapters[p], key) for p in adapters for key in ("a", "b", "c")]
    engine = engine_for(state_at(tmp_path), {"bad": bad, "good": good}, adapters)
    result = run(engine, actions)
    assert len(bad.requests) == 1
    assert [result[(k, "bad")].outcome for k in "abc"] == ["failed"] * 3
    assert all("not sent" in (result[(k, "bad")].error or "") for k in "bc")
    assert [result[(k, "good")].outcome for k in "abc"] == ["created"] * 3
    assert "bad" in engine.stopped and "good" not in engine.stopped


@pytest.mark.parametrize("can_find, status", [(False, "uncertain"), (True, "pending")])
def test_ambiguous_create_is_never_retried_in_the_same_run(
    tmp_path: Path, can_find: bool, status: str
) -> None:
    sleep = Sleeps()
    state = state_at(tmp_path)

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    server = Server(timeout, created)
    adapter = echo_adapter(can_find=can_find)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}, sleep), [action("create", adapter)]
    )
    assert result[("hello", "echo")].outcome == "uncertain"
    assert len(server.requests) == 1 and sleep.waits == []
    saved = on_disk(state)["posts"]["hello"]["echo"]
    assert saved["status"] == status and "may have been applied" in saved["last_error"]
    assert saved["attempt_id"]


def pending_state(tmp_path: Path) -> State:
    state = state_at(tmp_path)
    state.put("hello", "echo", Entry(status="pending", source="_posts/hello.md", attempt_id="a1"))
    state.save()
    return state


def test_reconcile_adopts_the_copy_find_returns_without_creating(tmp_path: Path) -> None:
    state = pending_state(tmp_path)
    server = Server(
        lambda r: httpx.Response(200, json=[{"id": 77, "url": "https://echo.test/p/77"}])
    )
    adapter = echo_adapter(can_find=True)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}), [action("reconcile", adapter)]
    )
    assert result[("hello", "echo")].outcome == "reconciled"
    assert [(r.method, r.url.path) for r in server.requests] == [("GET", "/posts")]
    assert server.requests[0].url.params["title"] == "Hello"
    saved = on_disk(state)["posts"]["hello"]["echo"]
    assert (saved["status"], saved["remote_id"]) == ("published", "77")
    assert saved["payload_hash"] == payload("echo", "hello").digest


def test_reconcile_creates_when_find_comes_back_empty(tmp_path: Path) -> None:
    state = pending_state(tmp_path)
    server = Server(lambda r: httpx.Response(200, json=[]), created)
    adapter = echo_adapter(can_find=True)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}), [action("reconcile", adapter)]
    )
    assert result[("hello", "echo")].outcome == "created"
    assert [(r.method, r.url.path) for r in server.requests] == [
        ("GET", "/posts"),
        ("POST", "/posts"),
    ]
    saved = on_disk(state)["posts"]["hello"]["echo"]
    assert saved["status"] == "published" and saved["attempt_id"] != "a1"


def published_state(tmp_path: Path) -> State:
    state = state_at(tmp_path)
    state.put(
        "hello",
        "echo",
        Entry(
            status="published",
            source="_posts/hello.md",
            remote_id="9",
            url="https://echo.test/p/9",
            payload_hash="0" * 64,
        ),
    )
    state.save()
    return state


def test_update_replaces_the_remote_copy(tmp_path: Path) -> None:
    state = published_state(tmp_path)
    server = Server(lambda r: created(r, "9"))
    adapter = echo_adapter(can_update=True)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}), [action("update", adapter)]
    )
    assert result[("hello", "echo")].outcome == "updated"
    assert [(r.method, r.url.path) for r in server.requests] == [("PUT", "/posts/9")]
    assert (
        on_disk(state)["posts"]["hello"]["echo"]["payload_hash"] == payload("echo", "hello").digest
    )


def test_failed_update_keeps_the_published_copy(tmp_path: Path) -> None:
    state = published_state(tmp_path)
    server = Server(httpx.Response(422, text="nope"))
    adapter = echo_adapter(can_update=True)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}), [action("update", adapter)]
    )
    outcome = result[("hello", "echo")]
    assert (outcome.outcome, outcome.remote_id, outcome.url) == (
        "failed",
        "9",
        "https://echo.test/p/9",
    )
    saved = on_disk(state)["posts"]["hello"]["echo"]
    assert (saved["status"], saved["remote_id"], saved["url"]) == (
        "published",
        "9",
        "https://echo.test/p/9",
    )
    assert saved["payload_hash"] == "0" * 64 and "nope" in saved["last_error"]


def test_ambiguous_update_is_retried_because_it_repeats_safely(tmp_path: Path) -> None:
    state = published_state(tmp_path)

    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("reset", request=request)

    server = Server(reset, lambda r: created(r, "9"))
    adapter = echo_adapter(can_update=True)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}), [action("update", adapter)]
    )
    assert result[("hello", "echo")].outcome == "updated" and len(server.requests) == 2


def test_max_concurrency_bounds_requests_in_flight(tmp_path: Path) -> None:
    in_flight = 0
    peak = 0
    count = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak, count
        in_flight += 1
        count += 1
        peak = max(peak, in_flight)
        for _ in range(5):
            await asyncio.sleep(0)  # let every other lane task run up to its request
        in_flight -= 1
        return created(request, str(count))

    adapter = echo_adapter(max_concurrency=2)
    actions = [action("create", adapter, f"p{i}") for i in range(6)]
    result = run(
        engine_for(state_at(tmp_path), {"echo": httpx.MockTransport(handler)}, {"echo": adapter}),
        actions,
    )
    assert {o.outcome for o in result.values()} == {"created"}
    assert count == 6 and peak == 2


@pytest.mark.parametrize("concurrency", [1, 4])
def test_daily_cap_skips_creates_beyond_it(tmp_path: Path, concurrency: int) -> None:
    state = state_at(tmp_path)
    state.put("earlier", "echo", Entry(status="published", remote_id="1"))
    server = Server(created)
    adapter = echo_adapter(daily_cap=3, max_concurrency=concurrency)
    actions = [action("create", adapter, f"p{i}") for i in range(4)]
    result = run(engine_for(state, {"echo": server}, {"echo": adapter}), actions)
    outcomes = [result[(f"p{i}", "echo")] for i in range(4)]
    assert [o.outcome for o in outcomes] == ["created", "created", "skipped", "skipped"]
    assert "daily cap of 3" in outcomes[2].reason
    assert len(server.requests) == 2
    assert state.get("p2", "echo") is None


def test_daily_cap_ignores_creates_older_than_a_day(tmp_path: Path) -> None:
    state = state_at(tmp_path)
    state.put("old", "echo", Entry(status="published", remote_id="1"))
    entry = state.get("old", "echo")
    assert entry is not None
    entry.created_at = "2020-01-01T00:00:00+00:00"
    adapter = echo_adapter(daily_cap=1)
    result = run(
        engine_for(state, {"echo": Server(created)}, {"echo": adapter}), [action("create", adapter)]
    )
    assert result[("hello", "echo")].outcome == "created"


def test_recorded_progress_is_saved_at_once_and_resumed_on_retry(tmp_path: Path) -> None:
    state = state_at(tmp_path)
    parts_on_disk: list[dict[str, Any]] = []
    posts_tried = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal posts_tried
        if request.url.path == "/parts":
            parts_on_disk.append(dict(on_disk(state)["posts"]["hello"]["echo"].get("progress", {})))
            part = json.loads(request.content)["part"]
            return httpx.Response(200, json={"id": f"m-{part}"})
        posts_tried += 1
        return httpx.Response(503) if posts_tried == 1 else created(request, "5")

    adapter = echo_adapter()
    server = httpx.MockTransport(handler)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}),
        [action("create", adapter, parts=["one", "two"])],
    )
    assert result[("hello", "echo")].outcome == "created"
    # each part's id was on disk before the next request went out, each request marked
    # in flight as it left
    assert parts_on_disk == [{"in_flight": True}, {"one": "m-one", "in_flight": True}]
    # the retry after the 503 resumed: no part was sent twice; the 503 said the post was
    # not applied, so nothing was in flight while the retry waited
    assert [dict(a.resume) for a in adapter.attempts_seen] == [
        {}, {"one": "m-one", "two": "m-two", "in_flight": False}]
    assert len({a.attempt_id for a in adapter.attempts_seen}) == 1
    assert "progress" not in on_disk(state)["posts"]["hello"]["echo"]


def test_progress_from_a_failed_run_is_resumed_by_the_next(tmp_path: Path) -> None:
    state = state_at(tmp_path)
    state.put("hello", "echo", Entry(status="failed", progress={"one": "m-one"}))
    server = Server(created)
    adapter = echo_adapter()
    run(
        engine_for(state, {"echo": server}, {"echo": adapter}),
        [action("create", adapter, parts=["one", "two"])],
    )
    assert [json.loads(r.content).get("part") for r in server.requests] == ["two", None]
    assert dict(adapter.attempts_seen[0].resume) == {"one": "m-one"}


def test_a_slow_platform_does_not_hold_up_another(tmp_path: Path) -> None:
    fast_done = asyncio.Event()
    order: list[str] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.wait_for(fast_done.wait(), timeout=5)
        order.append("slow")
        return created(request)

    async def fast(request: httpx.Request) -> httpx.Response:
        order.append("fast")
        return created(request)

    def outcome(o: Outcome) -> None:
        if o.platform == "fast" and o.key == "p2":
            fast_done.set()

    adapters = {
        "slow": echo_adapter("slow", max_concurrency=1),
        "fast": echo_adapter("fast", max_concurrency=1),
    }
    engine = engine_for(
        state_at(tmp_path),
        {"slow": httpx.MockTransport(slow), "fast": httpx.MockTransport(fast)},
        adapters,
    )
    engine.on_outcome = outcome
    actions = [action("create", adapters[p], k) for p in ("slow", "fast") for k in ("p1", "p2")]
    result = run(engine, actions)
    assert order == ["fast", "fast", "slow", "slow"]
    assert {o.outcome for o in result.values()} == {"created"}


def test_skip_blocked_uncertain_send_nothing(tmp_path: Path) -> None:
    server = Server(created)
    adapter = echo_adapter()
    result = run(
        engine_for(state_at(tmp_path), {"echo": server}, {"echo": adapter}),
        [
            action("skip", adapter, "a"),
            action("blocked", adapter, "b"),
            action("uncertain", adapter, "c"),
        ],
    )
    assert [result[(k, "echo")].outcome for k in "abc"] == ["skipped", "blocked", "uncertain"]
    assert server.requests == []


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def test_paced_transport_spaces_writes_and_leaves_reads_alone() -> None:
    clock = FakeClock()
    sent: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, clock.now))
        return httpx.Response(200, json={})

    paced = PacedTransport(httpx.MockTransport(handler), 1.5, clock=clock, sleep=clock.sleep)

    async def go() -> None:
        async with httpx.AsyncClient(transport=paced, base_url="https://echo.test") as client:
            await client.post("/a")
            await client.get("/b")
            await client.post("/c")
            await client.get("/d")
            clock.now += 5
            await client.put("/e")
            await asyncio.gather(client.post("/f"), client.delete("/g"))

    asyncio.run(go())
    assert sent == [
        ("POST", 100.0),
        ("GET", 100.0),
        ("POST", 101.5),
        ("GET", 101.5),
        ("PUT", 106.5),
        ("POST", 108.0),
        ("DELETE", 109.5),
    ]
    assert clock.waits == [1.5, 1.5, 1.5]
    assert paced.requests == 7


def test_paced_transport_keeps_to_a_per_minute_cap() -> None:
    clock = FakeClock()
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return httpx.Response(200, json={})

    paced = PacedTransport(httpx.MockTransport(handler), 1.0, per_minute=20, clock=clock,
                           sleep=clock.sleep)

    async def go() -> None:
        async with httpx.AsyncClient(transport=paced, base_url="https://echo.test") as client:
            for _ in range(45):
                await client.post("/sendMessage")

    asyncio.run(go())
    assert sent[:20] == [100.0 + i for i in range(20)]  # one a second while the window allows
    assert sent[20] == 160.0 and sent[40] == 220.0  # the 21st waits for the 1st to leave the window
    for i in range(len(sent)):
        window = [t for t in sent if sent[i] - 60 < t <= sent[i]]
        assert len(window) <= 20, f"{len(window)} writes within 60 s ending at {sent[i]}"


def test_resolve_settles_an_uncertain_entry(tmp_path: Path) -> None:
    state = state_at(tmp_path)
    state.put("a", "echo", Entry(status="uncertain", last_error="timeout"))
    state.put("b", "echo", Entry(status="uncertain"))
    state.put("c", "echo", Entry(status="published", remote_id="1"))
    entry = resolve(state, "a", "echo", published="https://echo.test/p/3", retry=False)
    assert (entry.status, entry.url, entry.remote_id, entry.last_error) == (
        "published",
        "https://echo.test/p/3",
        "manual",
        None,
    )
    state.put("d", "echo", Entry(status="pending", url="https://echo.test/p/old"))
    by_id = resolve(state, "d", "echo", published="1234", retry=False)
    assert (by_id.remote_id, by_id.url) == ("1234", "https://echo.test/p/old")
    resolve(state, "b", "echo", published=None, retry=True)
    assert state.get("b", "echo") is None
    assert on_disk(state)["posts"]["a"]["echo"]["status"] == "published"
    assert "b" not in on_disk(state)["posts"]
    with pytest.raises(ValueError, match="not uncertain"):
        resolve(state, "c", "echo", published=None, retry=False)


def test_ambiguous_after_a_retried_server_error_stops_there(tmp_path: Path) -> None:
    state = state_at(tmp_path)

    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("reset", request=request)

    server = Server(httpx.Response(503), reset, created)
    adapter = echo_adapter(can_find=False)
    result = run(
        engine_for(state, {"echo": server}, {"echo": adapter}), [action("create", adapter)]
    )
    assert result[("hello", "echo")].outcome == "uncertain"
    assert len(server.requests) == 2
    assert on_disk(state)["posts"]["hello"]["echo"]["status"] == "uncertain"


def test_a_long_rate_limit_is_refused_by_the_retry_predicate_itself(tmp_path: Path) -> None:
    from tenacity import RetryCallState

    from syndicate.errors import RateLimited, Transient

    engine = engine_for(state_at(tmp_path), {}, {})
    decide = engine.should_retry(action("create", echo_adapter()))

    def outcome(error: BaseException) -> RetryCallState:
        call = RetryCallState(None, None, (), {})  # type: ignore[arg-type]
        call.set_exception((type(error), error, None))
        return call

    assert decide(outcome(Transient("echo", "503"))) is True
    assert decide(outcome(RateLimited("echo", "slow down", retry_after=5))) is True
    assert decide(outcome(RateLimited("echo", "daily cap", retry_after=86_400))) is False
    assert decide(outcome(ValueError("not ours"))) is False
