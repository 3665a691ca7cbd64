"""The state file: round trip, git-friendly text, atomic saves, untouched refusals, the lock."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.errors import StateError
from syndicate.state import SCHEMA_VERSION, STATE_DIR, STATE_NAME, Entry, State, StateLock


def state_path(root: Path) -> Path:
    return root / STATE_DIR / STATE_NAME


def sample(root: Path) -> State:
    state = State(state_path(root))
    state.put("b-post", "telegram", Entry(status="published", source="_posts/b.md", remote_id="7",
                                           url="https://t.me/c/7", extra={"messages": [7, 8]},
                                           payload_hash="p" * 64))
    state.put("a-post", "wordpress", Entry(status="pending", source="_posts/a.md", attempt_id="abc",
                                            progress={"terms": [3]}))
    return state


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    state = sample(tmp_path)
    state.save()
    again = State.load(tmp_path)
    assert again.posts == state.posts
    entry = again.get("b-post", "telegram")
    assert entry is not None and entry.extra == {"messages": [7, 8]}
    assert entry.url == "https://t.me/c/7"
    pending = again.get("a-post", "wordpress")
    assert pending is not None and pending.progress == {"terms": [3]}
    assert pending.attempt_id == "abc"
    assert pending.created_at is not None and pending.created_at == pending.updated_at


def test_missing_file_is_an_empty_state(tmp_path: Path) -> None:
    assert State.load(tmp_path).posts == {}


def test_text_is_sorted_indented_and_ends_in_newline(tmp_path: Path) -> None:
    state = sample(tmp_path)
    state.save()
    text = state_path(tmp_path).read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert text.index('"a-post"') < text.index('"b-post"')
    assert '\n  "posts": {' in text
    assert json.loads(text)["version"] == SCHEMA_VERSION


def test_empty_fields_are_left_out(tmp_path: Path) -> None:
    entry = json.loads(sample(tmp_path).to_text())["posts"]["a-post"]["wordpress"]
    assert "remote_id" not in entry and "url" not in entry and "extra" not in entry


def test_non_ascii_is_written_as_is(tmp_path: Path) -> None:
    state = State(state_path(tmp_path))
    state.put("xiaomi", "telegraph", Entry(status="published", source="_posts/想法/小米.md"))
    state.save()
    assert "想法/小米.md" in state_path(tmp_path).read_text(encoding="utf-8")


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    state = sample(tmp_path)
    state.save()
    state.save()
    assert sorted(p.name for p in state_path(tmp_path).parent.iterdir()) == [STATE_NAME]


def test_failing_save_keeps_the_old_file_and_cleans_up(tmp_path: Path) -> None:
    state = sample(tmp_path)
    state.save()
    before = state_path(tmp_path).read_bytes()
    state.put("c-post", "echo", Entry(status="published", extra={"bad": {1, 2}}))
    with pytest.raises(TypeError):
        state.save()
    assert state_path(tmp_path).read_bytes() == before
    assert sorted(p.name for p in state_path(tmp_path).parent.iterdir()) == [STATE_NAME]


def test_failure_while_writing_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = sample(tmp_path)
    state.save()
    before = state_path(tmp_path).read_bytes()

    def broken_fsync(_fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        state.save()
    assert state_path(tmp_path).read_bytes() == before
    assert sorted(p.name for p in state_path(tmp_path).parent.iterdir()) == [STATE_NAME]


@pytest.mark.parametrize("content, words", [
    (b'{"version": 1, "posts": {', "corrupt"),
    (b"\xff\xfe not utf-8", "corrupt"),
    (b"[1, 2, 3]\n", "does not look like"),
    (b'{"version": 1, "posts": []}\n', "does not look like"),
    (b'{"version": 1, "posts": {"a": [1]}}\n', "malformed"),
    (b'{"version": 1, "posts": {"a": {"echo": {"bogus": 1}}}}\n', "malformed"),
    (b'{"posts": {}}\n', "no valid schema version"),
    (b'{"version": "1", "posts": {}}\n', "no valid schema version"),
    (b'{"version": true, "posts": {}}\n', "no valid schema version"),
    (b'{"version": 99, "posts": {}}\n', "newer than this syndicate"),
    (b'{"version": 1}\n', "does not look like"),
    (b'{"version": 0, "posts": {}}\n', "no valid schema version"),
    (b'{"version": -5, "posts": {}}\n', "no valid schema version"),
    (b'{"version": 1, "posts": {"a": {"echo": {"status": "gone"}}}}\n', "unknown status"),
    (b'{"version": 2, "posts": {}, "site": ["x"]}\n', "malformed"),
])
def test_unreadable_state_is_refused_and_left_untouched(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(StateError, match=words) as info:
        State.load(tmp_path)
    assert "untouched" in str(info.value)
    assert path.read_bytes() == content


def test_unknown_entry_fields_from_an_older_minor_are_ignored(tmp_path: Path) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir()
    path.write_text('{"version": 1, "posts": {"a": {"echo": {"status": "published", '
                    '"remote_id": "9", "someday": true}}}}', encoding="utf-8")
    entry = State.load(tmp_path).get("a", "echo")
    assert entry is not None and entry.remote_id == "9"


def test_remove_drops_empty_posts_and_refreshes_the_index(tmp_path: Path) -> None:
    state = sample(tmp_path)
    assert set(state.by_source("_posts/a.md")) == {"wordpress"}
    state.remove("a-post", "wordpress")
    assert "a-post" not in state.posts
    assert state.by_source("_posts/a.md") == {}


def test_by_source_falls_back_to_the_key_and_follows_puts(tmp_path: Path) -> None:
    state = State(state_path(tmp_path))
    state.put("legacy", "echo", Entry(status="published"))
    assert state.by_source("legacy")["echo"][0] == "legacy"
    state.put("new", "echo", Entry(status="published", source="_posts/new.md"))
    assert state.by_source("_posts/new.md")["echo"][0] == "new"


def test_ten_thousand_entries_load_and_index(tmp_path: Path) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir()
    posts = {f"post-{i:05d}": {"echo": {"status": "published", "source": f"_posts/{i:05d}.md",
                                         "remote_id": str(i)}}
             for i in range(10_000)}
    path.write_text(json.dumps({"version": 1, "posts": posts}), encoding="utf-8")
    state = State.load(tmp_path)
    assert len(state.posts) == 10_000
    key, entry = state.by_source("_posts/09876.md")["echo"]
    assert key == "post-09876" and entry.remote_id == "9876"
    assert state.by_source("_posts/missing.md") == {}


def test_lock_writes_our_pid_and_releases(tmp_path: Path) -> None:
    with StateLock(tmp_path) as lock:
        assert lock.path.read_text(encoding="utf-8") == str(os.getpid())
    with StateLock(tmp_path):  # taken again once released
        pass


def test_lock_held_by_a_second_descriptor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / STATE_DIR / "lock"
    path.parent.mkdir()
    path.write_text("4242", encoding="utf-8")
    other = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)  # the lock is on the site folder
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StateError, match=r"pid 4242"), StateLock(tmp_path):
            pass
    finally:
        os.close(other)
    assert path.read_text(encoding="utf-8") == "4242"


def test_lock_held_by_another_process_names_its_pid(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pathlib; from syndicate.state import StateLock\n"
         "with StateLock(pathlib.Path(sys.argv[1])):\n"
         "    print('held', flush=True); sys.stdin.readline()\n",
         str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StateError, match=rf"pid {holder.pid}\b"), StateLock(tmp_path):
            pass
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    with StateLock(tmp_path):
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8)
entries = st.builds(
    Entry,
    status=st.sampled_from(["pending", "published", "uncertain", "failed", "baseline"]),
    source=st.text(), source_hash=st.text(), payload_hash=st.text(),
    # optional fields: None and "" both mean "not set" and are both left out of the file
    remote_id=st.none() | st.text(min_size=1), url=st.none() | st.text(min_size=1),
    extra=st.dictionaries(st.text(), json_values, max_size=3),
    attempt_id=st.none() | st.text(min_size=1),
    progress=st.dictionaries(st.text(), json_values, max_size=3),
    last_error=st.none() | st.text(min_size=1))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posts=st.dictionaries(st.text(min_size=1), st.dictionaries(
    st.sampled_from(["echo", "telegram", "wordpress"]), entries, min_size=1), max_size=4))
def test_any_state_survives_a_save_and_load(tmp_path: Path,
                                            posts: dict[str, dict[str, Entry]]) -> None:
    state = State(state_path(tmp_path), posts)
    state.save()
    again = State.load(tmp_path)
    assert again.posts == posts
    assert again.to_text() == state_path(tmp_path).read_text(encoding="utf-8")


def test_git_add_of_the_state_folder_commits_the_state_file_alone(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    state = State(tmp_path / STATE_DIR / STATE_NAME)
    with StateLock(tmp_path):
        state.put("a-post", "echo", Entry(status="published", remote_id="1"))
        state.save()
        for private in ("cache/plan.json", "sandbox/state.json"):
            (tmp_path / STATE_DIR / private).parent.mkdir(exist_ok=True)
            (tmp_path / STATE_DIR / private).write_text("{}", encoding="utf-8")
    subprocess.run(["git", "-C", str(tmp_path), "add", STATE_DIR], check=True)
    staged = subprocess.run(["git", "-C", str(tmp_path), "diff", "--cached", "--name-only"],
                            check=True, capture_output=True, text=True).stdout.split()
    assert sorted(staged) == [f"{STATE_DIR}/.gitignore", f"{STATE_DIR}/{STATE_NAME}"]
