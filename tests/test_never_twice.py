"""Issue 13: a kill at any moment of a multi-part write never sends a part twice, and
what a kill leaves behind needs a person only when a request really was in flight."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from syndicate import planner
from syndicate.engine import Engine, Outcome, resolve
from syndicate.sandbox.server import Sandbox
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import config_fingerprint, load_adapters, sandbox_overrides
from tests.sandboxing import SimClock, make_sandbox

PARAGRAPH = "这是一段很长的文字，用来把一篇文章拆成好几条 Telegram 消息。" * 50


class Killed(BaseException):
    """What kill -9 does to a run: it stops here, with the state file as it is on disk."""


def long_post_site(tmp_path: Path) -> Path:
    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("url: https://blog.example\ntitle: Long\n", encoding="utf-8")
    (site / "syndicate.toml").write_text('[platforms.telegram]\nmode = "full"\n', encoding="utf-8")
    body = "\n\n".join(f"## Part {i}\n\n{PARAGRAPH}" for i in range(14))
    (site / "_posts" / "2024-05-01-long.md").write_text(
        f"---\ntitle: A long one\n---\n\n{body}\n", encoding="utf-8")
    return site


class Killer(httpx.AsyncBaseTransport):
    """Kills the run at the n-th message: before it reaches Telegram, or after Telegram
    applied it but before the answer is read."""

    def __init__(self, inner: httpx.AsyncBaseTransport, at: int | None, *, applied: bool) -> None:
        self.inner, self.at, self.applied, self.seen = inner, at, applied, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sendMessage"):
            self.seen += 1
            if self.seen == self.at and not self.applied:
                raise Killed
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/sendMessage") and self.seen == self.at and self.applied:
            raise Killed
        return response


def push(site: Path, box: Sandbox, clock: SimClock, *, kill_at: int | None = None,
         applied: bool = False, sleep: Callable[[float], object] | None = None) -> list[Outcome]:
    opened = open_site(site)
    adapters = load_adapters(site, opened.config, ["telegram"],
                             overrides=sandbox_overrides(box.settings_env("http://sandbox.invalid")))
    fingerprints = {n: config_fingerprint(a, opened.config) for n, a in adapters.items()}
    state = State.load(site)
    actions, _errors = planner.plan(opened, adapters, state, opened.config, fingerprints)
    engine = Engine(adapters, state, transports={"telegram": Killer(box.transport(), kill_at,
                                                                    applied=applied)},
                    sleep=sleep or clock.sleep)  # type: ignore[arg-type]
    return asyncio.run(engine.run(actions))


def messages(box: Sandbox) -> list[str]:
    fake = box.fakes["telegram"]
    return [str(m.get("text", "")) for m in fake.messages.values()]  # type: ignore[attr-defined]


def planned_parts(site: Path, tmp_path: Path) -> int:
    clock = SimClock()
    box = make_sandbox(tmp_path / "count", clock)
    push(site, box, clock)
    count = len(messages(box))
    (site / ".syndicate" / "state.json").unlink()
    return count


def entry_of(site: Path) -> dict[str, object]:
    data = json.loads((site / ".syndicate" / "state.json").read_text(encoding="utf-8"))
    return data["posts"]["_posts/2024-05-01-long.md"]["telegram"]  # type: ignore[no-any-return]


def test_a_kill_between_messages_resumes_without_a_person(tmp_path: Path) -> None:
    site = long_post_site(tmp_path)
    total = planned_parts(site, tmp_path)
    assert total >= 6
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    waits = 0

    async def sleep_then_die(seconds: float) -> None:
        nonlocal waits
        waits += 1
        if waits == 3:  # waiting before a later message: the earlier ones are out and recorded
            raise Killed
        await clock.sleep(seconds)

    with pytest.raises(Killed):
        push(site, box, clock, sleep=sleep_then_die)
    assert 2 <= len(messages(box)) < total
    assert entry_of(site)["status"] == "pending"
    outcomes = push(site, box, clock)
    assert [o.outcome for o in outcomes] == ["created"]
    assert len(messages(box)) == total, "the resume sends only the messages not yet out"
    assert len(set(messages(box))) == total


def test_a_kill_while_waiting_to_send_leaves_no_pending_entry(tmp_path: Path) -> None:
    site = long_post_site(tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)

    waits = 0

    async def second_wait(seconds: float) -> None:
        nonlocal waits
        waits += 1
        if waits == 1 and seconds > 0:
            raise Killed
        await clock.sleep(seconds)

    with pytest.raises(Killed):
        push(site, box, clock, sleep=second_wait)
    entry = entry_of(site)
    assert entry["progress"]["in_flight"] is False  # type: ignore[index]
    plan = push(site, box, clock)
    assert [o.outcome for o in plan] == ["created"]


@pytest.mark.parametrize("went_out", [True, False])
def test_a_message_lost_in_flight_is_settled_by_resolve_and_the_post_stays_editable(
        tmp_path: Path, went_out: bool) -> None:
    site = long_post_site(tmp_path)
    total = planned_parts(site, tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    with pytest.raises(Killed):
        push(site, box, clock, kill_at=4, applied=went_out)
    assert len(messages(box)) == (4 if went_out else 3)
    again = push(site, box, clock)
    assert [o.outcome for o in again] == ["uncertain"], "message 4 may or may not be out"
    state = State.load(site)
    if went_out:
        fake = box.fakes["telegram"]
        last = max(int(k.rsplit("/", 1)[-1]) for k in fake.messages)  # type: ignore[attr-defined]
        resolve(state, "_posts/2024-05-01-long.md", "telegram",
                published=f"https://t.me/syndicate_sandbox/{last}", retry=False)
    else:
        resolve(state, "_posts/2024-05-01-long.md", "telegram", published=None, retry=True)
    outcomes = push(site, box, clock)
    assert [o.outcome for o in outcomes] == ["created"]
    assert len(messages(box)) == total and len(set(messages(box))) == total

    post = site / "_posts" / "2024-05-01-long.md"
    post.write_text(post.read_text(encoding="utf-8").replace("## Part 0", "## Part zero"),
                    encoding="utf-8")
    edited = push(site, box, clock)
    assert [o.outcome for o in edited] == ["updated"], edited
    assert any("Part zero" in text for text in messages(box))


@pytest.mark.parametrize("refusal", ["503", "429", "reset_before"])
def test_a_kill_while_waiting_to_retry_a_refused_message_needs_no_person(
        tmp_path: Path, refusal: str) -> None:
    """The platform refused the message (503, 429) or it never reached it (connection
    refused): nothing is in flight while the engine waits to try again, so a kill in
    that wait must not leave an entry that asks a person what happened."""
    site = long_post_site(tmp_path)
    total = planned_parts(site, tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    box.faults.script([None, refusal])  # message 1 goes out; message 2 is refused once

    async def die_on_the_retry_wait(seconds: float) -> None:
        if box.faults.history[-1:] == [refusal]:
            raise Killed
        await clock.sleep(seconds)

    with pytest.raises(Killed):
        push(site, box, clock, sleep=die_on_the_retry_wait)
    assert len(messages(box)) == 1
    entry = entry_of(site)
    assert entry["status"] == "pending"
    assert entry["progress"]["in_flight"] is False  # type: ignore[index]
    outcomes = push(site, box, clock)
    assert [o.outcome for o in outcomes] == ["created"], "resumed by itself, no resolve"
    assert len(messages(box)) == total and len(set(messages(box))) == total
