"""TelegramAdapter against the in-process Telegram and Telegraph fakes, in all three modes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from adapters.telegram import TelegramAdapter, TelegramSettings
from adapters.telegram.fake import FakeTelegram, FakeTelegraph
from syndicate.adapter import Attempt, RemoteRef
from syndicate.errors import AuthFailed, RateLimited, Rejected, Transient
from syndicate.post import Post
from syndicate.sources import open_site

ROOT = Path(__file__).resolve().parent.parent
SEED = "_posts/想法/2021-01-28-xiaomi.md"
TOKEN = "123456:sandbox-telegram-bot"


class Sandbox:
    """Both fakes behind one httpx transport; each request moves the clock on by ``step``."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.step = 1.1  # the engine paces Telegram at min_interval = 1 s
        self.telegram = FakeTelegram(clock=self.clock)
        self.telegraph = FakeTelegraph(clock=self.clock)
        self.seen: list[httpx.Request] = []
        self.fail_with: int | None = None

    def clock(self) -> float:
        return self.now

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        self.now += self.step
        if self.fail_with is not None:
            return httpx.Response(self.fail_with, text="upstream trouble")
        mount, _, rest = request.url.path.lstrip("/").partition("/")
        fake = self.telegram if mount == "telegram" else self.telegraph
        return fake.handle(request, "/" + rest)

    def texts(self) -> list[str]:
        return [m.get("text") or m.get("caption", "") for m in self.telegram.messages.values()]


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(sandbox)) as http:
        yield http


def adapter(mode: str = "link", **overrides: Any) -> TelegramAdapter:
    fields: dict[str, Any] = {
        "bot_token": SecretStr(TOKEN),
        "chat_id": "@syndicate_sandbox",
        "mode": mode,
        "base_url": "http://sandbox/telegram",
        "telegraph_base_url": "http://sandbox/telegraph",
        "telegraph_token": SecretStr("sandbox-telegraph-token"),
        **overrides,
    }
    return TelegramAdapter(TelegramSettings(**fields))


def seed_post() -> Post:
    posts, _errors = open_site(ROOT / "examples" / "blog").read_all()
    return next(p for p in posts if p.source_path == SEED)


def hand_post(html: str = "<p>Hello <b>world</b> &amp; friends.</p>", **extra: Any) -> Post:
    fields: dict[str, Any] = {
        "key": "k",
        "source_path": "k.md",
        "source_hash": "h",
        "title": "A <title> & more",
        "date": datetime(2024, 1, 1, tzinfo=UTC),
        "canonical_url": "https://blog.example/a?x=1&y=2",
        "html": html,
        "summary": "Short & sweet.",
        "author": "Robin",
        **extra,
    }
    return Post(**fields)


def long_post(paragraphs: int = 14) -> Post:
    body = "".join(
        f"<p>第{n}段：" + "小米手机与电池的故事。" * 140 + "</p>" for n in range(paragraphs)
    )
    return hand_post(body)


class Progress:
    def __init__(self, resume: Mapping[str, Any] | None = None) -> None:
        self.saved: dict[str, Any] = dict(resume or {})

    def attempt(self) -> Attempt:
        return Attempt("a1", dict(self.saved), self.saved.update)


async def test_link_mode_without_cover_sends_one_message_with_preview(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    tg = adapter()
    payload = tg.render(hand_post())
    ref = await tg.create(client, payload, Progress().attempt())
    assert ref == RemoteRef(
        "1", "https://t.me/syndicate_sandbox/1", {"message_ids": [1], "kinds": ["text"]}
    )
    [text] = sandbox.texts()
    assert text.startswith("A <title> & more\n\nShort & sweet.")
    assert "https://blog.example/a?x=1&y=2" in text
    params = payload.data["messages"][0]["params"]
    assert params["link_preview_options"]["url"] == "https://blog.example/a?x=1&y=2"


async def test_seed_post_in_link_mode_is_a_photo_with_fitted_caption(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    post = seed_post()
    tg = adapter()
    payload = tg.render(post)
    [message] = payload.data["messages"]
    assert message["method"] == "sendPhoto" and message["params"]["photo"] == post.cover_image
    ref = await tg.create(client, payload, Progress().attempt())
    assert ref.extra["kinds"] == ["photo"]
    [stored] = sandbox.telegram.messages.values()
    assert stored["caption"].startswith(post.title) and len(stored["caption"]) <= 1024
    assert stored["caption_entities"][0] == {"type": "bold", "offset": 0, "length": len(post.title)}


@pytest.mark.parametrize("post", [seed_post(), long_post()], ids=["seed", "long"])
async def test_full_mode_messages_are_all_accepted_in_order(
    sandbox: Sandbox, client: httpx.AsyncClient, post: Post
) -> None:
    tg = adapter("full")
    payload = tg.render(post)
    ref = await tg.create(client, payload, Progress().attempt())
    texts = sandbox.texts()
    assert len(texts) == len(payload.data["messages"]) == len(ref.extra["message_ids"])
    assert texts[0].startswith(post.title)
    assert texts[-1].rstrip().endswith(post.canonical_url)
    assert all(len(t) <= 4096 for t in texts)
    if post.key == "k":
        assert len(texts) >= 4


async def test_full_mode_resumes_after_429_without_duplicates(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    tg = adapter("full")
    payload = tg.render(long_post())
    total = len(payload.data["messages"])
    progress = Progress()
    sandbox.step = 0.0  # no pacing: the fake's burst of 3 runs out mid-post
    with pytest.raises(RateLimited) as info:
        await tg.create(client, payload, progress.attempt())
    assert info.value.retry_after == 1
    assert progress.saved["message_ids"] == [1, 2, 3]
    sandbox.now += 60
    sandbox.step = 1.1
    ref = await tg.create(client, payload, progress.attempt())
    assert ref.extra["message_ids"] == list(range(1, total + 1))
    texts = sandbox.texts()
    assert len(texts) == total and len(set(texts)) == total


async def test_telegraph_mode_creates_page_then_links_to_it(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    post = seed_post()
    tg = adapter("telegraph")
    ref = await tg.create(client, tg.render(post), Progress().attempt())
    [page] = sandbox.telegraph.pages.values()
    assert page["title"] == post.title and page["author_name"] == post.author
    assert page["author_url"] == post.canonical_url
    assert ref.extra["telegraph_path"] == page["path"]
    [message] = sandbox.telegram.messages.values()
    assert page["url"] in message["text"]
    sent = sandbox.seen[-1]
    assert b'"url":"' + page["url"].encode() in sent.content.replace(b" ", b"")


async def test_telegraph_mode_needs_its_token(client: httpx.AsyncClient) -> None:
    tg = adapter("telegraph", telegraph_token=None)
    with pytest.raises(AuthFailed, match="SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN"):
        await tg.create(client, tg.render(hand_post()), Progress().attempt())


async def test_update_edits_text_and_caption_and_accepts_not_modified(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    for mode, post in (("link", seed_post()), ("full", hand_post())):
        tg = adapter(mode)
        ref = await tg.create(client, tg.render(post), Progress().attempt())
        same = await tg.update(client, tg.render(post), ref, Progress().attempt())
        assert same == ref
        changed = replace(post, summary="Changed summary.", html=post.html + "<p>PS: changed.</p>")
        await tg.update(client, tg.render(changed), ref, Progress().attempt())
        key = f"-1001234567890/{ref.id}"
        stored = sandbox.telegram.messages[key]
        assert "edit_date" in stored
        assert "changed" in (stored.get("text") or stored.get("caption", "")).lower()


async def test_update_refuses_when_the_number_of_messages_changes(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    tg = adapter("full")
    ref = await tg.create(client, tg.render(hand_post()), Progress().attempt())
    with pytest.raises(Rejected, match="instead of 1"):
        await tg.update(client, tg.render(long_post()), ref, Progress().attempt())
    assert all("edit_date" not in m for m in sandbox.telegram.messages.values())


@pytest.mark.parametrize(
    ("overrides", "error", "hint"),
    [
        ({"bot_token": SecretStr("1:wrong")}, AuthFailed, "SYNDICATE_TELEGRAM__BOT_TOKEN"),
        ({"chat_id": "@not_our_channel"}, AuthFailed, "administrator"),
        ({"chat_id": "@nowhere"}, Rejected, "SYNDICATE_TELEGRAM__CHAT_ID"),
    ],
)
async def test_errors_name_what_to_fix(
    client: httpx.AsyncClient, overrides: dict[str, Any], error: type[Exception], hint: str
) -> None:
    tg = adapter(**overrides)
    with pytest.raises(error, match=hint) as info:
        await tg.create(client, tg.render(hand_post()), Progress().attempt())
    assert "wrong" not in str(info.value)


async def test_parse_error_is_rejected_with_description(client: httpx.AsyncClient) -> None:
    tg = adapter()
    payload = tg.render(hand_post())
    payload.data["messages"][0]["params"]["text"] = "<br>"
    with pytest.raises(Rejected, match='Unsupported start tag "br" at byte offset 0'):
        await tg.create(client, payload, Progress().attempt())


async def test_server_errors_are_transient(sandbox: Sandbox, client: httpx.AsyncClient) -> None:
    sandbox.fail_with = 502
    tg = adapter()
    with pytest.raises(Transient) as info:
        await tg.create(client, tg.render(hand_post()), Progress().attempt())
    assert not isinstance(info.value, RateLimited)


async def test_telegraph_flood_wait_is_rate_limited(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    tg = adapter("telegraph")
    original = sandbox.telegraph.handle
    sandbox.telegraph.handle = lambda request, path: sandbox.telegraph.rate_limit_response(9)  # type: ignore[method-assign]
    with pytest.raises(RateLimited) as info:
        await tg.create(client, tg.render(hand_post()), Progress().attempt())
    assert info.value.retry_after == 9
    sandbox.telegraph.handle = original  # type: ignore[method-assign]


def test_requests_redact_the_token_and_show_every_message() -> None:
    tg = adapter("full")
    payload = tg.render(long_post())
    specs = tg.requests(payload)
    assert len(specs) == len(payload.data["messages"])
    assert all(spec.url == "http://sandbox/telegram/bot***/sendMessage" for spec in specs)
    assert TOKEN not in repr([s.as_json() for s in specs])
    telegraph = adapter("telegraph").requests(adapter("telegraph").render(hand_post()))
    assert telegraph[0].url.endswith("/createPage") and telegraph[0].body["access_token"] == "***"


def test_digest_follows_the_text() -> None:
    tg = adapter("full")
    assert tg.render(hand_post()).digest == tg.render(hand_post()).digest
    assert tg.render(hand_post()).digest != tg.render(hand_post("<p>Other words.</p>")).digest


async def test_check_reports_bot_and_chat(client: httpx.AsyncClient) -> None:
    assert await adapter().check(client) == "bot @syndicate_sandbox_bot can reach Syndicate sandbox"


async def test_seed_post_through_the_sandbox_router_in_every_mode() -> None:
    from syndicate.sandbox.server import Sandbox as Router

    router = Router()
    env = router.settings_env("http://sandbox")
    async with httpx.AsyncClient(transport=router.transport()) as http:
        for mode in ("link", "full", "telegraph"):
            settings = TelegramSettings(
                bot_token=SecretStr(env["SYNDICATE_TELEGRAM__BOT_TOKEN"]),
                chat_id=env["SYNDICATE_TELEGRAM__CHAT_ID"],
                base_url=env["SYNDICATE_TELEGRAM__BASE_URL"],
                telegraph_base_url=env["SYNDICATE_TELEGRAM__TELEGRAPH_BASE_URL"],
                telegraph_token=SecretStr(env["SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN"]),
                mode=mode,
            )
            ref = await TelegramAdapter(settings).create(
                http, TelegramAdapter(settings).render(seed_post()), Progress().attempt()
            )
            assert ref.url is not None and ref.url.startswith("https://t.me/syndicate_sandbox/")
    held = router.posts()
    assert [r["title"] for r in held["telegraph"]] == [seed_post().title]
    assert all(r["title"] == seed_post().title for r in held["telegram"])
