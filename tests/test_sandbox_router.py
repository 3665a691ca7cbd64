"""The sandbox router: mounting fakes, /_sandbox/posts, faults, latency, persistence, env."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.medium.fake import MEDIUM_TOKEN, MEDIUM_USER_ID, FakeMedium
from syndicate.registry import available
from syndicate.sandbox.faults import KINDS, FaultPlan
from syndicate.sandbox.router import Sandbox

AUTH = {"Authorization": f"Bearer {MEDIUM_TOKEN}"}
POSTS = f"/medium/v1/users/{MEDIUM_USER_ID}/posts"


class Echo:
    """A minimal fake following the contract, to show mounting is by name alone."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        if request.method == "POST":
            item = {"id": str(len(self.items) + 1), "title": path, "url": f"https://x/{path}"}
            self.items.append(item)
            return httpx.Response(201, json=item)
        return httpx.Response(200, json={"path": path})

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return httpx.Response(429, json={"wait": retry_after},
                              headers={"Retry-After": str(retry_after)})

    def records(self) -> list[dict[str, Any]]:
        return list(self.items)

    def dump(self) -> dict[str, Any]:
        return {"items": self.items}

    def load(self, data: dict[str, Any]) -> None:
        self.items = list(data["items"])


class Sleeps:
    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def article(title: str = "Hello") -> dict[str, Any]:
    return {"title": title, "contentFormat": "markdown", "content": f"# {title}"}


@pytest.fixture
async def client_for() -> AsyncIterator[Any]:
    clients: list[httpx.AsyncClient] = []

    def make(box: Sandbox) -> httpx.AsyncClient:
        clients.append(httpx.AsyncClient(transport=box.transport(), base_url="http://sandbox.invalid"))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


async def test_requests_reach_the_fake_mounted_under_its_name_with_the_mount_removed(
        client_for: Any) -> None:
    box = Sandbox(fakes=[Echo("alpha"), Echo("telegraph")])
    client = client_for(box)
    assert (await client.get("/alpha/x/y?z=1")).json() == {"path": "/x/y"}
    assert (await client.get("/telegraph/createPage")).json() == {"path": "/createPage"}
    missing = await client.get("/nowhere/x")
    assert missing.status_code == 404 and missing.json()["mounted"] == ["alpha", "telegraph"]
    assert box.requests == [("GET", "alpha", "/x/y"), ("GET", "telegraph", "/createPage")]


def test_two_fakes_cannot_share_a_mount() -> None:
    with pytest.raises(ValueError, match="/alpha"):
        Sandbox(fakes=[Echo("alpha"), Echo("alpha")])


def test_the_default_sandbox_mounts_every_registered_platform() -> None:
    box = Sandbox()
    assert set(available()) <= set(box.fakes)  # every built-in platform ships a fake


async def test_sandbox_posts_lists_id_title_url_per_platform(client_for: Any) -> None:
    box = Sandbox(fakes=[FakeMedium(), Echo("other")])
    client = client_for(box)
    created = (await client.post(POSTS, json=article("小米"), headers=AUTH)).json()["data"]
    await client.post("/other/thing")
    listed = await client.get("/_sandbox/posts")
    assert listed.status_code == 200
    assert listed.json() == {
        "medium": [{"id": created["id"], "title": "小米", "url": created["url"]}],
        "other": [{"id": "1", "title": "/thing", "url": "https://x//thing"}]}
    assert (await client.post("/_sandbox/posts")).status_code == 405


async def test_latency_is_awaited_through_the_injected_sleep(client_for: Any) -> None:
    sleeps = Sleeps()
    box = Sandbox(fakes=[Echo("a")], latency=0.25, sleep=sleeps)
    await client_for(box).get("/a/x")
    assert sleeps.asked == [0.25]


async def test_scripted_faults_apply_in_order_and_say_whether_the_write_was_applied(
        client_for: Any) -> None:
    sleeps = Sleeps()
    box = Sandbox(fakes=[Echo("a")], sleep=sleeps)
    box.faults.script(["after_apply_reset", None, "503", "429", "reset_before",
                       "after_apply_timeout", "latency", "403_html"])
    client = client_for(box)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/a/one")
    assert len(box.posts()["a"]) == 1, "applied, though the client saw only a dropped connection"
    assert (await client.post("/a/two")).status_code == 201
    server_error = await client.post("/a/three")
    assert server_error.status_code == 503 and "<html>" in server_error.text
    limited = await client.post("/a/four")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    with pytest.raises(httpx.ConnectError):
        await client.post("/a/five")
    with pytest.raises(httpx.ReadTimeout):
        await client.post("/a/six")
    slow = await client.post("/a/seven")
    assert slow.status_code == 201 and sleeps.asked == [box.faults.slow_seconds]
    blocked = await client.get("/a/eight")
    assert blocked.status_code == 403 and "Cloudflare" in blocked.text
    assert [r["title"] for r in box.posts()["a"]] == ["/one", "/two", "/six", "/seven"]
    assert box.faults.history == ["after_apply_reset", None, "503", "429", "reset_before",
                                  "after_apply_timeout", "latency", "403_html"]


def test_unknown_fault_names_fail_loudly_and_old_names_still_work() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        FaultPlan().script(["after_apply_rest"])
    assert list(FaultPlan().script(["timeout_after", "server_error"]).queue) == [
        "after_apply_timeout", "503"]
    with pytest.raises(ValueError):
        FaultPlan(rate=1.5)


def draws(plan: FaultPlan, writes: list[bool]) -> list[str | None]:
    return [plan.next_fault(write) for write in writes]


@given(seed=st.integers(0, 2**32), rate=st.floats(0.0, 1.0),
       writes=st.lists(st.booleans(), max_size=60))
def test_a_seeded_fault_plan_replays_exactly(seed: int, rate: float, writes: list[bool]) -> None:
    first = draws(FaultPlan(rate=rate, seed=seed), writes)
    assert first == draws(FaultPlan(rate=rate, seed=seed), writes)
    assert all(fault is None for fault, write in zip(first, writes, strict=True) if not write), \
        "random faults only hit writes"


def test_random_faults_draw_every_kind_at_about_the_asked_rate_with_503_bursts() -> None:
    plan = FaultPlan(rate=0.3, seed=42)
    faults = draws(plan, [True] * 5000)
    assert set(plan.counts) == set(KINDS)
    assert 0.25 < sum(f is not None for f in faults) / len(faults) < 0.45  # bursts add a little
    runs = "".join("5" if f == "503" else "." for f in faults)
    assert "555" in runs, "503s come in bursts"
    bursts = []
    for _ in range(2000):
        if plan.next_fault(True) == "503" and plan.burst:
            bursts.append(plan.burst)
    assert bursts and max(bursts) <= 2, "a burst lasts at most three writes"
    assert draws(FaultPlan(rate=0.0, seed=42), [True] * 200) == [None] * 200
    plan.rate = 0.0
    assert draws(plan, [True] * 5) == [None] * 5, "turning faults off also ends a burst"


async def test_state_is_saved_after_each_write_and_loaded_by_a_restarted_sandbox(
        tmp_path: Path, client_for: Any) -> None:
    state = tmp_path / "fakes"
    box = Sandbox(state, fakes=[FakeMedium(), Echo("e")])
    client = client_for(box)
    await client.get("/medium/v1/me", headers=AUTH)
    assert not state.exists(), "reads write nothing"
    await client.post(POSTS, json=article("one"), headers=AUTH)
    box.faults.script(["after_apply_timeout"])
    with pytest.raises(httpx.ReadTimeout):
        await client.post(POSTS, json=article("two"), headers=AUTH)
    assert sorted(p.name for p in state.iterdir()) == ["e.json", "medium.json"], "no temp left"
    saved = json.loads((state / "medium.json").read_text(encoding="utf-8"))
    assert [p["title"] for p in saved["posts"]] == ["one", "two"]
    restarted = Sandbox(state, fakes=[FakeMedium(), Echo("e")])
    assert restarted.posts() == box.posts()
    await client_for(restarted).post(POSTS, json=article("one"), headers=AUTH)
    titles = [r["title"] for r in restarted.posts()["medium"]]
    assert titles.count("one") == 2, "a duplicate made across runs is visible"


def test_settings_env_points_every_platform_at_the_base_url() -> None:
    env = Sandbox(fakes=[]).settings_env("http://127.0.0.1:8765/")
    seed = ("SYNDICATE_MEDIUM", "SYNDICATE_WORDPRESS", "SYNDICATE_TELEGRAM")
    assert {k: v for k, v in env.items() if k.split("__")[0] in seed} == {
        "SYNDICATE_MEDIUM__TOKEN": "sandbox-medium-token",
        "SYNDICATE_MEDIUM__BASE_URL": "http://127.0.0.1:8765/medium/v1",
        "SYNDICATE_WORDPRESS__BASE_URL": "http://127.0.0.1:8765/wordpress",
        "SYNDICATE_WORDPRESS__USERNAME": "sandbox",
        "SYNDICATE_WORDPRESS__APP_PASSWORD": "sand boxs ecre tpas swor d123",
        "SYNDICATE_TELEGRAM__BOT_TOKEN": "123456:sandbox-telegram-bot",
        "SYNDICATE_TELEGRAM__CHAT_ID": "@syndicate_sandbox",
        "SYNDICATE_TELEGRAM__BASE_URL": "http://127.0.0.1:8765/telegram",
        "SYNDICATE_TELEGRAM__TELEGRAPH_BASE_URL": "http://127.0.0.1:8765/telegraph",
        "SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN": "sandbox-telegraph-token",
    }
