"""The planner: hash-only warm path, and each (entry, payload, capabilities) → action rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest

from syndicate import planner
from syndicate.adapter import Adapter
from syndicate.config import SyndicateConfig
from syndicate.engine import Engine
from syndicate.errors import SourceError
from syndicate.planner import Action, baseline, order_and_cap
from syndicate.post import Post, PostOptions
from syndicate.sources import Site
from syndicate.sources.site import SourceFile
from syndicate.state import STATE_DIR, STATE_NAME, Entry, State
from syndicate.workflow import payload_for
from tests.engine_doubles import EchoAdapter, FakeSite, echo_adapter, make_post

CONFIG_HASH = "cfg-1"


def run_plan(site: FakeSite, adapters: dict[str, EchoAdapter], state: State,
             config: SyndicateConfig | None = None, fingerprints: dict[str, str] | None = None,
             only: list[str] | None = None) -> list[Action]:
    actions, errors = planner.plan(
        cast(Site, site), cast(dict[str, Adapter[Any]], adapters), state,
        config or SyndicateConfig(), fingerprints or dict.fromkeys(adapters, CONFIG_HASH),
        only=only)
    assert errors == []
    return actions


def published(site: FakeSite, post: Post, adapter: EchoAdapter, *, status: str = "published",
              config_hash: str = CONFIG_HASH, payload_hash: str | None = None,
              remote_id: str | None = "r1") -> Entry:
    rel = f"_posts/{post.key}.md"
    source = next(s for s in site.discover() if s.rel_path == rel)
    return Entry(status=status, source=rel, source_hash=source.digest(), config_hash=config_hash,
                 payload_hash=payload_hash or payload_for(adapter, post, SyndicateConfig()).digest,
                 remote_id=remote_id, url=f"https://echo.test/p/{remote_id}")


def one(actions: list[Action]) -> Action:
    assert len(actions) == 1
    return actions[0]


@pytest.fixture
def state(tmp_path: Path) -> State:
    return State(tmp_path / STATE_DIR / STATE_NAME)


def test_new_post_is_created_with_its_hashes_and_payload(tmp_path: Path, state: State) -> None:
    post = make_post()
    site = FakeSite(tmp_path, [post])
    action = one(run_plan(site, {"echo": echo_adapter()}, state))
    assert (action.kind, action.reason, action.key, action.source) == (
        "create", "new", "hello", "_posts/hello.md")
    assert action.payload is not None and action.payload.data["title"] == "Hello"
    assert action.source_hash == site.discover()[0].digest() and action.config_hash == CONFIG_HASH


def test_warm_path_never_reads_the_file(tmp_path: Path, state: State,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    post = make_post()
    adapter = echo_adapter()
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter))

    def refuse(_source: object) -> Post:
        raise AssertionError("the warm path parsed the file")

    monkeypatch.setattr(site, "read", refuse)
    action = one(run_plan(site, {"echo": adapter}, state))
    assert (action.kind, action.reason, action.post) == ("skip", "unchanged", None)


def test_warm_path_holds_for_baseline_entries_too(tmp_path: Path, state: State) -> None:
    post = make_post()
    adapter = echo_adapter()
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter, status="baseline"))
    assert one(run_plan(site, {"echo": adapter}, state)).kind == "skip"
    assert site.reads == []


def test_edited_bytes_are_read_again(tmp_path: Path, state: State) -> None:
    post = make_post()
    adapter = echo_adapter(can_update=True)
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter))
    (tmp_path / "_posts/hello.md").write_text("touched\n", encoding="utf-8")
    action = one(run_plan(site, {"echo": adapter}, state))
    assert site.reads == ["_posts/hello.md"]
    assert (action.kind, action.refresh) == ("skip", True)  # same payload: nothing to send


def test_config_change_rerenders_and_refreshes_when_payload_is_equal(tmp_path: Path,
                                                                     state: State) -> None:
    post = make_post()
    adapter = echo_adapter()
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter, config_hash="cfg-0"))
    action = one(run_plan(site, {"echo": adapter}, state))
    assert site.reads == ["_posts/hello.md"]
    assert (action.kind, action.reason, action.refresh, action.config_hash) == (
        "skip", "unchanged", True, CONFIG_HASH)

    Engine({"echo": adapter}, state).settle_without_network(action)
    entry = state.get("hello", "echo")
    assert entry is not None and entry.config_hash == CONFIG_HASH and entry.remote_id == "r1"
    site.reads.clear()
    assert one(run_plan(site, {"echo": adapter}, State.read(state.path))).post is None
    assert site.reads == []


def test_changed_payload_is_an_update_where_the_platform_can(tmp_path: Path, state: State) -> None:
    post = make_post()
    adapter = echo_adapter(can_update=True)
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter, config_hash="old",
                                         payload_hash="0" * 64))
    action = one(run_plan(site, {"echo": adapter}, state))
    assert (action.kind, action.reason, action.refresh) == ("update", "changed", False)


def test_changed_payload_is_blocked_with_the_adapters_reason(tmp_path: Path, state: State) -> None:
    post = make_post()
    adapter = echo_adapter(can_update=False, cannot_update_reason="echo posts are carved in stone")
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter, config_hash="old",
                                         payload_hash="0" * 64))
    action = one(run_plan(site, {"echo": adapter}, state))
    assert (action.kind, action.reason) == ("blocked", "echo posts are carved in stone")


def test_changed_payload_without_remote_id_is_blocked(tmp_path: Path, state: State) -> None:
    post = make_post()
    adapter = echo_adapter(can_update=True)
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter, config_hash="old",
                                         payload_hash="0" * 64, remote_id=None))
    assert one(run_plan(site, {"echo": adapter}, state)).kind == "blocked"


def test_changed_baseline_post_is_not_sent(tmp_path: Path, state: State) -> None:
    post = make_post()
    adapter = echo_adapter(can_update=True)
    site = FakeSite(tmp_path, [post])
    entry = published(site, post, adapter, status="baseline", config_hash="old",
                      payload_hash="0" * 64)
    entry.source_hash = "an earlier version of the file"  # the post itself was edited
    state.put("hello", "echo", entry)
    action = one(run_plan(site, {"echo": adapter}, state))
    assert action.kind == "skip" and "baseline" in action.reason


def test_a_baseline_post_whose_file_is_as_recorded_is_unchanged(tmp_path: Path, state: State) -> None:
    """Only the settings moved (a new footer): the post was not edited, so it is 'unchanged'."""
    post = make_post()
    adapter = echo_adapter(can_update=True)
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", published(site, post, adapter, status="baseline",
                                         config_hash="old", payload_hash="0" * 64))
    action = one(run_plan(site, {"echo": adapter}, state))
    assert (action.kind, action.reason) == ("skip", "unchanged")


@pytest.mark.parametrize("can_find, kind", [(True, "reconcile"), (False, "uncertain")])
def test_pending_entry_is_reconciled_or_uncertain(tmp_path: Path, state: State, can_find: bool,
                                                  kind: str) -> None:
    post = make_post()
    adapter = echo_adapter(can_find=can_find)
    site = FakeSite(tmp_path, [post])
    state.put("hello", "echo", Entry(status="pending", source="_posts/hello.md", attempt_id="a1"))
    action = one(run_plan(site, {"echo": adapter}, state))
    assert action.kind == kind
    assert action.payload is not None


def test_uncertain_entry_waits_for_resolve(tmp_path: Path, state: State) -> None:
    site = FakeSite(tmp_path, [make_post()])
    state.put("hello", "echo", Entry(status="uncertain", source="_posts/hello.md"))
    action = one(run_plan(site, {"echo": echo_adapter(can_find=True)}, state))
    assert action.kind == "uncertain" and "resolve" in action.reason


def test_failed_entry_is_created_again(tmp_path: Path, state: State) -> None:
    site = FakeSite(tmp_path, [make_post()])
    state.put("hello", "echo", Entry(status="failed", source="_posts/hello.md", last_error="x"))
    action = one(run_plan(site, {"echo": echo_adapter()}, state))
    assert (action.kind, action.reason) == ("create", "earlier attempt failed")


def test_held_post_is_skipped_with_the_hold_reason(tmp_path: Path, state: State) -> None:
    site = FakeSite(tmp_path, [make_post(hold="draft")])
    action = one(run_plan(site, {"echo": echo_adapter()}, state))
    assert (action.kind, action.reason, action.payload) == ("skip", "draft", None)


def test_syndicate_false_and_platform_filter(tmp_path: Path, state: State) -> None:
    site = FakeSite(tmp_path, [
        make_post("off", options=PostOptions(enabled=False), day=1),
        make_post("only-b", options=PostOptions(platforms=("b",)), day=2)])
    adapters = {"a": echo_adapter("a"), "b": echo_adapter("b")}
    got = {(a.key, a.platform): a for a in run_plan(site, adapters, state)}
    assert got[("off", "a")].kind == got[("off", "b")].kind == "skip"
    assert "front matter" in got[("off", "a")].reason
    assert got[("only-b", "a")].kind == "skip"
    assert got[("only-b", "b")].kind == "create"


def test_since_skips_only_posts_the_state_does_not_know(tmp_path: Path, state: State) -> None:
    old = make_post("old", day=1)
    older_failed = make_post("older", day=2)
    fresh = make_post("fresh", day=20)
    site = FakeSite(tmp_path, [old, older_failed, fresh])
    state.put("older", "echo", Entry(status="failed", source="_posts/older.md"))
    config = SyndicateConfig(since=date(2024, 1, 10))
    got = {a.key: a for a in run_plan(site, {"echo": echo_adapter()}, state, config)}
    assert got["old"].kind == "skip" and "since" in got["old"].reason
    assert got["older"].kind == "create"
    assert got["fresh"].kind == "create"


def test_only_filter_selects_by_path_or_key(tmp_path: Path, state: State) -> None:
    site = FakeSite(tmp_path, [make_post("a", day=1), make_post("b", day=2)])
    by_path = run_plan(site, {"echo": echo_adapter()}, state, only=["_posts/b.md"])
    assert [a.key for a in by_path] == ["b"]
    state.put("a", "echo", Entry(status="failed", source="_posts/a.md"))
    by_key = run_plan(site, {"echo": echo_adapter()}, state, only=["a"])
    assert [a.key for a in by_key] == ["a"]


def test_max_per_run_publishes_the_oldest_first(tmp_path: Path, state: State) -> None:
    posts = [make_post("newest", day=9), make_post("oldest", day=1), make_post("middle", day=5)]
    site = FakeSite(tmp_path, posts)
    actions = run_plan(site, {"echo": echo_adapter()}, state, SyndicateConfig(max_per_run=2))
    assert [(a.key, a.kind) for a in actions] == [
        ("oldest", "create"), ("middle", "create"), ("newest", "skip")]
    assert actions[2].reason == "over max_per_run (2)" and actions[2].refresh is False


def test_cap_counts_updates_but_not_skips() -> None:
    def act(kind: str, day: int) -> Action:
        return Action(kind, f"k{day}", "echo", f"s{day}", post=make_post(f"k{day}", day=day))
    capped = order_and_cap([act("create", 3), act("skip", 1), act("update", 2)], 1)
    assert [(a.key, a.kind) for a in capped] == [("k1", "skip"), ("k2", "update"), ("k3", "skip")]
    assert order_and_cap([act("create", 2)], None)[0].kind == "create"


def test_baseline_then_plan_skips_everything_without_reading(tmp_path: Path, state: State) -> None:
    site = FakeSite(tmp_path, [make_post("a", day=1), make_post("b", day=2)])
    adapters = {"x": echo_adapter("x"), "y": echo_adapter("y")}
    assert baseline(run_plan(site, adapters, state), state) == 4
    state.save()
    site.reads.clear()
    again = run_plan(site, adapters, State.read(state.path))
    assert [a.kind for a in again] == ["skip"] * 4
    assert site.reads == []


def test_baseline_records_only_creates(tmp_path: Path, state: State) -> None:
    site = FakeSite(tmp_path, [make_post("held", hold="draft"), make_post("new", day=2)])
    actions = run_plan(site, {"echo": echo_adapter()}, state)
    assert baseline(actions, state) == 1
    assert state.get("held", "echo") is None
    entry = state.get("new", "echo")
    assert entry is not None and entry.status == "baseline" and entry.payload_hash


def test_unreadable_post_is_reported_and_the_rest_still_planned(tmp_path: Path,
                                                                state: State) -> None:
    site = FakeSite(tmp_path, [make_post("bad", day=1), make_post("good", day=2)])
    real_read = site.read

    def read(source: SourceFile) -> Post:
        if source.rel_path == "_posts/bad.md":
            raise SourceError(source.rel_path, "front matter is not YAML", line=2)
        return real_read(source)

    site.read = read  # type: ignore[method-assign]
    actions, errors = planner.plan(cast(Site, site), {"echo": echo_adapter()}, state,
                                   SyndicateConfig(), {"echo": CONFIG_HASH})
    assert [a.key for a in actions] == ["good"]
    assert [e.path for e in errors] == ["_posts/bad.md"]


def test_file_is_read_once_only_for_the_platforms_that_need_it(tmp_path: Path,
                                                               state: State) -> None:
    post = make_post()
    done, fresh = echo_adapter("done"), echo_adapter("fresh")
    site = FakeSite(tmp_path, [post])
    state.put("hello", "done", published(site, post, done))
    actions = run_plan(site, {"done": done, "fresh": fresh}, state)
    assert site.reads == ["_posts/hello.md"]
    assert {(a.platform, a.kind) for a in actions} == {("done", "skip"), ("fresh", "create")}
