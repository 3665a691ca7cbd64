"""Mastodon, LinkedIn, Discord and Slack adapters against their fakes: the rules each fake
enforces and the behaviour each adapter promises (idempotency, edits, refusals)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from adapters.discord import DiscordAdapter, DiscordSettings
from adapters.discord.fake import FakeDiscord
from adapters.discord.fake import sandbox_env as discord_env
from adapters.linkedin import LinkedInAdapter, LinkedInSettings
from adapters.linkedin.adapter import little
from adapters.linkedin.fake import FakeLinkedIn, parse_little
from adapters.linkedin.fake import sandbox_env as linkedin_env
from adapters.mastodon import MastodonAdapter, MastodonSettings
from adapters.mastodon.fake import FakeMastodon
from adapters.mastodon.fake import sandbox_env as mastodon_env
from adapters.slack import SlackAdapter, SlackSettings
from adapters.slack.fake import FakeSlack
from adapters.slack.fake import sandbox_env as slack_env
from syndicate.adapter import Attempt, RemoteRef
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.post import Post

BASE = "http://sandbox.invalid"
COVER = Path(__file__).parent.parent / "examples" / "blog" / "assets" / "img" / "tea.png"
T = TypeVar("T")


def mounted(fake: Any) -> httpx.MockTransport:
    prefix = f"/{fake.name}"

    async def answer(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return fake.handle(request, request.url.path.removeprefix(prefix))

    return httpx.MockTransport(answer)


def run(fake: Any, work: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with httpx.AsyncClient(transport=mounted(fake)) as client:
            return await work(client)
    return asyncio.run(go())


def settings_from(env: dict[str, str], model: Any, **extra: Any) -> Any:
    prefix = model.env_prefix()
    return model(**{k.removeprefix(prefix).lower(): v for k, v in env.items()}, **extra)


def post(**changes: Any) -> Post:
    base: dict[str, Any] = dict(
        key="p1", source_path="_posts/p.md", source_hash="h", title="刚夸了小米结果被打脸 (update)",
        date=datetime(2021, 1, 28, tzinfo=UTC), canonical_url="https://blog.example.com/xiaomi/",
        html="<p>x</p>", summary="小米手机 & <tags> 的故事。" * 10, tags=("小米", "手机", "tech_news"),
        language="zh-CN", cover_image="https://blog.example.com/tea.png", cover_file=str(COVER))
    base.update(changes)
    return Post(**base)


# --- Mastodon ----------------------------------------------------------------------------

def mastodon(**extra: Any) -> MastodonAdapter:
    return MastodonAdapter(settings_from(mastodon_env(f"{BASE}/mastodon"), MastodonSettings, **extra))


def test_mastodon_retry_with_the_same_attempt_replays_the_first_status() -> None:
    fake, adapter = FakeMastodon(), mastodon()
    payload = adapter.render(post())
    progress: dict[str, Any] = {}
    attempt = Attempt("a1", progress, progress.update)

    async def twice(client: httpx.AsyncClient) -> tuple[RemoteRef, RemoteRef]:
        first = await adapter.create(client, payload, attempt)
        again = await adapter.create(client, payload, Attempt("a1", dict(progress), progress.update))
        return first, again

    first, again = run(fake, twice)
    assert first.id == again.id and len(fake.statuses) == 1
    status = fake.statuses[first.id]
    assert status["language"] == "zh" and status["media_ids"]
    assert fake.media[status["media_ids"][0]]["description"] == "刚夸了小米结果被打脸 (update)"


def test_mastodon_counts_urls_as_23_and_refuses_over_the_limit() -> None:
    fake = FakeMastodon(max_characters=60)
    long_url = "https://blog.example.com/" + "x" * 200
    ok = fake.length(f"short text {long_url}")
    assert ok == len("short text ") + 23
    adapter = mastodon()  # fits to 500 but this instance allows 60
    with pytest.raises(Rejected, match="max_characters = 60"):
        run(fake, lambda c: adapter.create(c, adapter.render(post()), Attempt("x")))
    assert not fake.statuses


def test_mastodon_edits_in_place_and_finds_a_status_after_a_lost_answer() -> None:
    fake, adapter = FakeMastodon(), mastodon(cover=False)
    first = adapter.render(post())

    async def flow(client: httpx.AsyncClient) -> tuple[RemoteRef, RemoteRef, RemoteRef | None]:
        made = await adapter.create(client, first, Attempt("a"))
        edited = await adapter.update(client, adapter.render(post(summary="新的摘要")), made, Attempt("b"))
        return made, edited, await adapter.find(client, first)

    made, edited, found = run(fake, flow)
    assert made.id == edited.id and fake.statuses[made.id]["edited_at"]
    assert "新的摘要" in fake.statuses[made.id]["text"]
    assert found is not None and found.id == made.id


def test_mastodon_rate_limit_reads_the_iso_reset() -> None:
    fake, adapter = FakeMastodon(), mastodon(cover=False)
    now = fake.clock()
    fake.hits["statuses"] = [now] * 300
    with pytest.raises(RateLimited) as caught:
        run(fake, lambda c: adapter.create(c, adapter.render(post()), Attempt("x")))
    assert caught.value.retry_after is not None and 10_000 < caught.value.retry_after <= 3 * 3600


def test_mastodon_wrong_token_is_auth_failed() -> None:
    adapter = MastodonAdapter(MastodonSettings(base_url=f"{BASE}/mastodon", access_token="nope"))  # type: ignore[arg-type]
    with pytest.raises(AuthFailed, match="ACCESS_TOKEN"):
        run(FakeMastodon(), adapter.check)


# --- Discord -------------------------------------------------------------------------------

def discord() -> DiscordAdapter:
    return DiscordAdapter(settings_from(discord_env(f"{BASE}/discord"), DiscordSettings))


def test_discord_waits_for_the_id_and_edits_that_message() -> None:
    fake, adapter = FakeDiscord(), discord()

    async def flow(client: httpx.AsyncClient) -> tuple[RemoteRef, RemoteRef]:
        made = await adapter.create(client, adapter.render(post()), Attempt("a"))
        edited = await adapter.update(client, adapter.render(post(title="New title")), made,
                                      Attempt("b"))
        return made, edited

    made, edited = run(fake, flow)
    assert made.id == edited.id and len(fake.messages) == 1
    embed = fake.messages[made.id]["embeds"][0]
    assert embed["title"] == "New title" and embed["url"] == "https://blog.example.com/xiaomi/"
    assert fake.messages[made.id]["edited_timestamp"]
    assert "token" not in adapter.base_url and adapter.base_url.endswith("/webhooks/1180000000000000001")


def test_discord_fake_enforces_embed_limits_with_nested_errors() -> None:
    fake = FakeDiscord()
    request = httpx.Request("POST", "http://x/api/webhooks/1180000000000000001/sandbox-discord-webhook-token",
                            params={"wait": "true"}, json={"embeds": [{"title": "t" * 257}]})
    response = fake.handle(request, request.url.path)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 50035 and body["errors"]["embeds"]["0"]["title"]["_errors"]
    empty = httpx.Request("POST", request.url, json={})
    assert fake.handle(empty, request.url.path).json()["code"] == 50006
    no_wait = httpx.Request("POST", "http://x/api/webhooks/1180000000000000001/sandbox-discord-webhook-token",
                            json={"content": "hi"})
    assert fake.handle(no_wait, no_wait.url.path).status_code == 204


def test_discord_summary_too_long_is_fitted_not_refused() -> None:
    adapter = discord()
    payload = adapter.render(post(summary="很长的摘要。" * 2000, title="T" * 400))
    embed = payload.data["message"]["embeds"][0]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    assert run(FakeDiscord(), lambda c: adapter.create(c, payload, Attempt("a"))).id


# --- Slack ---------------------------------------------------------------------------------

def slack() -> SlackAdapter:
    return SlackAdapter(settings_from(slack_env(f"{BASE}/slack"), SlackSettings))


def test_slack_sends_blocks_escaped_and_cannot_update() -> None:
    fake, adapter = FakeSlack(), slack()
    ref = run(fake, lambda c: adapter.create(c, adapter.render(post()), Attempt("a")))
    assert ref.id.startswith("sent:") and ref.extra == {"editable": False}
    section = fake.messages[0]["blocks"][1]["text"]["text"]
    assert "&amp; &lt;tags&gt;" in section and "<https://blog.example.com/xiaomi/|Read the post>" in section
    assert not adapter.capabilities.can_update
    assert "cannot edit" in adapter.capabilities.cannot_update_reason
    assert "sandboxslackwebhooksecret" not in adapter.base_url


def test_slack_fake_refuses_a_long_header_and_a_removed_webhook() -> None:
    fake = FakeSlack()
    long_header = httpx.Request("POST", "http://x/services/T0SANDBOX/B0SANDBOX/sandboxslackwebhooksecret",
                                json={"blocks": [{"type": "header", "text": {"type": "plain_text",
                                                                             "text": "h" * 151}}]})
    assert fake.handle(long_header, long_header.url.path).text == "invalid_blocks"
    gone = httpx.Request("POST", "http://x/services/T0/B0/old", json={"text": "x"})
    assert fake.handle(gone, gone.url.path).status_code == 404
    adapter = SlackAdapter(SlackSettings(webhook_url=f"{BASE}/slack/services/T0/B0/old"))  # type: ignore[arg-type]
    with pytest.raises(AuthFailed, match="no_service"):
        run(fake, lambda c: adapter.create(c, adapter.render(post()), Attempt("a")))


# --- LinkedIn ------------------------------------------------------------------------------

def linkedin(**extra: Any) -> LinkedInAdapter:
    return LinkedInAdapter(settings_from(linkedin_env(f"{BASE}/linkedin"), LinkedInSettings, **extra))


def test_linkedin_escapes_so_nothing_is_silently_cut() -> None:
    raw = "Price (in €) is <100> #1 of_many"
    assert parse_little(raw) == "Price "  # what LinkedIn keeps of unescaped text
    assert parse_little(little(raw)) == raw


def test_linkedin_shares_with_card_and_thumbnail_and_adopts_its_duplicate() -> None:
    fake, adapter = FakeLinkedIn(), linkedin()
    payload = adapter.render(post())
    progress: dict[str, Any] = {}

    async def flow(client: httpx.AsyncClient) -> tuple[RemoteRef, RemoteRef]:
        first = await adapter.create(client, payload, Attempt("a", progress, progress.update))
        again = await adapter.create(client, payload, Attempt("b", dict(progress), progress.update))
        return first, again

    first, again = run(fake, flow)
    assert first.id == again.id and len(fake.posts) == 1
    stored = fake.posts[first.id]
    assert stored["commentary"].startswith("刚夸了小米结果被打脸 (update)")
    assert "{hashtag|#|小米}" in stored["commentary"] and "{hashtag|#|technews}" in stored["commentary"]
    article = stored["content"]["article"]
    assert article["source"] == "https://blog.example.com/xiaomi/"
    assert fake.images[article["thumbnail"]]["uploaded"]


def test_linkedin_edits_commentary_but_refuses_a_changed_card() -> None:
    fake, adapter = FakeLinkedIn(), linkedin()

    async def flow(client: httpx.AsyncClient) -> RemoteRef:
        made = await adapter.create(client, adapter.render(post()), Attempt("a"))
        await adapter.update(client, adapter.render(post(tags=("新标签",))), made, Attempt("b"))
        with pytest.raises(Rejected, match="cannot edit a share's link card"):
            await adapter.update(client, adapter.render(post(title="Another title")), made,
                                 Attempt("c"))
        return made

    made = run(fake, flow)
    assert "{hashtag|#|新标签}" in fake.posts[made.id]["commentary"]


def test_linkedin_retired_version_says_what_to_set() -> None:
    adapter = linkedin(version="202401")
    with pytest.raises(Rejected, match="version"):
        run(FakeLinkedIn(), lambda c: adapter.create(c, adapter.render(post()), Attempt("a")))


@pytest.mark.parametrize("name", ["mastodon", "bluesky", "linkedin", "discord", "slack"])
def test_account_names_where_we_write_without_a_secret(name: str) -> None:
    from syndicate import registry

    cls = registry.get(name)
    secret = "https://hooks.example/services/T1/B2/very-secret-part" if name in ("discord", "slack") \
        else "very-secret-part"
    values: dict[str, Any] = {f: secret for f in cls.settings_model.secret_fields()}
    if name == "mastodon":
        values["base_url"] = "https://example.social"
    if name == "bluesky":
        values["identifier"] = "me.bsky.social"
    account = cls(cls.settings_model(**values)).account()
    assert account and "very-secret-part" not in account
