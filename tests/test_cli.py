"""The CLI edge: exit codes, one clear line per problem, and the other posts still go out."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from syndicate.cli import app
from syndicate.state import STATE_DIR, STATE_NAME, State

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_unknown_platform_is_a_usage_error_naming_the_known_ones(example_blog: Path) -> None:
    code, _out, err = invoke("preview", "--site", str(example_blog), "--platform", "myspace")
    assert code == 2
    assert "unknown platform 'myspace'" in err and "wordpress" in err


def test_a_broken_syndicate_toml_is_a_config_error_naming_the_file(example_blog: Path) -> None:
    (example_blog / "syndicate.toml").write_text("since = [oops\n", encoding="utf-8")
    code, _out, err = invoke("plan", "--site", str(example_blog))
    assert code == 2
    assert "syndicate.toml" in err and "invalid TOML" in err


def test_a_missing_site_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _out, err = invoke("plan", "--site", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err


def test_a_jekyll_config_without_url_says_what_to_set(example_blog: Path) -> None:
    (example_blog / "_config.yml").write_text("title: x\n", encoding="utf-8")
    (example_blog / "syndicate.toml").unlink()
    code, _out, err = invoke("plan", "--site", str(example_blog))
    assert code == 2 and "url" in err


def test_bad_posts_are_reported_and_the_others_still_previewed(example_blog: Path) -> None:
    posts = example_blog / "_posts"
    (posts / "2024-01-01-broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    (posts / "2024-01-02-latin1.md").write_bytes("---\ntitle: café\n---\n".encode("latin-1"))
    (posts / "2024-01-03-untitled.md").write_text("---\ntags: [a]\n---\nbody\n", encoding="utf-8")
    code, out, err = invoke("preview", "--site", str(example_blog), "--json")
    assert code == 1
    assert "2024-01-01-broken.md:2: invalid YAML front matter" in err
    assert "2024-01-02-latin1.md" in err and "UTF-8" in err
    assert "2024-01-03-untitled.md" in err and "'title'" in err
    keys = {item["post"] for item in json.loads(out)}
    assert "_posts/想法/2021-01-28-xiaomi.md" in keys


def test_init_records_a_baseline_so_plan_has_nothing_new(example_blog: Path,
                                                        configured: dict[str, str]) -> None:
    (example_blog / "syndicate.toml").unlink()
    code, out, _err = invoke("init", "--site", str(example_blog))
    assert code == 0 and "baseline" in out
    assert (example_blog / "syndicate.toml").is_file()
    code, out, _err = invoke("plan", "--site", str(example_blog), "--json")
    actions = json.loads(out)["actions"]
    assert actions and not [a for a in actions if a["action"] in ("create", "update")]


def test_a_corrupt_state_file_stops_the_push_and_is_left_untouched(example_blog: Path) -> None:
    state = example_blog / STATE_DIR / STATE_NAME
    state.parent.mkdir(parents=True)
    state.write_text('{"version": 1, "posts": {', encoding="utf-8")
    code, _out, err = invoke("push", "--site", str(example_blog), "--sandbox", "--json")
    assert code == 0  # the sandbox keeps its own state file: the real one is not read
    assert state.read_text(encoding="utf-8") == '{"version": 1, "posts": {'
    code, _out, err = invoke("status", "--site", str(example_blog))
    assert code == 2 and "corrupt" in err and "left untouched" in err
    assert state.read_text(encoding="utf-8") == '{"version": 1, "posts": {'


def test_a_state_file_from_a_newer_syndicate_is_refused(example_blog: Path) -> None:
    state = example_blog / STATE_DIR / STATE_NAME
    state.parent.mkdir(parents=True)
    state.write_text('{"version": 99, "posts": {}}', encoding="utf-8")
    code, _out, err = invoke("init", "--site", str(example_blog))
    assert code == 2 and "newer" in err
    assert state.read_text(encoding="utf-8") == '{"version": 99, "posts": {}}'


def test_push_without_any_credentials_says_what_to_set(example_blog: Path) -> None:
    code, _out, err = invoke("push", "--site", str(example_blog), "--platform", "telegram")
    assert code == 2
    assert "SYNDICATE_TELEGRAM__BOT_TOKEN" in err and "--sandbox" in err


def test_sandbox_push_then_status_and_a_second_push_with_nothing_to_do(example_blog: Path) -> None:
    code, out, _err = invoke("push", "--site", str(example_blog), "--sandbox", "--json")
    assert code == 0
    results = json.loads(out)["results"]
    assert {r["outcome"] for r in results} == {"created", "skipped"}
    # a Slack incoming webhook answers "ok" and nothing else: no address to show
    assert all(r["url"] for r in results if r["outcome"] == "created" and r["platform"] != "slack")
    code, out, _err = invoke("push", "--site", str(example_blog), "--sandbox", "--json")
    assert {r["outcome"] for r in json.loads(out)["results"]} == {"skipped"}
    sandbox_state = State.read(example_blog / STATE_DIR / "sandbox" / STATE_NAME)
    assert sum(1 for _ in sandbox_state.entries()) == sum(1 for r in results if r["outcome"] == "created")
    assert not (example_blog / STATE_DIR / STATE_NAME).exists(), "the sandbox must not touch real state"


def test_dry_run_sends_nothing_and_says_what_would_happen(example_blog: Path) -> None:
    code, out, _err = invoke("push", "--site", str(example_blog), "--sandbox", "--dry-run", "--json")
    assert code == 0
    outcomes = {r["outcome"] for r in json.loads(out)["results"]}
    assert "would create" in outcomes
    assert not (example_blog / STATE_DIR / "sandbox" / STATE_NAME).exists()


def test_resolve_settles_an_uncertain_entry(example_blog: Path) -> None:
    from syndicate.state import Entry

    state = State.load(example_blog)
    state.put("_posts/想法/2021-01-28-xiaomi.md", "telegram", Entry(status="uncertain", last_error="timeout"))
    state.save()
    code, out, _err = invoke("resolve", "--site", str(example_blog))
    assert code == 0 and "xiaomi" in out
    code, _out, _err = invoke("resolve", "--site", str(example_blog), "_posts/想法/2021-01-28-xiaomi.md",
                              "telegram", "--published", "https://t.me/c/42")
    assert code == 0
    entry = State.load(example_blog).get("_posts/想法/2021-01-28-xiaomi.md", "telegram")
    assert entry is not None and entry.status == "published" and entry.url == "https://t.me/c/42"


def test_resolve_with_sandbox_settles_the_sandbox_state_only(example_blog: Path) -> None:
    from syndicate.state import Entry

    key = "_posts/想法/2021-01-28-xiaomi.md"
    box = State.read(example_blog / STATE_DIR / "sandbox" / STATE_NAME)
    box.put(key, "medium", Entry(status="uncertain", last_error="timeout"))
    box.save()
    code, out, _err = invoke("resolve", "--site", str(example_blog), "--sandbox")
    assert code == 0 and "xiaomi" in out
    code, _out, _err = invoke("resolve", "--site", str(example_blog), "--sandbox", key, "medium", "--retry")
    assert code == 0
    assert State.read(example_blog / STATE_DIR / "sandbox" / STATE_NAME).get(key, "medium") is None, \
        "--retry forgets the entry, so the next push sends it again"
    assert not (example_blog / STATE_DIR / STATE_NAME).exists(), "the real state is not touched"


def test_help_is_fast_to_import_and_lists_every_command() -> None:
    code, out, _err = invoke("--help")
    assert code == 0
    for command in ("preview", "plan", "push", "status", "check", "resolve", "init", "sandbox", "ci"):
        assert command in out
