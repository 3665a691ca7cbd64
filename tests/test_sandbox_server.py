"""The sandbox on real loopback sockets: answers, keep-alive, and drops after applying."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from adapters.medium import MediumAdapter, MediumSettings
from adapters.medium.fake import MEDIUM_TOKEN, MEDIUM_USER_ID, FakeMedium
from syndicate.adapter import Attempt
from syndicate.errors import Ambiguous
from syndicate.http import build_client
from syndicate.post import Post
from syndicate.sandbox.server import Sandbox, ServerHandle, run, serve

AUTH = {"Authorization": f"Bearer {MEDIUM_TOKEN}"}
POSTS = f"/medium/v1/users/{MEDIUM_USER_ID}/posts"
ARTICLE = {"title": "小米手机", "contentFormat": "markdown", "content": "# 小米手机\n\n正文"}


@pytest.fixture
def box(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path / "fakes", fakes=[FakeMedium()])


@pytest.fixture
async def served(box: Sandbox) -> AsyncIterator[ServerHandle]:
    handle = await serve(box)
    yield handle
    await handle.close()


def client(handle: ServerHandle) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=handle.url, trust_env=False, timeout=5)


async def test_serves_on_127_0_0_1_and_answers_a_real_request(served: ServerHandle) -> None:
    assert served.url.startswith("http://127.0.0.1:")
    assert served.server.sockets[0].getsockname()[0] == "127.0.0.1"
    async with client(served) as http:
        me = await http.get("/medium/v1/me", headers=AUTH)
        assert me.status_code == 200 and me.json()["data"]["id"] == MEDIUM_USER_ID
        created = await http.post(POSTS, json=ARTICLE, headers=AUTH)
        assert created.status_code == 201 and created.headers["content-type"] == "application/json"
        listed = (await http.get("/_sandbox/posts")).json()
    assert listed == {"medium": [{"id": created.json()["data"]["id"], "title": "小米手机",
                                  "url": created.json()["data"]["url"]}]}


async def test_error_answers_keep_their_status_and_body(served: ServerHandle) -> None:
    async with client(served) as http:
        refused = await http.get("/medium/v1/me")
        assert refused.status_code == 401 and refused.json()["errors"][0]["code"] == 6000
        assert (await http.get("/nowhere")).status_code == 404


async def test_one_kept_alive_connection_carries_many_requests(
        served: ServerHandle, box: Sandbox) -> None:
    async with client(served) as http:
        for n in range(5):
            answer = await http.post(POSTS, json={**ARTICLE, "title": f"t{n}"}, headers=AUTH)
            assert answer.status_code == 201
    assert len(box.posts()["medium"]) == 5


async def test_a_drop_after_applying_reaches_the_client_as_an_error_but_the_post_exists(
        served: ServerHandle, box: Sandbox) -> None:
    box.faults.script(["after_apply_reset"])
    async with client(served) as http:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await http.post(POSTS, json=ARTICLE, headers=AUTH)
        assert len((await http.get("/_sandbox/posts")).json()["medium"]) == 1
    assert (box.state_dir is not None and (box.state_dir / "medium.json").is_file())


async def test_the_adapter_over_loopback_calls_an_after_apply_timeout_ambiguous(
        served: ServerHandle, box: Sandbox) -> None:
    box.faults.script([None, "after_apply_timeout"])
    adapter = MediumAdapter(MediumSettings(token=SecretStr(MEDIUM_TOKEN),
                                           base_url=f"{served.url}/medium/v1"))
    post = Post(key="k", source_path="k.md", source_hash="h", title="标题",
                date=datetime(2021, 1, 28, tzinfo=UTC), canonical_url="https://b.example/k",
                html="<p>正文</p>")
    async with build_client() as http:
        with pytest.raises(Ambiguous):
            await adapter.create(http, adapter.render(post), Attempt("a"))
    assert [r["title"] for r in box.posts()["medium"]] == ["标题"]


async def test_a_reset_before_applying_writes_nothing(served: ServerHandle, box: Sandbox) -> None:
    box.faults.script(["reset_before"])
    async with client(served) as http:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await http.post(POSTS, json=ARTICLE, headers=AUTH)
    assert box.posts()["medium"] == []


async def test_close_cuts_kept_alive_connections(served: ServerHandle) -> None:
    http = client(served)
    try:
        assert (await http.get("/_sandbox/posts")).status_code == 200
        await served.close()
        with pytest.raises(httpx.TransportError):
            await http.get("/_sandbox/posts")
    finally:
        await http.aclose()


async def test_only_loopback_addresses_are_accepted(box: Sandbox) -> None:
    for host in ("0.0.0.0", "192.168.1.2", ""):
        with pytest.raises(ValueError, match="loopback"):
            await serve(box, host=host)


def test_run_blocks_serving_until_stopped(box: Sandbox) -> None:
    ready: list[ServerHandle] = []
    loops: list[asyncio.AbstractEventLoop] = []
    announced = threading.Event()

    def announce(handle: ServerHandle) -> None:
        ready.append(handle)
        loops.append(asyncio.get_running_loop())
        announced.set()

    thread = threading.Thread(target=run, args=(box,), kwargs={"ready": announce}, daemon=True)
    thread.start()
    assert announced.wait(10), "run() announced its URL"
    answer = httpx.get(f"{ready[0].url}/_sandbox/posts", trust_env=False, timeout=5)
    assert answer.json() == {"medium": []}
    asyncio.run_coroutine_threadsafe(ready[0].close(), loops[0]).result(5)
    thread.join(5)
    assert not thread.is_alive(), "run() returns once its server is closed"
