"""The WeChat adapter against its fake, through the engine: drafts, images, covers,
token renewal, errcode classes, updates, publishing polled by the engine's retries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.wechat.api import classify
from adapters.wechat.fake import FakeWeChat
from syndicate.errors import AuthFailed, RateLimited, Rejected, Transient
from syndicate.sandbox.server import Sandbox
from syndicate.state import State
from tests.sandboxing import SimClock, make_sandbox, push_once


def wechat(box: Sandbox) -> FakeWeChat:
    fake = box.fakes["wechat"]
    assert isinstance(fake, FakeWeChat)
    return fake


def push(site: Path, box: Sandbox, clock: SimClock) -> dict[str, Any]:
    outcomes, errors = push_once(site, box, clock, ["wechat"])
    assert not errors
    return {o.key: o for o in outcomes}


def settings(site: Path, text: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[platforms.wechat]\n" + text,
                      encoding="utf-8")


def test_the_example_blog_becomes_drafts_once_with_uploaded_images(example_blog: Path,
                                                                   tmp_path: Path) -> None:
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes = push(example_blog, box, clock)
    created = [o for o in outcomes.values() if o.outcome == "created"]
    fake = wechat(box)
    assert len(created) == len(fake.drafts) >= 5
    assert all(o.url and o.url.startswith("http://mp.weixin.qq.com/s?") for o in created)
    contents = [d["articles"][0]["content"] for d in fake.drafts.values()]
    assert not [c for c in contents if 'src="https://dbarobin.com/' in c]  # every image uploaded
    assert any("http://mmbiz.qpic.cn/" in c for c in contents)  # the site's own images went up
    sources = {d["articles"][0]["content_source_url"] for d in fake.drafts.values()}
    assert "https://dbarobin.com/2021/01/28/xiaomi/" in sources
    writes = box.writes()
    again = push(example_blog, box, clock)
    assert {o.outcome for o in again.values()} == {"skipped"} and box.writes() == writes
    assert len(fake.drafts) == len(created)


def test_an_edit_updates_the_draft_in_place(example_blog: Path, tmp_path: Path) -> None:
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push(example_blog, box, clock)
    uploads = sum(1 for m, _p, path in box.requests if path.endswith("uploadimg"))
    post = example_blog / "_posts" / "tech" / "2024-06-02-templates-inside-code.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    outcomes = push(example_blog, box, clock)
    assert outcomes["_posts/tech/2024-06-02-templates-inside-code.md"].outcome == "updated"
    assert [p for _m, _n, p in box.requests].count("/cgi-bin/draft/update") == 1
    assert sum(1 for m, _p, path in box.requests if path.endswith("uploadimg")) == uploads
    draft = next(d for d in wechat(box).drafts.values()
                 if "templates-inside-code" in d["articles"][0]["content_source_url"])
    assert "One more line." in draft["articles"][0]["content"]


def test_publishing_is_polled_by_the_engine_and_a_published_article_is_blocked(
        example_blog: Path, tmp_path: Path) -> None:
    settings(example_blog, "publish = true\n")
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes = push(example_blog, box, clock)
    fake = wechat(box)
    created = [o for o in outcomes.values() if o.outcome == "created"]
    assert created and len(fake.articles) == len(created) and not fake.drafts
    assert all((o.url or "").startswith("https://mp.weixin.qq.com/s/") for o in created)
    assert clock.slept, "the running job was waited for by the engine, not by the adapter"
    post = example_blog / "_posts" / "tech" / "2024-06-02-templates-inside-code.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    again = push(example_blog, box, clock)
    edited = again["_posts/tech/2024-06-02-templates-inside-code.md"]
    assert edited.outcome == "blocked" and "cannot edit a published article" in edited.reason


def test_a_failed_publish_job_fails_the_post_and_keeps_the_draft(example_blog: Path,
                                                                 tmp_path: Path) -> None:
    settings(example_blog, "publish = true\n")
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    wechat(box).publish_outcome = 4
    outcomes = push(example_blog, box, clock)
    failed = [o for o in outcomes.values() if o.outcome == "failed"]
    assert failed and all("review rejected" in (o.error or "") for o in failed)
    assert len(wechat(box).drafts) == len(failed) and not wechat(box).articles
    wechat(box).publish_outcome = 0
    outcomes = push(example_blog, box, clock)  # the next run resubmits the same drafts
    assert {o.outcome for o in outcomes.values() if o.outcome != "skipped"} == {"created"}
    assert len(wechat(box).articles) == len(failed)


def test_an_expired_token_is_renewed_once_and_masked(example_blog: Path, tmp_path: Path) -> None:
    from syndicate.redact import redact

    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    fake = wechat(box)
    real_handle = fake.handle
    calls = {"n": 0}

    def ageing(request: Any, path: str) -> Any:
        calls["n"] += 1
        if calls["n"] == 4:
            clock.now += 7300  # the token the adapter holds expires mid-run
        return real_handle(request, path)

    fake.handle = ageing  # type: ignore[method-assign]
    outcomes = push(example_blog, box, clock)
    assert not [o for o in outcomes.values() if o.outcome == "failed"]
    token_calls = [p for _m, _n, p in box.requests if p == "/cgi-bin/stable_token"]
    assert len(token_calls) == 2
    state_text = (example_blog / ".syndicate" / "state.json").read_text(encoding="utf-8")
    for token in fake.tokens:
        assert token not in state_text and redact(f"x {token} y") == "x *** y"


def test_a_verbose_push_never_prints_the_token(example_blog: Path) -> None:
    from typer.testing import CliRunner

    from syndicate.cli import app

    result = CliRunner().invoke(app, ["push", "--site", str(example_blog), "--sandbox",
                                      "--platform", "wechat", "--verbose", "--json"])
    assert result.exit_code == 0, result.stderr
    assert "access_token=***" in result.stderr  # httpx logged the calls, through the mask
    assert "sandboxtoken_" not in result.stderr + result.stdout


def test_off_the_ip_whitelist_the_platform_stops_with_a_fix(example_blog: Path, tmp_path: Path) -> None:
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    wechat(box).blocked_ip = "203.0.113.7"
    outcomes = push(example_blog, box, clock)
    failed = [o for o in outcomes.values() if o.outcome == "failed"]
    assert failed and "IP whitelist" in (failed[0].error or "")
    assert all(o.error and ("IP whitelist" in o.error or "not sent" in o.error) for o in failed)
    requests = [p for _m, _n, p in box.requests]
    assert requests == ["/cgi-bin/stable_token"], "one refusal stops the platform for the run"
    state = State.load(example_blog)
    assert {e.status for _k, n, e in state.entries() if n == "wechat"} == {"failed"}


def test_a_post_without_an_image_and_no_default_cover_fails_clearly(
        example_blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.sandboxing as sandboxing

    original = sandboxing.sandbox_overrides

    def without_default(values: dict[str, str]) -> dict[str, dict[str, Any]]:
        """The sandbox's settings minus its default cover."""
        out = original(values)
        out.get("wechat", {}).pop("thumb_media_id", None)
        return out

    monkeypatch.setattr(sandboxing, "sandbox_overrides", without_default)
    monkeypatch.delenv("SYNDICATE_WECHAT__THUMB_MEDIA_ID", raising=False)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes = push(example_blog, box, clock)
    news = outcomes["_posts/随笔/2025-02-20-site-news.md"]
    assert news.outcome == "failed" and "SYNDICATE_WECHAT__THUMB_MEDIA_ID" in (news.error or "")
    with_image = outcomes["_posts/tech/2024-06-02-templates-inside-code.md"]
    assert with_image.outcome == "created"


def test_an_interrupted_draft_add_is_found_by_its_source_url_not_added_twice(
        example_blog: Path, tmp_path: Path) -> None:
    from syndicate.sandbox.router import Dropped

    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    fake = wechat(box)
    real = box.respond
    dropped: list[str] = []

    async def drop_first_draft(request: Any) -> Any:
        response = await real(request)
        if request.url.path.endswith("/draft/add") and not dropped:
            dropped.append(str(request.url.path))
            raise Dropped("after_apply_drop")  # applied, and the answer lost
        return response

    box.respond = drop_first_draft  # type: ignore[method-assign]
    first = push(example_blog, box, clock)
    assert dropped and "uncertain" in {o.outcome for o in first.values()}
    second = push(example_blog, box, clock)
    assert "reconciled" in {o.outcome for o in second.values()}
    sources = [d["articles"][0]["content_source_url"] for d in fake.drafts.values()]
    assert len(sources) == len(set(sources)), "no article twice"


@pytest.mark.parametrize(("code", "error"), [
    (-1, Transient), (45011, RateLimited), (45009, RateLimited), (40164, AuthFailed),
    (40013, AuthFailed), (48001, AuthFailed), (42001, AuthFailed), (45003, Rejected),
    (45166, Rejected), (40007, Rejected), (53503, Rejected), (99999, Rejected),
])
def test_errcodes_map_to_error_classes(code: int, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        classify({"errcode": code, "errmsg": "x hint: [AB] rid: 1"}, "doing it")
    assert f"errcode {code}" in str(caught.value) and "hint" not in str(caught.value)
    if code == 45009:
        assert isinstance(caught.value, RateLimited) and (caught.value.retry_after or 0) > 0


def test_success_answers_pass() -> None:
    classify({"errcode": 0, "errmsg": "ok"}, "x")
    classify({"media_id": "m"}, "x")
    with pytest.raises(Transient):
        classify(None, "x")


def test_preview_draws_the_draft_in_a_phone_frame(example_blog: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from syndicate.cli import app

    out = tmp_path / "preview"
    result = CliRunner().invoke(app, ["preview", "--site", str(example_blog), "--platform", "wechat",
                                      "--html", str(out)])
    assert result.exit_code == 0, result.stderr
    pages = [p.read_text(encoding="utf-8") for p in out.glob("post-*.html")]
    page = next(p for p in pages if "templates-inside-code" in p)
    assert 'class="wechat-phone"' in page and "width: 375px" in page
    assert "阅读原文" in page and "https://dbarobin.com/assets/img/tea.png" in page
    assert "uses the" not in page  # no image warned about as unfetchable


def test_render_is_the_same_json_for_the_same_post(example_blog: Path) -> None:
    from syndicate.config import SyndicateConfig
    from syndicate.sources import open_site
    from syndicate.workflow import load_adapters, payload_for

    site = open_site(example_blog)
    adapter = load_adapters(site.root, site.config, ["wechat"])["wechat"]
    posts, _ = site.read_all()
    post = next(p for p in posts if "python-and-shell" in p.key)
    payload = payload_for(adapter, post, SyndicateConfig())
    assert payload.data["images"] == ["https://dbarobin.com/assets/img/terminal.png"]
    assert payload.data["cover"] == "https://dbarobin.com/assets/img/terminal.png"
    assert payload.files["image0"].endswith("assets/img/terminal.png")
    assert str(example_blog) not in json.dumps(payload.data, ensure_ascii=False)
    assert len(payload.data["article"]["title"]) <= 32
