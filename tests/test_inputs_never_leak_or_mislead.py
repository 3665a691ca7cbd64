"""Issue 13's low items: shapes of settings checked at load, every encoding of a secret
masked, only web URLs leave as covers, oversized covers refused unread, and a deleted
post file reported instead of passed over in silence."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from pydantic import SecretStr

from adapters.medium import MediumSettings
from adapters.telegram import TelegramSettings
from syndicate import redact
from syndicate.errors import ConfigError, Rejected
from tests.conftest import EXAMPLE_BLOG
from tests.sandboxing import SimClock, make_sandbox, push_once


@pytest.mark.parametrize("token", ["123:abc#frag", "123:abc?x=1", "123:ab c", "123:abc\n",
                                   "123:a/b"])
def test_a_token_that_would_change_the_request_is_refused_at_load(token: str) -> None:
    with pytest.raises(ConfigError) as info:
        TelegramSettings.load({}, None, {"bot_token": token, "chat_id": "@chan"})
    assert "SYNDICATE_TELEGRAM__BOT_TOKEN" in str(info.value)
    assert token.strip() not in str(info.value)
    with pytest.raises(ConfigError, match="SYNDICATE_MEDIUM__TOKEN"):
        MediumSettings.load({}, None, {"token": token})


@pytest.mark.parametrize("chat", ["@chan\n", "@chan nel", "chan", "-100 123"])
def test_a_chat_id_of_the_wrong_shape_is_refused_at_load(chat: str) -> None:
    with pytest.raises(ConfigError, match="chat id"):
        TelegramSettings.load({}, None, {"bot_token": "123:abc", "chat_id": chat})


def test_good_settings_still_load() -> None:
    settings = TelegramSettings.load({}, None, {"bot_token": "123:abc-_X", "chat_id": "-1001234"})
    assert isinstance(settings, TelegramSettings) and settings.bot_token == SecretStr("123:abc-_X")


def test_every_encoding_of_a_secret_is_masked() -> None:
    secret = "sand box+secret/é"
    redact.register(secret)
    for form in (secret, quote(secret, safe=""), quote(secret), quote(secret).replace("%20", "+")):
        assert redact.redact(f"GET /x?t={form} done") == "GET /x?t=*** done", form


def blog(tmp_path: Path) -> Path:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    return site


def test_a_file_url_cover_never_leaves_the_machine(tmp_path: Path) -> None:
    from syndicate.sources import open_site

    site = blog(tmp_path)
    (site / "_posts" / "2024-07-02-cover.md").write_text(
        "---\ntitle: Cover\ncover: file:///etc/passwd\n---\n\nBody.\n", encoding="utf-8")
    opened = open_site(site)
    source = next(s for s in opened.discover() if s.rel_path.endswith("cover.md"))
    post = opened.read(source)
    assert post.cover_image is None and post.cover_file is None
    assert any("not an http(s) URL" in str(n) for n in post.notices)


async def test_an_oversized_cover_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.wordpress import WordPressAdapter, WordPressSettings
    from adapters.wordpress import adapter as wordpress

    big = tmp_path / "huge.png"
    big.write_bytes(b"\x89PNG" + b"\0" * 2048)
    monkeypatch.setattr(wordpress, "MAX_COVER_BYTES", 1024)
    read: list[Path] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    wp = WordPressAdapter(WordPressSettings(base_url="https://wp.example", username="u",
                                            app_password=SecretStr("abcd efgh")))
    with pytest.raises(Rejected, match="over the"):
        await wp.upload_cover(None, str(big))  # type: ignore[arg-type]
    assert big not in read


def test_a_deleted_post_file_is_reported_and_nothing_is_sent(tmp_path: Path) -> None:
    site = blog(tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(site, box, clock)
    writes = box.writes()
    (site / "_posts" / "随笔" / "2024-09-15-emoji-family.md").unlink()
    outcomes, _ = push_once(site, box, clock)
    gone = [o for o in outcomes if o.key.endswith("emoji-family.md")]
    assert gone and all(o.reason.startswith("source removed; the copies stay") for o in gone)
    assert any("syndicate unpublish" in o.reason for o in gone if o.platform == "wordpress")
    assert not any("unpublish" in o.reason for o in gone if o.platform == "medium")
    assert {o.outcome for o in gone} == {"skipped"}
    assert box.writes() == writes


def test_escape_sequences_in_a_title_never_reach_the_terminal(
        capsys: pytest.CaptureFixture[str]) -> None:
    from syndicate import report
    from syndicate.engine import Outcome

    hostile = "Title\x1b]0;pwned\x07\x1b[2J\x9b31m end"
    report.console().print(report.outcome_line(Outcome("k", "telegram", "created", hostile)))
    report.table("t", ["title"], [[hostile]])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "Title" in out and "end" in out


def test_unpublish_deletes_a_removed_posts_copy_and_refuses_a_post_still_there(
        tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from syndicate.cli import app

    site = blog(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["push", "--site", str(site), "--sandbox", "--json"]).exit_code == 0
    key = "_posts/随笔/2024-09-15-emoji-family.md"
    still = runner.invoke(app, ["unpublish", key, "wordpress", "--site", str(site), "--sandbox"])
    assert still.exit_code == 2 and "still has its file" in still.output

    def held(platform: str) -> int:
        fakes = site / ".syndicate" / "sandbox" / "fakes" / f"{platform}.json"
        data = json.loads(fakes.read_text(encoding="utf-8"))
        if platform == "wordpress":
            return sum(1 for p in data["posts"] if p["status"] != "trash")
        return len(data["messages"])

    before = {p: held(p) for p in ("wordpress", "telegram")}
    (site / key).unlink()
    for platform in ("wordpress", "telegram"):
        done = runner.invoke(app, ["unpublish", key, platform, "--site", str(site), "--sandbox"])
        assert done.exit_code == 0, done.output
        assert held(platform) == before[platform] - 1
    medium = runner.invoke(app, ["unpublish", key, "medium", "--site", str(site), "--sandbox"])
    assert medium.exit_code == 2 and "cannot delete" in medium.output
    again = runner.invoke(app, ["push", "--site", str(site), "--sandbox", "--json"])
    assert again.exit_code == 0 and held("wordpress") == before["wordpress"] - 1
