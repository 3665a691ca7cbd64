"""A real user's first day (issue 14): safe by default, and clear while it works.

Each test here failed on the code before this change; together they walk a new user's
path: a half-configured platform, a blog with no syndicate.toml, a preview written into
the blog, Ctrl-C, a dead host, and what every command prints on the way.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from syndicate.cli import app
from syndicate.state import STATE_DIR, STATE_NAME, State
from tests.engine_doubles import echo_adapter

runner = CliRunner()
SYNDICATE = str(Path(sys.executable).parent / "syndicate")
SEED = "_posts/想法/2021-01-28-xiaomi.md"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SYNDICATE_")}
    return {**env, "COLUMNS": "100", **extra}


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("SYNDICATE_"):
            monkeypatch.delenv(name)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``syndicate sandbox --port 0`` as a user runs it: its export lines, parsed."""
    proc = subprocess.Popen([SYNDICATE, "sandbox", "--port", "0", "--dir", str(tmp_path / "fakes")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=clean_env())
    assert proc.stdout is not None
    exports: dict[str, str] = {}
    comment = ""
    for line in proc.stdout:
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            exports[name] = value.strip("'")
        else:
            comment = line
            break
    exports["_comment"] = comment
    try:
        yield exports
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- never lose or flood ----------------------------------------------------------------


def test_port_0_prints_the_real_port_in_every_url(served: dict[str, str]) -> None:
    urls = [v for k, v in served.items() if k.endswith("BASE_URL")]
    assert urls and all(re.match(r"http://127\.0\.0\.1:\d+/", u) for u in urls)
    assert not any(":0/" in u for u in urls), urls
    assert ":0 " not in served["_comment"] and ":0/" not in served["_comment"]


def test_a_busy_port_says_so_and_suggests_port_0(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([SYNDICATE, "sandbox", "--port", str(port), "--dir", str(tmp_path)],
                             capture_output=True, text=True, env=clean_env(), timeout=60)
    assert run.returncode == 2
    assert f"port {port}" in run.stderr and "busy" in run.stderr and "--port 0" in run.stderr


def test_half_set_credentials_are_reported_and_make_push_fail(
        example_blog: Path, served: dict[str, str]) -> None:
    """Telegram fully set (against the sandbox), WordPress missing only its password."""
    env = clean_env(**{k: v for k, v in served.items() if k.startswith("SYNDICATE_TELEGRAM")},
                    SYNDICATE_WORDPRESS__BASE_URL=served["SYNDICATE_WORDPRESS__BASE_URL"],
                    SYNDICATE_WORDPRESS__USERNAME="admin")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([SYNDICATE, *args, "--site", str(example_blog)], capture_output=True,
                              text=True, env=env, timeout=300)

    plan = run("plan", "--json")
    data = json.loads(plan.stdout)
    assert {a["platform"] for a in data["actions"]} == {"telegram"}, "plan lists only what push does"
    assert data["unconfigured"] == {"wordpress": ["SYNDICATE_WORDPRESS__APP_PASSWORD"]}
    shown = run("plan")
    assert "wordpress: not configured; set SYNDICATE_WORDPRESS__APP_PASSWORD" in shown.stdout

    check = run("check")
    assert check.returncode == 1 and "SYNDICATE_WORDPRESS__APP_PASSWORD" in check.stdout

    push = run("push")
    assert push.returncode == 1, push.stdout + push.stderr
    assert "wordpress: not configured" in push.stderr and "APP_PASSWORD" in push.stderr
    assert "created" in push.stderr and "telegram" in push.stderr, "the ready platform still went out"
    state = State.read(example_blog / STATE_DIR / STATE_NAME)
    assert {name for _k, name, _e in state.entries()} == {"telegram"}


def test_no_syndicate_toml_means_init_first_and_no_flood(example_blog: Path,
                                                         configured: dict[str, str]) -> None:
    (example_blog / "syndicate.toml").unlink()
    code, out, _err = invoke("plan", "--site", str(example_blog))
    assert code == 0 and "syndicate init" in out
    code, out, err = invoke("push", "--site", str(example_blog))
    assert code == 2
    count = re.search(r"would create (\d+) posts", err)
    assert count and int(count.group(1)) > 5, err
    assert "syndicate init" in err and "--yes" in err
    assert not (example_blog / STATE_DIR / STATE_NAME).exists(), "nothing was sent or recorded"


def test_preview_html_never_overwrites_the_blogs_own_files(example_blog: Path) -> None:
    own = example_blog / "index.html"
    own.write_text("<h1>my blog</h1>", encoding="utf-8")
    code, _out, err = invoke("preview", "--site", str(example_blog), "--html", str(example_blog))
    assert code == 2 and "--force" in err and "not empty" in err
    assert own.read_text(encoding="utf-8") == "<h1>my blog</h1>"
    assert sorted(p.name for p in example_blog.glob("post-*.html")) == []

    out_dir = example_blog.parent / "preview"
    for _ in range(2):  # a folder syndicate wrote may be written again
        code, _out, err = invoke("preview", "--site", str(example_blog), "--html", str(out_dir))
        assert code == 0, err
    code, _out, _err = invoke("preview", "--site", str(example_blog), "--html", str(example_blog),
                              "--force")
    assert code == 0 and own.read_text(encoding="utf-8") != "<h1>my blog</h1>"


def test_ctrl_c_prints_what_went_out_and_the_next_run_settles_the_pending_entry(
        example_blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.telegram import TelegramAdapter

    real_create = TelegramAdapter.create
    calls = {"n": 0}

    async def interrupted(self: Any, client: Any, payload: Any, attempt: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # Ctrl-C, as the terminal sends it, before this post's request
            signal.raise_signal(signal.SIGINT)
            await asyncio.sleep(5)
        return await real_create(self, client, payload, attempt)

    monkeypatch.setattr(TelegramAdapter, "create", interrupted)
    code, out, err = invoke("push", "--site", str(example_blog), "--sandbox", "-p", "telegram")
    assert code == 130
    assert "push: 1 created" in out and "interrupted" in err
    sandbox_state = example_blog / STATE_DIR / "sandbox" / STATE_NAME
    statuses = {key: entry.status for key, _slot, entry in State.read(sandbox_state).all_entries()}
    published = [key for key, status in statuses.items() if status == "published"]
    assert len(published) == 1, statuses
    monkeypatch.setattr(TelegramAdapter, "create", real_create)
    code, out, _err = invoke("plan", "--site", str(example_blog), "--sandbox", "-p", "telegram",
                             "--json")
    rows = {a["post"]: a for a in json.loads(out)["actions"]}
    assert rows[published[0]]["reason"] == "unchanged"
    # The interrupted post had no request in flight: the design sends it on the next push
    # (one in flight would be looked up, or left to 'syndicate resolve').
    interrupted_posts = [k for k, a in rows.items() if a["action"] == "create"]
    assert interrupted_posts and all(statuses.get(k) in (None, "pending") for k in interrupted_posts)


def test_a_dead_host_is_tried_for_one_post_then_the_platform_stops(tmp_path: Path) -> None:
    from syndicate.adapter import Payload
    from syndicate.engine import Engine
    from syndicate.planner import Action, Kind

    tries: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        tries.append(str(request.url))
        raise httpx.ConnectError("Connection refused", request=request)

    async def no_wait(_seconds: float) -> None:
        return None

    dead = echo_adapter("dead", max_concurrency=1)
    actions = [Action(Kind.CREATE, key, "dead", f"_posts/{key}.md", title=key,
                      payload=Payload("dead", key, {"title": key}), source_hash="s", config_hash="c")
               for key in ("a", "b", "c")]
    engine = Engine({"dead": dead}, State(tmp_path / "state.json"),
                    transports={"dead": httpx.MockTransport(refuse)}, sleep=no_wait)
    outcomes = {o.key: o for o in asyncio.run(engine.run(actions))}
    assert {o.outcome for o in outcomes.values()} == {"failed"}
    assert "could not connect to echo.test" in (outcomes["a"].error or "")
    assert all("not sent" in (outcomes[k].error or "") for k in "bc")
    assert len(tries) == 5, "only the first post's tries reached the dead host"


# --- say what is happening ----------------------------------------------------------------


def test_quick_start_push_prints_plain_progress_lines_and_a_summary(example_blog: Path) -> None:
    run = subprocess.run([SYNDICATE, "push", "--sandbox", "--site", str(example_blog)],
                         capture_output=True, text=True, env=clean_env(), timeout=300)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if "created" in line]
    assert len(lines) >= 10 and all("\x1b[" not in line for line in lines), "plain, uncoloured lines"
    assert not any(ch in run.stderr for ch in "━╸"), "no bars when not a terminal"
    assert re.search(r"^push: \d+ created", run.stdout, re.M)
    again = subprocess.run([SYNDICATE, "push", "--sandbox", "--site", str(example_blog)],
                           capture_output=True, text=True, env=clean_env(), timeout=300)
    assert "created" not in again.stderr and re.search(r"\d+ unchanged", again.stdout)


def test_bars_on_a_terminal_and_lines_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from syndicate import progress

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert isinstance(progress.watcher(quiet=False), progress.Bars)
    monkeypatch.setenv("CI", "true")
    assert isinstance(progress.watcher(quiet=False), progress.Lines)


def test_a_rate_limit_wait_is_one_visible_line(caplog: pytest.LogCaptureFixture) -> None:
    from syndicate.pacing import PacedTransport

    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    def ok(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    paced = PacedTransport(httpx.MockTransport(ok), 1.0, per_minute=2, clock=lambda: now[0],
                           sleep=sleep, name="telegram")

    async def three() -> None:
        for _ in range(3):
            await paced.handle_async_request(httpx.Request("POST", "https://t.example/send"))

    with caplog.at_level(logging.WARNING, logger="syndicate.pacing"):
        asyncio.run(three())
    assert [r.getMessage() for r in caplog.records] == ["telegram: waiting 59 s (2 writes a minute)"]


def test_log_lines_are_sentences_not_logger_records() -> None:
    from syndicate.cli import Readable

    record = logging.LogRecord("syndicate.engine", logging.WARNING, __file__, 1,
                               "telegram: %s: try 1 failed", ("_posts/a.md",), None)
    assert Readable().format(record) == "telegram: _posts/a.md: try 1 failed"


def test_tables_print_keys_and_urls_whole(example_blog: Path) -> None:
    code, _out, _err = invoke("push", "--site", str(example_blog), "--sandbox")
    assert code == 0
    result = runner.invoke(app, ["status", "--site", str(example_blog), "--sandbox"],
                           env={"COLUMNS": "60"})
    state = State.read(example_blog / STATE_DIR / "sandbox" / STATE_NAME)
    urls = 0
    for key, _name, entry in state.entries():
        assert key in result.stdout
        if entry.url:  # a Slack webhook answers no URL for what it posted
            assert entry.url in result.stdout, entry.url
            urls += 1
    assert urls > len(list(state.entries())) // 2


def test_plan_hides_unchanged_rows_and_says_nothing_to_do(example_blog: Path) -> None:
    invoke("push", "--site", str(example_blog), "--sandbox")
    code, out, _err = invoke("plan", "--site", str(example_blog), "--sandbox")
    assert code == 0
    assert re.search(r"^plan: nothing to do \(\d+ skip, \d+ unchanged\)$", out, re.M), out
    assert "new" not in out and "unchanged │" not in out
    code, out, _err = invoke("plan", "--site", str(example_blog), "--sandbox", "--all")
    assert "unchanged" in out and SEED in out


def test_status_filters_and_summaries(example_blog: Path) -> None:
    invoke("push", "--site", str(example_blog), "--sandbox")
    code, out, _err = invoke("status", "--site", str(example_blog), "--sandbox", "-p", "Telegram")
    assert code == 0 and "wordpress" not in out and "telegram" in out
    assert re.search(r"^status: \d+ post\(s\); \d+ published$", out, re.M), out
    code, out, _err = invoke("status", "--site", str(example_blog), "--sandbox", "--failed")
    assert "status: 0 post(s)" in out
    code, out, _err = invoke("status", "--site", str(example_blog), "--sandbox", "--json")
    data = json.loads(out)
    assert data["summary"]["published"] == len(data["entries"]) > 0


def test_json_outputs_carry_counts_and_each_rows_action(example_blog: Path,
                                                        configured: dict[str, str]) -> None:
    code, out, _err = invoke("plan", "--site", str(example_blog), "--json")
    data = json.loads(out)
    assert data["summary"]["create"] == sum(1 for a in data["actions"] if a["action"] == "create")
    code, out, _err = invoke("push", "--site", str(example_blog), "--sandbox", "--json")
    data = json.loads(out)
    assert data["summary"]["created"] > 0
    assert all(r["action"] for r in data["results"])
    code, out, _err = invoke("preview", "--site", str(example_blog), "--json")
    assert all(item["action"] == "create" for item in json.loads(out))


def test_preview_shows_only_what_a_push_would_send_titled_with_the_action(
        example_blog: Path, configured: dict[str, str]) -> None:
    code, _out, _err = invoke("init", "--site", str(example_blog))
    assert code == 0
    today = date.today().isoformat()
    new = example_blog / "_posts" / f"{today}-brand-new.md"
    new.write_text(f"---\ntitle: Brand new\ndate: {today}\n---\nHello.\n", encoding="utf-8")
    code, out, _err = invoke("preview", "--site", str(example_blog), "--json")
    assert {item["post"] for item in json.loads(out)} == {f"_posts/{today}-brand-new.md"}
    code, out, _err = invoke("preview", "--site", str(example_blog))
    assert "create: Brand new → telegram" in out and "xiaomi" not in out
    assert "hidden (--all shows them)" in out
    code, out, _err = invoke("preview", "--site", str(example_blog), "--all", "--json")
    assert SEED in {item["post"] for item in json.loads(out)}


def test_check_fails_for_a_platform_meant_to_be_used_and_names_an_unreachable_host(
        example_blog: Path, no_settings: None) -> None:
    env = {"SYNDICATE_TELEGRAM__BOT_TOKEN": "123:abc", "SYNDICATE_TELEGRAM__CHAT_ID": "@c",
           "SYNDICATE_TELEGRAM__BASE_URL": "http://127.0.0.1:9"}
    code, out, _err = invoke("check", "--site", str(example_blog), "-p", "telegram", env=env)
    assert code == 1 and "127.0.0.1:9" in out
    code, out, _err = invoke("check", "--site", str(example_blog),
                             env={"SYNDICATE_WORDPRESS__USERNAME": "me"})
    assert code == 1 and "SYNDICATE_WORDPRESS__APP_PASSWORD" in out


def test_version_help_and_case_insensitive_platforms(example_blog: Path) -> None:
    from syndicate import __version__

    code, out, _err = invoke("--version")
    assert code == 0 and out.strip() == f"syndicate {__version__}"
    for command in ("preview", "plan", "push", "status", "check", "resolve", "unpublish", "init",
                    "sandbox", "ci"):
        code, out, _err = invoke(command, "--help")
        assert code == 0 and "<bool>" not in out, command
        params = typer.main.get_command(app).commands[command].params  # type: ignore[attr-defined]
        assert all(getattr(p, "help", None) for p in params), command
        examples = out.split("Examples:")[1].strip().splitlines()
        assert 2 <= len(examples) <= 3 and all(e.strip().startswith(("syndicate", "eval"))
                                               for e in examples), command
    code, out, _err = invoke("plan", "--site", str(example_blog), "--sandbox", "-p", "Telegram",
                             "--json")
    assert code == 0 and {a["platform"] for a in json.loads(out)["actions"]} == {"telegram"}


def test_post_takes_an_exact_title_or_a_hugo_bundle_folder(example_blog: Path, tmp_path: Path) -> None:
    code, out, _err = invoke("plan", "--site", str(example_blog), "--sandbox", "--json",
                             "--post", "刚夸了小米结果被打脸")
    assert code == 0 and {a["post"] for a in json.loads(out)["actions"]} == {SEED}
    site = tmp_path / "hugo"
    bundle = site / "content" / "posts" / "trip"
    bundle.mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://h.example/"\n', encoding="utf-8")
    (bundle / "index.md").write_text("---\ntitle: Trip\ndate: 2024-01-01\n---\nBody\n",
                                     encoding="utf-8")
    (site / "content" / "posts" / "other.md").write_text(
        "---\ntitle: Other\ndate: 2024-01-02\n---\nBody\n", encoding="utf-8")
    code, out, err = invoke("preview", "--site", str(site), "--json", "--post", str(bundle))
    assert code == 0, err
    assert {item["title"] for item in json.loads(out)} == {"Trip"}


def test_a_folder_that_is_not_a_blog_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, _out, err = invoke("plan", "--site", str(tmp_path))
    assert code == 2 and "no Jekyll, Hugo or Markdown posts found in" in err
    assert "URL is unknown" not in err


def test_unknown_keys_list_the_known_ones_and_never_a_secret(example_blog: Path) -> None:
    (example_blog / "syndicate.toml").write_text("sincee = 2020-01-01\n", encoding="utf-8")
    code, _out, err = invoke("plan", "--site", str(example_blog))
    assert code == 2 and "unknown key 'sincee'" in err and "since" in err and "max_per_run" in err
    (example_blog / "syndicate.toml").write_text("[platforms.telegram]\nchatid = 1\n",
                                                 encoding="utf-8")
    code, _out, err = invoke("plan", "--site", str(example_blog))
    assert code == 2 and "chat_id" in err and "bot_token" not in err


def test_init_asks_writes_only_those_platforms_and_says_what_next(
        example_blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (example_blog / "syndicate.toml").unlink()
    subprocess.run(["git", "init", "-q", str(example_blog)], check=True)
    monkeypatch.setattr("syndicate.initsite.interactive", lambda: True)
    result = runner.invoke(app, ["init", "--site", str(example_blog)], input="Telegram\n")
    assert result.exit_code == 0, result.stdout
    toml = (example_blog / "syndicate.toml").read_text(encoding="utf-8")
    assert 'platforms_enabled = ["telegram"]' in toml and "[platforms.telegram]" in toml
    assert "[platforms.wordpress]" not in toml
    env = (example_blog / ".env").read_text(encoding="utf-8")
    assert "SYNDICATE_TELEGRAM__BOT_TOKEN=" in env and "WORDPRESS" not in env and "MEDIUM" not in env
    example = (example_blog / ".env.example").read_text(encoding="utf-8")
    assert all(f"SYNDICATE_{n}__" in example for n in ("TELEGRAM", "WORDPRESS", "MEDIUM"))
    assert ".env" in (example_blog / ".gitignore").read_text(encoding="utf-8").splitlines()
    tail = result.stdout.split("next:")[1].strip().splitlines()
    assert [line.split("#")[0].split()[:2] for line in tail] == [
        ["syndicate", "check"], ["syndicate", "plan"], ["syndicate", "push"]]


def test_the_sandbox_keeps_its_files_under_the_state_folder() -> None:
    code, out, _err = invoke("sandbox", "--help")
    assert ".syndicate/sandbox/server" in out and ".syndicate-sandbox" not in out


def test_an_unedited_baseline_post_is_unchanged_after_a_settings_change(
        example_blog: Path, configured: dict[str, str]) -> None:
    code, _out, _err = invoke("init", "--site", str(example_blog), "-p", "wordpress")
    assert code == 0
    toml = example_blog / "syndicate.toml"
    text = toml.read_text(encoding="utf-8")
    drop = 'drop = [".--donate-button"]'
    assert drop in text
    toml.write_text(text.replace(drop, drop + '\nfooter = "Read it at {canonical_url}"'),
                    encoding="utf-8")  # every WordPress payload changes; no post file does
    edited = example_blog / "_posts" / "tech" / "2024-03-10-python-and-shell-notes.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    code, out, err = invoke("plan", "--site", str(example_blog), "--all", "--json")
    assert code == 0, err
    reasons = {a["post"]: a["reason"] for a in json.loads(out)["actions"]
               if a["platform"] == "wordpress"}
    assert reasons[SEED] == "unchanged"
    assert "baseline" in reasons["_posts/tech/2024-03-10-python-and-shell-notes.md"]


# --- the plan memo and packaging ---------------------------------------------------------


def test_push_and_init_do_not_plan_again_afterwards(example_blog: Path, configured: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from syndicate import commands

    planned: list[object] = []
    real = commands.plan_result
    monkeypatch.setattr(commands, "plan_result", lambda *a, **k: planned.append(a) or real(*a, **k))
    invoke("init", "--site", str(example_blog))
    invoke("push", "--site", str(example_blog), "--sandbox")
    assert planned == []


def test_the_distribution_name_is_not_the_unrelated_syndicate_on_pypi() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "syndicate-blog"
    assert project["scripts"] == {"syndicate": "syndicate.launch:main"}
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "pip install syndicate-blog" in readme and "pip install syndicate " not in readme


# --- link back by default -----------------------------------------------------------------


def wordpress_content(site: Path) -> str:
    code, out, err = invoke("preview", "--site", str(site), "--json", "-p", "wordpress", "--post", SEED)
    assert code == 0, err
    body = next(r["body"] for r in json.loads(out)[0]["requests"] if r["url"].endswith("/wp/v2/posts"))
    return str(body["content"])


def test_wordpress_copies_link_back_by_default_and_the_footer_setting_wins(example_blog: Path) -> None:
    canonical = "https://dbarobin.com/2021/01/28/xiaomi/"
    content = wordpress_content(example_blog)
    assert "Originally published at" in content and canonical in content
    toml = example_blog / "syndicate.toml"
    base = toml.read_text(encoding="utf-8")
    toml.write_text(base + '\n[platforms.wordpress]\nfooter = "First on {canonical_url}"\n',
                    encoding="utf-8")
    content = wordpress_content(example_blog)
    assert "First on" in content and "Originally published at" not in content
    toml.write_text(base + '\n[platforms.wordpress]\nfooter = ""\n', encoding="utf-8")
    assert canonical not in wordpress_content(example_blog).split("</p>")[-1]
    assert "Originally published at" not in wordpress_content(example_blog)


def test_the_empty_lines_init_writes_into_env_enable_nothing(example_blog: Path,
                                                             no_settings: None) -> None:
    (example_blog / "syndicate.toml").unlink()
    code, _out, _err = invoke("init", "--site", str(example_blog))
    assert code == 0 and "SYNDICATE_WORDPRESS__APP_PASSWORD=" in (example_blog / ".env").read_text()
    code, out, _err = invoke("plan", "--site", str(example_blog), "--json",
                             env={"SYNDICATE_TELEGRAM__BOT_TOKEN": "1:x",
                                  "SYNDICATE_TELEGRAM__CHAT_ID": "@c"})
    data = json.loads(out)
    assert data["unconfigured"] == {} and {a["platform"] for a in data["actions"]} == {"telegram"}


def test_the_action_is_held_back_from_a_flood_too(example_blog: Path, configured: dict[str, str]) -> None:
    from syndicate.commands import push_outcomes
    from syndicate.errors import ConfigError

    (example_blog / "syndicate.toml").unlink()
    with pytest.raises(ConfigError, match="syndicate init"):
        push_outcomes(example_blog, None, None, dry_run=False, sandbox=False)
