"""The state file belongs to one site, each entry to one account, the sandbox to itself."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndicate.cli import app
from syndicate.errors import StateError
from syndicate.layout import SANDBOX_ENV
from syndicate.state import STATE_DIR, STATE_NAME, Entry, State, StateLock, state_file
from tests.conftest import EXAMPLE_BLOG
from tests.sandboxing import SimClock, make_sandbox, push_once, titles_by_platform

runner = CliRunner()


def copy_blog(tmp_path: Path) -> Path:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    return site


def write_state(site: Path, data: object, *, sandbox: bool = True) -> Path:
    path = state_file(site, sandbox=sandbox)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def push_sandbox(site: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["push", "--site", str(site), "--sandbox", "--json"])
    return result.exit_code, result.output


def sandbox_writes(site: Path) -> list[str]:
    fakes = site / STATE_DIR / "sandbox" / "fakes"
    return sorted(p.name for p in fakes.glob("*.json")) if fakes.exists() else []


def test_a_state_file_of_another_site_is_refused_and_nothing_is_sent(tmp_path: Path) -> None:
    site = copy_blog(tmp_path)
    entry = {"status": "published", "source": "_posts/想法/2021-01-28-xiaomi.md", "remote_id": "1"}
    path = write_state(site, {"version": 2, "site": {"url": "https://someone-else.example",
                                                      "kind": "jekyll"},
                              "posts": {"_posts/想法/2021-01-28-xiaomi.md": {"medium": entry}}})
    before = path.read_bytes()
    code, output = push_sandbox(site)
    assert code == 2, output
    assert "someone-else.example" in output and "nothing was sent" in output
    assert sandbox_writes(site) == []
    assert path.read_bytes() == before


def test_an_old_state_file_whose_posts_are_all_elsewhere_is_refused(tmp_path: Path) -> None:
    site = copy_blog(tmp_path)
    posts = {f"_posts/2019-0{i}-01-other.md": {"telegram": {"status": "published"}} for i in range(1, 9)}
    write_state(site, {"version": 1, "posts": posts})
    code, output = push_sandbox(site)
    assert code == 2 and "another site" in output
    assert sandbox_writes(site) == []


def test_a_dangling_symlink_as_state_file_is_refused_and_kept(tmp_path: Path) -> None:
    site = copy_blog(tmp_path)
    path = state_file(site, sandbox=True)
    path.parent.mkdir(parents=True)
    os.symlink(tmp_path / "nowhere.json", path)
    code, output = push_sandbox(site)
    assert code == 2 and "not a regular file" in output
    assert path.is_symlink() and not (tmp_path / "nowhere.json").exists()
    assert sandbox_writes(site) == []


def test_the_first_push_records_the_site_and_each_account(tmp_path: Path) -> None:
    site = copy_blog(tmp_path)
    clock = SimClock()
    push_once(site, make_sandbox(tmp_path / "fakes", clock), clock)
    data = json.loads((site / STATE_DIR / STATE_NAME).read_text(encoding="utf-8"))
    assert data["site"]["kind"] == "jekyll" and data["site"]["url"].startswith("https://")
    assert data["accounts"]["telegram"] == "http://sandbox.invalid/telegram chat @syndicate_sandbox"
    assert data["accounts"]["wordpress"] == "http://sandbox.invalid/wordpress user sandbox"


def test_entries_of_another_account_are_never_read_or_overwritten(tmp_path: Path) -> None:
    path = tmp_path / STATE_DIR / STATE_NAME
    state = State(path)
    state.bind("telegram", "https://api.telegram.org chat @real")
    state.put("a", "telegram", Entry(status="published", remote_id="7"))
    state.save()

    other = State.read(path)
    other.bind("telegram", "http://127.0.0.1:8765/telegram chat @syndicate_sandbox")
    assert other.get("a", "telegram") is None
    assert [e for e in other.entries()] == []
    other.put("a", "telegram", Entry(status="published", remote_id="1"))
    other.save()

    again = State.read(path)
    again.bind("telegram", "https://api.telegram.org chat @real")
    real = again.get("a", "telegram")
    assert real is not None and real.remote_id == "7"
    assert [(k, p, e.remote_id) for k, p, e in again.entries()] == [("a", "telegram", "7")]


def test_a_push_to_another_chat_publishes_there_and_keeps_the_first_chats_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_blog(tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(site, box, clock, ["telegram"])
    first = len(titles_by_platform(box)["telegram"])
    exports = box.settings_env
    monkeypatch.setattr(box, "settings_env", lambda base: {
        **exports(base), "SYNDICATE_TELEGRAM__CHAT_ID": "@second_channel"})
    chats = box.fakes["telegram"].chats  # type: ignore[attr-defined]
    chats["@second_channel"] = {**chats["@syndicate_sandbox"], "id": -1005555555555}
    outcomes, _ = push_once(site, box, clock, ["telegram"])
    assert len([o for o in outcomes if o.outcome == "created"]) == first
    assert not [o for o in outcomes if o.reason == "unchanged"]
    assert len(titles_by_platform(box)["telegram"]) == 2 * first


def test_sandbox_exports_keep_their_own_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_blog(tmp_path)
    monkeypatch.setenv(SANDBOX_ENV, "http://127.0.0.1:9/")
    assert state_file(site) == site / STATE_DIR / "sandbox" / STATE_NAME
    monkeypatch.delenv(SANDBOX_ENV)
    assert state_file(site) == site / STATE_DIR / STATE_NAME


def test_deleting_the_lock_file_does_not_let_a_second_run_in(tmp_path: Path) -> None:
    with StateLock(tmp_path) as lock:
        lock.path.unlink()  # git clean -fdX takes the ignored lock file
        shutil.rmtree(tmp_path / STATE_DIR)
        with pytest.raises(StateError, match="another syndicate run"), StateLock(tmp_path):
            pass


def test_a_state_file_replaced_during_a_run_is_not_written_over(tmp_path: Path) -> None:
    state = State(tmp_path / STATE_DIR / STATE_NAME)
    state.put("a", "echo", Entry(status="published"))
    state.save()
    running = State.read(state.path)
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / STATE_DIR, copy)
    shutil.rmtree(tmp_path / STATE_DIR)
    copy.rename(tmp_path / STATE_DIR)  # ".syndicate/" replaced by a copy of itself
    running.put("b", "echo", Entry(status="pending"))
    with pytest.raises(StateError, match="replaced while this run"):
        running.save()
    assert "b" not in State.read(state.path).posts
