"""The Bluesky contract: the same XRPC exchanges against our fake and a real PDS.

Every test runs twice: ``fake`` (adapters/bluesky/fake.py in-process) and ``real`` (the
@atproto/pds that tests/servers/bluesky.sh runs on loopback, marker ``real_bluesky``).
Where they disagree, the fake is wrong. The end-to-end tests push through the adapter and
read each record back: text, facets' byte ranges, the card and its thumbnail blob.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.bluesky import BlueskyAdapter, BlueskySettings
from adapters.bluesky.fake import APP_PASSWORD, IDENTIFIER, FakeBluesky
from adapters.bluesky.record import TID_ALPHABET
from syndicate.adapter import Attempt
from syndicate.post import Post
from tests.realbsky import RealBluesky

POST = "app.bsky.feed.post"
COVER = Path(__file__).parent.parent / "examples" / "blog" / "assets" / "img" / "tea.png"


@dataclass
class Side:
    name: str
    base_url: str
    identifier: str
    password: str
    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, transport=self.transport, timeout=30)

    def settings(self, **extra: Any) -> BlueskySettings:
        return BlueskySettings(base_url=self.base_url, identifier=self.identifier,
                               app_password=self.password, **extra)  # type: ignore[arg-type]


def fake_side() -> Side:
    fake = FakeBluesky()

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        return fake.handle(request, request.url.path.removeprefix("/bluesky"))

    async def answer_async(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return fake.handle(request, request.url.path.removeprefix("/bluesky"))

    return Side("fake", "http://sandbox.invalid/bluesky", IDENTIFIER, APP_PASSWORD,
                httpx.MockTransport(answer), httpx.MockTransport(answer_async))


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.real_bluesky)])
def side(request: pytest.FixtureRequest) -> Iterator[Side]:
    if request.param == "fake":
        yield fake_side()
    else:
        real: RealBluesky = request.getfixturevalue("real_bluesky")
        yield Side("real", real.base_url, real.identifier, real.app_password, None, None)


def fresh_tid() -> str:
    value = (int(time.time() * 1_000_000) << 10) | random.randrange(1024)
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def session(client: httpx.Client, side: Side) -> tuple[dict[str, str], dict[str, Any]]:
    response = client.post("/xrpc/com.atproto.server.createSession",
                           json={"identifier": side.identifier, "password": side.password})
    assert response.status_code == 200, response.text
    body = response.json()
    return {"Authorization": f"Bearer {body['accessJwt']}"}, body


def record(text: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"$type": POST, "text": text, "createdAt": "2021-01-28T00:00:00.000Z", **extra}


def put(client: httpx.Client, auth: dict[str, str], did: str, rkey: str, value: dict[str, Any],
        **extra: Any) -> httpx.Response:
    return client.post("/xrpc/com.atproto.repo.putRecord", headers=auth, json={
        "repo": did, "collection": POST, "rkey": rkey, "record": value, **extra})


def test_wrong_password_is_401_authentication_required(side: Side) -> None:
    with side.client() as client:
        response = client.post("/xrpc/com.atproto.server.createSession",
                               json={"identifier": side.identifier, "password": "wrong-pass-word-xxxx"})
    assert response.status_code == 401
    assert response.json()["error"] == "AuthenticationRequired"


def test_missing_and_garbage_tokens(side: Side) -> None:
    with side.client() as client:
        missing = client.post("/xrpc/com.atproto.repo.putRecord", json={})
        garbage = client.post("/xrpc/com.atproto.repo.putRecord", json={},
                              headers={"Authorization": "Bearer not-a-token"})
    assert missing.status_code == 401
    assert garbage.status_code in (400, 401)
    assert garbage.json()["error"] in ("InvalidToken", "AuthenticationRequired")


def test_put_with_null_swap_creates_once_then_invalid_swap_unless_identical(side: Side) -> None:
    with side.client() as client:
        auth, me = session(client, side)
        rkey = fresh_tid()
        first = put(client, auth, me["did"], rkey, record(), swapRecord=None)
        assert first.status_code == 200, first.text
        assert first.json()["uri"] == f"at://{me['did']}/{POST}/{rkey}"
        changed = put(client, auth, me["did"], rkey, record("changed"), swapRecord=None)
        assert changed.status_code == 400 and changed.json()["error"] == "InvalidSwap"
        same = put(client, auth, me["did"], rkey, record(), swapRecord=None)
        assert same.status_code == 200 and same.json()["cid"] == first.json()["cid"]
        assert same.json().get("commit") is None, "an identical record is a no-op"
        absent = put(client, auth, me["did"], fresh_tid(), record(), swapRecord=first.json()["cid"])
        assert absent.status_code == 400 and absent.json()["error"] == "InvalidSwap"


def test_create_record_at_an_existing_key_is_a_bare_500(side: Side) -> None:
    with side.client() as client:
        auth, me = session(client, side)
        rkey = fresh_tid()
        body = {"repo": me["did"], "collection": POST, "rkey": rkey, "record": record()}
        assert client.post("/xrpc/com.atproto.repo.createRecord", headers=auth,
                           json=body).status_code == 200
        again = client.post("/xrpc/com.atproto.repo.createRecord", headers=auth, json=body)
    assert again.status_code == 500
    assert again.json()["error"] == "InternalServerError"


def test_get_missing_record_and_delete_missing_record(side: Side) -> None:
    with side.client() as client:
        auth, me = session(client, side)
        rkey = fresh_tid()
        missing = client.get("/xrpc/com.atproto.repo.getRecord", headers=auth,
                             params={"repo": me["did"], "collection": POST, "rkey": rkey})
        deleted = client.post("/xrpc/com.atproto.repo.deleteRecord", headers=auth,
                              json={"repo": me["did"], "collection": POST, "rkey": rkey})
    assert missing.status_code == 400 and missing.json()["error"] == "RecordNotFound"
    assert deleted.status_code == 200


@pytest.mark.parametrize(("value", "rkey"), [
    (record("字" * 301), None),
    (record("ab" * 1501), None),
    (record("é" * 250 + "x" * 2501), None),
    ({"$type": POST, "text": "no zone", "createdAt": "2021-01-28T00:00:00"}, None),
    ({"$type": "app.bsky.feed.like", "text": "x", "createdAt": "2021-01-28T00:00:00Z"}, None),
    (record(embed={"$type": "app.bsky.embed.external", "external": {"uri": "https://a.b/"}}),
     None),
    (record(), "not-a-tid"),
], ids=["301-graphemes", "3002-bytes", "over-bytes-under-graphemes", "no-timezone",
        "type-mismatch", "card-without-title", "bad-rkey"])
def test_invalid_posts_are_400(side: Side, value: dict[str, Any], rkey: str | None) -> None:
    with side.client() as client:
        auth, me = session(client, side)
        response = put(client, auth, me["did"], rkey or fresh_tid(), value)
    assert response.status_code == 400, response.text
    assert response.json()["error"] in ("InvalidRequest", "InvalidRecord")


def test_300_graphemes_of_family_emoji_are_accepted(side: Side) -> None:
    family = "👨‍👩‍👧"  # one grapheme, 18 bytes: 150 of them is 2,700 bytes
    with side.client() as client:
        auth, me = session(client, side)
        response = put(client, auth, me["did"], fresh_tid(), record(family * 150))
    assert response.status_code == 200, response.text


def test_thumb_blob_rules(side: Side) -> None:
    data = COVER.read_bytes()
    with side.client() as client:
        auth, me = session(client, side)
        uploaded = client.post("/xrpc/com.atproto.repo.uploadBlob", content=data,
                               headers={**auth, "Content-Type": "image/png"})
        assert uploaded.status_code == 200, uploaded.text
        blob = uploaded.json()["blob"]
        assert blob["mimeType"] == "image/png" and blob["size"] == len(data)
        text = client.post("/xrpc/com.atproto.repo.uploadBlob", content=b"hello",
                           headers={**auth, "Content-Type": "text/plain"}).json()["blob"]

        def card(thumb: dict[str, Any]) -> dict[str, Any]:
            return record(embed={"$type": "app.bsky.embed.external", "external": {
                "uri": "https://a.example/", "title": "t", "description": "", "thumb": thumb}})

        not_image = put(client, auth, me["did"], fresh_tid(), card(text))
        right = put(client, auth, me["did"], rkey := fresh_tid(), card(blob))
        read = client.get("/xrpc/com.atproto.repo.getRecord", headers=auth,
                          params={"repo": me["did"], "collection": POST, "rkey": rkey})
    assert not_image.status_code == 400 and not_image.json()["error"] == "InvalidRequest"
    assert right.status_code == 200, right.text
    assert read.json()["value"]["embed"]["external"]["thumb"]["ref"] == blob["ref"]


# --- end to end through the adapter ----------------------------------------------------

def seed_post(**changes: Any) -> Post:
    base: dict[str, Any] = dict(
        key=f"post-{random.randrange(10**9)}", source_path="_posts/x.md", source_hash="h",
        title="小米手机一年的使用体验 📱", date=datetime(2021, 1, 28, 9, 30, random.randrange(60),
                                                    random.randrange(10**6), tzinfo=UTC),
        canonical_url=f"https://blog.example.com/2021/01/28/xiaomi-{random.randrange(10**9)}/",
        html="<p>x</p>", summary="笔者也没啥好说了，既然给笔者退了，事情就到这里吧。" * 12,
        tags=("小米", "手机", "machine learning"), language="zh",
        cover_image="https://blog.example.com/tea.png", cover_file=str(COVER))
    base.update(changes)
    return Post(**base)


async def push_and_read(side: Side, post: Post) -> tuple[Any, Any, dict[str, Any]]:
    adapter = BlueskyAdapter(side.settings())
    payload = adapter.render(post)
    async with httpx.AsyncClient(transport=side.async_transport, timeout=30) as client:
        first = await adapter.create(client, payload, Attempt("one"))
        second = await adapter.create(client, payload, Attempt("two"))
        found = await adapter.find(client, payload)
        assert adapter.session is not None
        read = await adapter.call(client, "GET", "com.atproto.repo.getRecord", params={
            "repo": adapter.session["did"], "collection": POST, "rkey": payload.data["rkey"]})
    assert first.id == second.id and found is not None and found.id == first.id
    return first, payload, read["value"]


@pytest.mark.parametrize("changes", [
    {},
    {"title": "🎉🚀✨", "summary": "", "tags": ()},
    {"title": "Tags in Chinese", "tags": ("编程", "生活随笔", "中文标签")},
], ids=["chinese-seed", "emoji-only-title", "chinese-tags"])
def test_push_twice_reads_back_text_facets_card_and_blob(side: Side, changes: dict[str, Any]) -> None:
    post = seed_post(**changes)
    ref, payload, value = asyncio.run(push_and_read(side, post))
    text = value["text"]
    assert text == payload.data["record"]["text"]
    assert post.canonical_url in text
    assert len(text.encode("utf-8")) <= 3000
    data = text.encode("utf-8")
    wanted = {f"#{tag}" for tag in ("小米", "手机", "MachineLearning", "编程", "生活随笔", "中文标签")}
    for facet in value.get("facets", []):
        piece = data[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode("utf-8")
        feature = facet["features"][0]
        if feature["$type"].endswith("#link"):
            assert piece == feature["uri"] == post.canonical_url
        else:
            assert piece == f"#{feature['tag']}" and piece in wanted
    links = [f for f in value.get("facets", []) if f["features"][0]["$type"].endswith("#link")]
    assert len(links) == 1
    external = value["embed"]["external"]
    assert external["uri"] == post.canonical_url and external["title"] == post.title
    assert external["thumb"]["mimeType"] == "image/png"
    assert external["thumb"]["size"] == COVER.stat().st_size
    assert ref.url.startswith("https://bsky.app/profile/did:")


def test_repost_puts_the_new_post_first_then_deletes_the_old_one(side: Side) -> None:
    adapter = BlueskyAdapter(side.settings(on_change="repost"))
    assert adapter.capabilities.can_update
    assert not BlueskyAdapter(side.settings()).capabilities.can_update
    post = seed_post()
    changed = Post(**{**post.__dict__, "summary": "改过的摘要。"})

    async def flow() -> tuple[Any, Any, Any, Any]:
        async with httpx.AsyncClient(transport=side.async_transport, timeout=30) as client:
            old = await adapter.create(client, adapter.render(post), Attempt("one"))
            new = await adapter.update(client, adapter.render(changed), old, Attempt("two"))
            gone = await adapter.lookup(client, str(old.extra["rkey"]))
            there = await adapter.lookup(client, str(new.extra["rkey"]))
            return old, new, gone, there

    old, new, gone, there = asyncio.run(flow())
    assert new.id != old.id and gone is None and there is not None and there.id == new.id


def test_an_expired_access_token_is_refreshed_once() -> None:
    now = [1_800_000_000.0]
    fake = FakeBluesky(clock=lambda: now[0])

    async def answer(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return fake.handle(request, request.url.path.removeprefix("/bluesky"))

    adapter = BlueskyAdapter(BlueskySettings(base_url="http://sandbox.invalid/bluesky",
                                             identifier=IDENTIFIER,
                                             app_password=APP_PASSWORD))  # type: ignore[arg-type]

    async def flow() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            await adapter.create(client, adapter.render(seed_post(cover_file=None)), Attempt("a"))
            now[0] += 7201  # the access token has expired; the refresh token has not
            await adapter.create(client, adapter.render(seed_post(cover_file=None)), Attempt("b"))

    asyncio.run(flow())
    assert len(fake.repo) == 2
    assert len(fake.tokens) == 4, "one createSession, then one refreshSession"
