"""The plan memo: a remembered plan is shown only while every input is as it was.

Each test plans the example blog in full (which remembers the result), changes one
input, and checks that the memo is no longer trusted — or, for inputs that cannot
change a plan (a secret), that it still is. The folders are dated back to one fixed moment first:
a folder touched within the last seconds is "racily" new and never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from syndicate import commands, planmemo
from syndicate.launch import plain_plan_options

SECRET = "123456:memo-test-secret-token-value"


def settle(site: Path) -> None:
    """Date every folder back to one fixed moment, as on a site nobody touched since its last push."""
    past = 1_600_000_000
    for folder, _dirs, _files in os.walk(site):
        os.utime(folder, (past, past))


@pytest.fixture
def site(example_blog: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.upper().startswith("SYNDICATE_"):
            monkeypatch.delenv(name)
    from syndicate.sandbox.server import Sandbox

    for name, value in Sandbox(None).settings_env("http://127.0.0.1:9").items():
        if "__" in name:  # every platform set up, so every platform is planned (not the
            monkeypatch.setenv(name, value)  # SYNDICATE_SANDBOX marker: this is the real state)
    settle(example_blog)
    return example_blog


def full_plan(site: Path) -> dict[str, Any]:
    data = commands.plan_result(site, None, None)
    settle(site)  # the memo's own folder was just created inside .syndicate (never scanned)
    return data


def recall(site: Path) -> dict[str, Any] | None:
    return planmemo.recall(str(site.resolve()), [])


def test_a_remembered_plan_is_the_full_plan(site: Path) -> None:
    full = full_plan(site)
    assert full["actions"], "the example blog has posts to plan"
    assert recall(site) == full
    ignore = site / ".syndicate" / "cache" / ".gitignore"
    assert "*" in ignore.read_text(encoding="utf-8").splitlines(), "the memo must never be committed"


def test_the_command_prints_the_same_with_and_without_the_memo(site: Path) -> None:
    exe = Path(sys.executable).parent / "syndicate"
    env = dict(os.environ)  # the fixture set every platform up
    outputs = {}
    for label, extra in (("full", {"SYNDICATE_NO_MEMO": "1"}), ("quick", {})):
        for json_flag in ([], ["--json"]):
            run = subprocess.run([str(exe), "plan", "--site", str(site), *json_flag],
                                 env={**env, **extra, "COLUMNS": "120"}, capture_output=True,
                                 text=True, check=False)
            outputs[label, bool(json_flag)] = (run.returncode, run.stdout, run.stderr)
            settle(site)
    assert outputs["full", True] == outputs["quick", True]
    assert outputs["full", False] == outputs["quick", False]
    assert json.loads(outputs["quick", True][1])["actions"]


def test_an_edited_post_is_planned_again(site: Path) -> None:
    full_plan(site)
    post = site / "_posts" / "想法" / "2021-01-28-xiaomi.md"
    stat = post.stat()
    post.write_bytes(post.read_bytes().replace("小米".encode(), b"MI", 1))
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with its old time
    assert recall(site) is None


@pytest.mark.parametrize("where", ["_posts/tech", "_posts", "newcategory/_posts"])
def test_a_new_post_file_is_planned(site: Path, where: str) -> None:
    full_plan(site)
    folder = site / where
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2024-12-01-new.md").write_text("---\ntitle: New\n---\nHello\n", encoding="utf-8")
    assert recall(site) is None


def test_a_removed_post_is_planned(site: Path) -> None:
    full_plan(site)
    (site / "_posts" / "tech" / "2024-03-10-python-and-shell-notes.md").unlink()
    assert recall(site) is None


@pytest.mark.parametrize("name", ["syndicate.toml", "_config.yml"])
def test_a_config_edit_is_planned(site: Path, name: str) -> None:
    full_plan(site)
    path = site / name
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    settle(site)
    assert recall(site) is None


def test_a_state_change_is_planned(site: Path) -> None:
    full_plan(site)
    commands.init(site, None, ask=False)
    settle(site)
    assert recall(site) is None, "init wrote the state: the plan before it is void"
    full_plan(site)  # init no longer plans again on its own; the next plan is remembered
    assert recall(site) is not None
    state = site / ".syndicate" / "state.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["posts"].popitem()
    state.write_text(json.dumps(data), encoding="utf-8")
    assert recall(site) is None


def test_settings_change_the_plan_but_secrets_do_not(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_TELEGRAM__BOT_TOKEN", SECRET)
    (site / ".env").write_text(f"SYNDICATE_MEDIUM__TOKEN={SECRET}x\n", encoding="utf-8")
    settle(site)
    full_plan(site)
    memo_text = (site / ".syndicate" / "cache" / "plan.json").read_text(encoding="utf-8")
    for secret in (SECRET, SECRET + "x"):
        assert secret not in memo_text
        assert hashlib.sha256(secret.encode()).hexdigest() not in memo_text

    monkeypatch.setenv("SYNDICATE_TELEGRAM__BOT_TOKEN", SECRET + "-rotated")
    (site / ".env").write_text(f"SYNDICATE_MEDIUM__TOKEN={SECRET}-rotated\n", encoding="utf-8")
    settle(site)
    assert recall(site) is not None, "a rotated token cannot change what a plan says"

    monkeypatch.setenv("SYNDICATE_NO_MEMO", "1")
    assert recall(site) is not None, "the switch that bypasses the memo is not a setting"
    monkeypatch.setenv("SYNDICATE_TELEGRAM__MODE", "full")
    assert recall(site) is None
    monkeypatch.delenv("SYNDICATE_TELEGRAM__MODE")
    assert recall(site) is not None
    (site / ".env").write_text(f"SYNDICATE_MEDIUM__TOKEN={SECRET}\nSYNDICATE_MEDIUM__PUBLISH_STATUS=draft\n",
                               encoding="utf-8")
    settle(site)
    assert recall(site) is None


def test_a_post_coming_due_expires_the_memo(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tomorrow = time.gmtime(time.time() + 86_400)
    name = time.strftime("%Y-%m-%d", tomorrow) + "-tomorrow.md"
    (site / "_posts" / name).write_text("---\ntitle: Tomorrow\n---\nSoon.\n", encoding="utf-8")
    settle(site)
    full = full_plan(site)
    assert any("future" in a["reason"] for a in full["actions"])
    assert recall(site) == full
    later = time.time() + 2 * 86_400
    monkeypatch.setattr(time, "time", lambda: later)
    assert recall(site) is None


def test_a_folder_changed_just_now_is_not_trusted(example_blog: Path) -> None:
    commands.plan_result(example_blog, None, None)  # folders copied a moment ago: racy
    assert recall(example_blog) is None


def test_inputs_moving_during_a_plan_are_not_remembered(site: Path) -> None:
    root = str(site.resolve())
    before = planmemo.fingerprint(root, [], [])
    (site / "syndicate.toml").write_text("# changed while planning\n", encoding="utf-8")
    assert not planmemo.remember(root, [], before, {"actions": [], "errors": []}, {}, None)
    assert not Path(planmemo.memo_path(root)).exists()


def test_a_damaged_memo_means_a_full_plan(site: Path) -> None:
    full_plan(site)
    memo = Path(planmemo.memo_path(str(site.resolve())))
    memo.write_text("{not json", encoding="utf-8")
    assert recall(site) is None
    memo.write_text(json.dumps({"format": planmemo.MEMO_FORMAT}), encoding="utf-8")
    assert recall(site) is None


def test_a_plan_of_some_posts_is_not_remembered(site: Path) -> None:
    commands.plan_result(site, None, ["_posts/想法/2021-01-28-xiaomi.md"])
    assert not Path(planmemo.memo_path(str(site.resolve()))).exists()


@pytest.mark.parametrize(("args", "expected"), [
    ([], (".", [], False)),
    (["--site", "blog", "--json"], ("blog", [], True)),
    (["--site=blog", "-p", "medium", "--platform=telegram"], ("blog", ["medium", "telegram"], False)),
])
def test_the_quick_path_reads_plain_plan_options(args: list[str], expected: object) -> None:
    assert plain_plan_options(args) == expected


@pytest.mark.parametrize("args", [["--help"], ["--post", "x"], ["--site"], ["--verbose"], ["extra"]])
def test_anything_else_goes_to_the_full_cli(args: list[str]) -> None:
    assert plain_plan_options(args) is None
