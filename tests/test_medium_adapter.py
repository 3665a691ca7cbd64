"""MediumAdapter against the sandbox's FakeMedium, in-process (no sockets, no sleeping)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from adapters.medium import MediumAdapter, MediumSettings
from adapters.medium.fake import MEDIUM_TOKEN, MEDIUM_USER_ID, FakeMedium
from syndicate.adapter import Attempt
from syndicate.errors import Ambiguous, AuthFailed, RateLimited, Rejected, Transient
from syndicate.http import build_client
from syndicate.post import Post
from syndicate.sandbox.router import Sandbox

BASE = "http://sandbox.invalid"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make_post(**extra: Any) -> Post:
    fields: dict[str, Any] = {
        "key": "_posts/a.md", "source_path": "_posts/a.md", "source_hash": "h",
        "title": "小米手机", "date": datetime(2021, 1, 28, tzinfo=UTC),
        "canonical_url": "https://blog.example/2021/01/28/xiaomi/",
        "html": "<p>容笔者道来。</p><pre><code>print(1)\n</code></pre>",
        "tags": ("phones", "a-tag-that-is-far-too-long-for-medium", "xiaomi", "china", "battery"),
        **extra,
    }
    return Post(**fields)


def adapter(**settings: Any) -> MediumAdapter:
    values: dict[str, Any] = {"token": SecretStr(MEDIUM_TOKEN), "base_url": f"{BASE}/medium/v1",
                              **settings}
    return MediumAdapter(MediumSettings(**values))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def box(clock: Clock) -> Sandbox:
    return Sandbox(fakes=[FakeMedium(clock=clock, publications={"pub-1": "editor"})])


@pytest.fixture
async def client(box: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with build_client(transport=box.transport()) as http:
        yield http


def medium(box: Sandbox) -> FakeMedium:
    fake = box.fakes["medium"]
    assert isinstance(fake, FakeMedium)
    return fake


def test_render_puts_the_title_in_the_body_and_trims_tags_with_notices() -> None:
    payload = adapter().render(make_post())
    data = payload.data
    assert data["title"] == "小米手机"
    assert data["content"].startswith("# 小米手机\n\n")
    assert "容笔者道来。" in data["content"] and "print(1)" in data["content"]
    assert data["tags"] == ["phones", "xiaomi", "china"]
    assert data["publishStatus"] == "public" and data["contentFormat"] == "markdown"
    assert data["license"] == "all-rights-reserved" and data["notifyFollowers"] is False
    assert data["canonicalUrl"] == "https://blog.example/2021/01/28/xiaomi/"
    assert any("a-tag-that-is-far-too-long" in n for n in payload.notices)
    assert any("'battery'" in n and "3" in n for n in payload.notices)


def test_render_is_pure_and_needs_no_token() -> None:
    without = MediumAdapter(MediumSettings())
    assert without.render(make_post()) == without.render(make_post())
    specs = without.requests(without.render(make_post()))
    assert [(s.method, s.url) for s in specs] == [
        ("GET", "https://api.medium.com/v1/me"),
        ("POST", "https://api.medium.com/v1/users/<author id from GET /me>/posts")]
    assert all(s.headers["Authorization"] == "Bearer ***" for s in specs)


def test_capabilities_are_declared_as_data() -> None:
    caps = MediumAdapter.capabilities
    assert caps.tags.max_count == 3 and caps.tags.max_length == 25
    assert not caps.can_update and not caps.can_find
    assert caps.daily_cap == 10 and caps.max_concurrency == 1
    assert "Medium cannot update a post" in caps.cannot_update_reason


async def test_create_asks_me_once_then_posts_what_was_rendered(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    medium_adapter = adapter(publish_status="draft")
    ref = await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a1"))
    [stored] = medium(box).posts
    assert ref.id == stored["id"] and ref.url == stored["url"]
    assert stored["publishStatus"] == "draft" and stored["tags"] == ["phones", "xiaomi", "china"]
    assert stored["canonicalUrl"] == "https://blog.example/2021/01/28/xiaomi/"
    await medium_adapter.create(client, medium_adapter.render(make_post(title="二")), Attempt("a2"))
    paths = [(method, path) for method, _p, path in box.requests]
    assert paths == [("GET", "/v1/me"), ("POST", f"/v1/users/{MEDIUM_USER_ID}/posts"),
                     ("POST", f"/v1/users/{MEDIUM_USER_ID}/posts")], "the author id is cached"


async def test_create_into_a_publication(box: Sandbox, client: httpx.AsyncClient) -> None:
    medium_adapter = adapter(publication_id="pub-1")
    await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a"))
    assert medium(box).posts[0]["publicationId"] == "pub-1"


async def test_a_refused_token_is_auth_failed_and_says_no_new_tokens_exist(
        client: httpx.AsyncClient) -> None:
    wrong = adapter(token=SecretStr("revoked-token-value"))
    with pytest.raises(AuthFailed) as failure:
        await wrong.create(client, wrong.render(make_post()), Attempt("a"))
    assert "no new tokens" in str(failure.value)
    assert "revoked-token-value" not in str(failure.value)


async def test_a_missing_token_fails_before_sending(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    none = MediumAdapter(MediumSettings(base_url=f"{BASE}/medium/v1"))
    with pytest.raises(AuthFailed):
        await none.create(client, none.render(make_post()), Attempt("a"))
    assert box.requests == []


async def test_the_daily_cap_is_rate_limited_for_a_day(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    medium(box).daily_cap = 1
    medium_adapter = adapter()
    await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a"))
    with pytest.raises(RateLimited) as limited:
        second = medium_adapter.render(make_post(title="2"))
        await medium_adapter.create(client, second, Attempt("b"))
    assert limited.value.retry_after == 86400
    assert len(medium(box).posts) == 1


async def test_an_injected_429_with_retry_after_is_honoured(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    box.faults.script([None, "429"])
    medium_adapter = adapter()
    with pytest.raises(RateLimited) as limited:
        await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a"))
    assert limited.value.retry_after == 1


async def test_a_timeout_after_the_post_was_applied_is_ambiguous(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    box.faults.script([None, "after_apply_timeout"])
    medium_adapter = adapter()
    with pytest.raises(Ambiguous):
        await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a"))
    assert len(medium(box).posts) == 1, "the post exists although the client never heard"


async def test_a_reset_after_apply_is_ambiguous_and_before_apply_is_transient(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    medium_adapter = adapter()
    box.faults.script([None, "after_apply_reset"])
    with pytest.raises(Ambiguous):
        await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a"))
    box.faults.script(["reset_before"])
    with pytest.raises(Transient):
        second = medium_adapter.render(make_post(title="b"))
        await medium_adapter.create(client, second, Attempt("b"))
    assert len(medium(box).posts) == 1


async def test_server_errors_are_transient_and_apply_nothing(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    box.faults.script(["503"])
    medium_adapter = adapter()
    with pytest.raises(Transient) as failure:
        await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a"))
    assert not isinstance(failure.value, RateLimited) and failure.value.status == 503
    assert medium(box).posts == []


async def test_bad_payloads_and_html_403_are_rejected_with_the_reason(
        box: Sandbox, client: httpx.AsyncClient) -> None:
    medium_adapter = adapter(license="mit")
    with pytest.raises(Rejected) as bad:
        await medium_adapter.create(client, medium_adapter.render(make_post()), Attempt("a"))
    assert "Invalid license" in str(bad.value) and bad.value.status == 400
    box.faults.script(["403_html"])
    with pytest.raises(Rejected) as blocked:
        await medium_adapter.check(client)
    assert "Cloudflare" in str(blocked.value)


async def test_check_names_the_account(client: httpx.AsyncClient) -> None:
    assert "@sandbox" in await adapter().check(client)
