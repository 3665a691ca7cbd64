"""Reading the GitHub event, and the state-file merge used when the branch moved meanwhile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syndicate.gha.event import GitHubEnv, PushRange, push_range
from syndicate.gha.gitstate import merge_state_texts

A, B = "a" * 40, "b" * 40
JAN = "2026-01-01T00:00:00+00:00"


def env_for(tmp_path: Path, name: str, payload: object) -> GitHubEnv:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    return GitHubEnv.from_environ({"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(event)})


def test_a_normal_push_has_a_range(tmp_path: Path) -> None:
    env = env_for(tmp_path, "push", {"before": A, "after": B, "ref": "refs/heads/main"})
    assert push_range(env) == PushRange(A, B)
    assert env.branch == "main"


def test_first_forced_or_malformed_pushes_have_no_range(tmp_path: Path) -> None:
    assert push_range(env_for(tmp_path, "push", {"before": "0" * 40, "after": B})) is None
    assert push_range(env_for(tmp_path, "push", {"before": A, "after": B, "forced": True})) is None
    assert push_range(env_for(tmp_path, "push", {"before": "--output=x", "after": B})) is None
    assert push_range(env_for(tmp_path, "push", {"after": B})) is None
    assert push_range(env_for(tmp_path, "workflow_dispatch", {"before": A, "after": B})) is None


def test_an_unreadable_event_file_is_an_empty_event(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_bytes(b"\xff not json")
    env = GitHubEnv.from_environ({"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)})
    assert env.payload == {} and push_range(env) is None
    assert GitHubEnv.from_environ({}).event_name == ""


def state(posts: dict[str, dict[str, dict[str, str]]]) -> str:
    return json.dumps({"version": 1, "posts": posts})


def test_merge_is_a_union_and_the_newest_entry_wins() -> None:
    ours = state({"a.md": {"medium": {"status": "published", "remote_id": "new",
                                      "updated_at": "2026-02-01T00:00:00+00:00"}},
                  "b.md": {"telegram": {"status": "pending", "updated_at": JAN}}})
    theirs = state({"a.md": {"medium": {"status": "published", "remote_id": "old",
                                        "updated_at": "2026-01-15T00:00:00+00:00"},
                             "wordpress": {"status": "published", "remote_id": "w1",
                                           "updated_at": "2026-01-15T00:00:00+00:00"}},
                    "b.md": {"telegram": {"status": "published", "remote_id": "t9",
                                          "updated_at": "2026-03-01T00:00:00+00:00"}}})
    merged = json.loads(merge_state_texts(ours, theirs))["posts"]
    assert merged["a.md"]["medium"]["remote_id"] == "new"
    assert merged["a.md"]["wordpress"]["remote_id"] == "w1"
    assert merged["b.md"]["telegram"]["remote_id"] == "t9"


def test_merge_with_no_state_on_the_other_side_keeps_ours() -> None:
    ours = state({"a.md": {"medium": {"status": "published", "updated_at": JAN}}})
    assert json.loads(merge_state_texts(ours, None))["posts"] == json.loads(ours)["posts"]


def test_the_branch_comes_from_the_ref_and_a_tag_is_no_branch() -> None:
    assert GitHubEnv.from_environ({"GITHUB_REF": "refs/heads/feature/x"}).branch == "feature/x"
    tag = {"GITHUB_REF": "refs/tags/v1", "GITHUB_REF_NAME": "v1"}
    assert GitHubEnv.from_environ(tag).branch == ""
    assert GitHubEnv.from_environ({"GITHUB_REF_NAME": "main"}).branch == "main"


def test_merge_refuses_a_file_that_is_not_a_state_file() -> None:
    with pytest.raises(ValueError):
        merge_state_texts(state({}), "<<<<<<< conflict markers")
