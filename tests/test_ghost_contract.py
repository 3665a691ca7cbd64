"""Ghost's Admin API contract, asserted the same way on the fake and on a real Ghost 6.

Every test takes ``ghost``: once the sandbox fake, once the loopback Ghost that
tests/servers/ghost.sh installs (marker ``real_ghost``). Where they disagree, the fake is
wrong; what still differs is listed in the fake's docstring.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
import pytest
from bs4 import BeautifulSoup
from pydantic import SecretStr

from adapters.ghost import GhostAdapter, GhostSettings
from adapters.ghost.fake import KEY_ID, KEY_SECRET, FakeGhost
from syndicate.adapter import Attempt, Payload
from syndicate.errors import AuthFailed, Rejected, Transient
from syndicate.post import Post
from tests.realghost import RealGhost

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
                       "hKmMIQAAAABJRU5ErkJggg==")
BODY = ("<h2>Notes</h2>\n<p>Tea &amp; <em>code</em>: 一年的长跑记录 👨‍👩‍👧</p>\n"
        '<pre><code class="language-python">if a &lt; b:\n    print("{{ raw }}")\n</code></pre>\n')


@dataclass
class Ghost:
    kind: str
    adapter: GhostAdapter
    client: httpx.AsyncClient
    clock: list[float]

    async def next_second(self) -> None:
        """Ghost's timestamps have one-second resolution: move past the current one."""
        if self.kind == "real":
            await asyncio.sleep(1.1)
        self.clock[0] += 1.1

    def api(self, route: str) -> str:
        return self.adapter.api(route)

    def auth(self) -> dict[str, str]:
        return self.adapter.headers()

    async def raw(self, method: str, route: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth(), **kwargs.pop("headers", {})}
        return await self.client.request(method, self.api(route), headers=headers, **kwargs)

    async def read(self, post_id: str) -> dict[str, Any]:
        response = await self.raw("GET", f"posts/{post_id}/",
                                  params={"formats": "html", "include": "tags"})
        assert response.status_code == 200, response.text
        return dict(response.json()["posts"][0])


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.real_ghost)])
async def ghost(request: pytest.FixtureRequest) -> AsyncIterator[Ghost]:
    clock = [time.time()]
    if request.param == "fake":
        fake = FakeGhost(site="http://ghost.fake", clock=lambda: clock[0])
        base, key = "http://ghost.fake", f"{KEY_ID}:{KEY_SECRET}"
        transport: httpx.AsyncBaseTransport = httpx.MockTransport(
            lambda r: fake.handle(r, r.url.path))
    else:
        real: RealGhost = request.getfixturevalue("real_ghost")
        base, key, transport = real.base_url, real.admin_api_key, httpx.AsyncHTTPTransport()
    adapter = GhostAdapter(GhostSettings(base_url=base, admin_api_key=SecretStr(key)))
    async with httpx.AsyncClient(transport=transport, timeout=60) as client:
        yield Ghost(request.param, adapter, client, clock)


def post(run: str, **changes: Any) -> Post:
    base = Post(key=f"_posts/{run}.md", source_path=f"_posts/{run}.md", source_hash=run,
                title=f"Contract {run}", date=datetime(2024, 3, 10, 8, 30, tzinfo=UTC),
                canonical_url=f"https://blog.example/2024/03/10/contract-{run}/", html=BODY,
                summary="A short summary.", tags=("python", "长跑"))
    return replace(base, **changes)


def fresh() -> str:
    return uuid.uuid4().hex[:10]  # the real server outlives test runs


def flat(html: str) -> str:
    """Markup as a parser sees it: no comments, no blank runs between blocks, one spelling
    of void elements (Ghost writes ``<img>`` for ``<img/>``)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    return str(BeautifulSoup(re.sub(r">\s+<", "><", html).strip(), "html.parser"))


async def test_the_body_goes_in_only_with_source_html(ghost: Ghost) -> None:
    run = fresh()
    payload = ghost.adapter.render(post(run))
    body = {"posts": [{"title": f"No source {run}", "html": "<p>lost?</p>"}]}
    response = await ghost.raw("POST", "posts/", json=body)
    assert response.status_code == 201, response.text
    silent = await ghost.read(response.json()["posts"][0]["id"])
    assert not silent.get("html"), "without ?source=html Ghost keeps no body, and says nothing"
    ref = await ghost.adapter.create(ghost.client, payload, Attempt("a"))
    stored = await ghost.read(ref.id)
    assert flat(stored["html"]) == flat(str(payload.data["html"]))
    assert stored["canonical_url"] == payload.data["canonical_url"]
    assert stored["custom_excerpt"] == "A short summary."
    assert stored["slug"] == payload.data["slug"] == f"contract-{run}"
    assert [t["name"] for t in stored["tags"]] == ["python", "长跑"]
    assert stored["published_at"] == "2024-03-10T08:30:00.000Z"
    assert stored["status"] == "published"


async def test_a_taken_slug_becomes_slug_2_and_find_adopts_only_our_canonical_url(
        ghost: Ghost) -> None:
    run = fresh()
    ours = ghost.adapter.render(post(run))
    squatter = {"posts": [{"title": "Someone else's", "slug": ours.data["slug"],
                           "canonical_url": "https://elsewhere.example/x/"}]}
    taken = await ghost.raw("POST", "posts/", json=squatter)
    assert taken.status_code == 201 and taken.json()["posts"][0]["slug"] == ours.data["slug"]
    assert await ghost.adapter.find(ghost.client, ours) is None, "a slug alone proves nothing"
    ref = await ghost.adapter.create(ghost.client, ours, Attempt("a"))
    assert (await ghost.read(ref.id))["slug"] == f"{ours.data['slug']}-2"
    found = await ghost.adapter.find(ghost.client, ours)
    assert found is not None and found.id == ref.id


async def test_updates_need_updated_at_and_a_stale_one_collides(ghost: Ghost) -> None:
    run = fresh()
    ref = await ghost.adapter.create(ghost.client, ghost.adapter.render(post(run)), Attempt("a"))
    current = await ghost.read(ref.id)
    await ghost.next_second()
    missing = await ghost.raw("PUT", f"posts/{ref.id}/", json={"posts": [{"title": "x"}]})
    assert missing.status_code == 422, missing.text
    moved = await ghost.raw("PUT", f"posts/{ref.id}/", json={"posts": [
        {"title": f"Edited elsewhere {run}", "updated_at": current["updated_at"]}]})
    assert moved.status_code == 200, moved.text
    stale = await ghost.raw("PUT", f"posts/{ref.id}/", json={"posts": [
        {"title": f"Stale {run}", "updated_at": current["updated_at"]}]})
    assert stale.status_code == 409, stale.text
    error = stale.json()["errors"][0]
    assert (error["type"], error["code"]) == ("UpdateCollisionError", "UPDATE_COLLISION")
    with pytest.raises(Transient):  # so the engine retries, and the retry re-reads
        ghost.adapter.check_response(stale, "edit posts")
    # The adapter reads updated_at itself, so an edit made elsewhere never blocks it.
    changed = ghost.adapter.render(post(run, summary="Updated summary."))
    await ghost.adapter.update(ghost.client, changed, ref, Attempt("b"))
    after = await ghost.read(ref.id)
    assert after["custom_excerpt"] == "Updated summary." and after["title"] == f"Contract {run}"


async def test_the_admin_key_is_checked_like_ghost_does(ghost: Ghost) -> None:
    key_id = ghost.adapter.settings.admin_api_key.get_secret_value().split(":")[0]  # type: ignore[union-attr]
    now = int(datetime.now(UTC).timestamp())

    def token(secret: bytes, kid: str | None, **claims: Any) -> str:
        headers = {"kid": kid} if kid else {}
        return jwt.encode({"iat": now, "exp": now + 300, "aud": "/admin/", **claims}, secret,
                          algorithm="HS256", headers=headers)

    async def code(header: str | None) -> tuple[int, str | None]:
        headers = {} if header is None else {"Authorization": header}
        response = await ghost.client.get(ghost.api("posts/"), headers=headers)
        return response.status_code, response.json()["errors"][0].get("code")

    wrong = token(b"\x01" * 32, key_id)
    assert await code(f"Ghost {wrong}") == (401, "INVALID_JWT")
    assert await code(f"Ghost {token(b'x' * 32, '0' * 24)}") == (401, "UNKNOWN_ADMIN_API_KEY")
    assert (await code(f"Ghost {token(b'x' * 32, None)}"))[0] == 400
    assert await code(f"Bearer {wrong}") == (401, "INVALID_AUTH_HEADER")
    assert (await code(None))[0] == 403
    with pytest.raises(AuthFailed):
        ghost.adapter.check_response(await ghost.client.get(
            ghost.api("posts/"), headers={"Authorization": f"Ghost {wrong}"}), "browse posts")
    assert "accepted" in await ghost.adapter.check(ghost.client)


async def test_images_upload_as_multipart_and_other_files_are_refused(ghost: Ghost) -> None:
    good = await ghost.raw("POST", "images/upload/",
                           files={"file": ("cover.png", PNG, "image/png")})
    assert good.status_code == 201, good.text
    assert good.json()["images"][0]["url"].endswith(".png")
    bad = await ghost.raw("POST", "images/upload/",
                          files={"file": ("notes.txt", b"hello", "text/plain")})
    assert bad.status_code == 415, bad.text
    assert bad.json()["errors"][0]["type"] == "UnsupportedMediaTypeError"


async def test_a_site_cover_is_uploaded_once_and_becomes_the_feature_image(
        ghost: Ghost, tmp_path: Any) -> None:
    run = fresh()
    cover = tmp_path / "tea.png"
    cover.write_bytes(PNG)
    payload = ghost.adapter.render(post(run, cover_image="https://blog.example/assets/tea.png",
                                        cover_file=str(cover)))
    recorded: list[Any] = []
    ref = await ghost.adapter.create(ghost.client, payload,
                                     Attempt("a", record=recorded.append))
    image = (await ghost.read(ref.id))["feature_image"]
    assert image == ref.extra["image_url"] and recorded == [
        {"image_url": image, "cover": "https://blog.example/assets/tea.png"}]
    assert re.search(r"/content/images/.*tea.*\.png$", image)
    assert (await ghost.client.get(image)).status_code == 200 if ghost.kind == "real" else True
    again = await ghost.adapter.update(ghost.client, payload, ref, Attempt("b"))
    assert again.extra["image_url"] == image, "an unchanged cover is not uploaded again"


async def test_bad_posts_are_refused_in_ghosts_envelope(ghost: Ghost) -> None:
    long_title = await ghost.raw("POST", "posts/", params={"source": "html"},
                                 json={"posts": [{"title": "t" * 256}]})
    for response in (long_title,):
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert error["type"] == "ValidationError"
        assert set(error) >= {"message", "context", "type", "details", "property", "help",
                              "code", "id"}
        with pytest.raises(Rejected):
            ghost.adapter.check_response(response, "create posts")


async def test_unknown_and_read_only_keys_are_dropped_without_a_word(ghost: Ghost) -> None:
    response = await ghost.raw("POST", "posts/", json={"posts": [
        {"title": "x", "bogus": 1, "uuid": "not-a-uuid", "excerpt": "ignored"}]})
    assert response.status_code == 201, response.text
    stored = response.json()["posts"][0]
    assert "bogus" not in stored and stored["uuid"] != "not-a-uuid"


def test_render_is_one_html_card_and_previews_hide_the_key() -> None:
    adapter = GhostAdapter(GhostSettings(base_url="https://g.example",
                                         admin_api_key=SecretStr(f"{KEY_ID}:{KEY_SECRET}")))
    payload: Payload = adapter.render(post("r1", summary="x" * 400))
    assert str(payload.data["html"]).startswith("<!--kg-card-begin: html-->")
    assert len(str(payload.data["custom_excerpt"])) == 300 and payload.notices
    shown = str([r.as_json() for r in adapter.requests(payload)])
    assert KEY_SECRET not in shown and "?source=html" in shown


class CollidingGhost(FakeGhost):
    """Someone saves the post between our read and our write, once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.collide_once = False
        self.puts = 0

    def edit(self, request: httpx.Request, post: dict[str, Any], source_html: bool) -> httpx.Response:
        self.puts += 1
        if self.collide_once:
            self.collide_once = False
            post["updated_at"] = "2030-01-01T00:00:00.000Z"
        return super().edit(request, post, source_html)


def test_a_409_is_retried_by_the_engine_and_the_retry_re_reads(example_blog: Any,
                                                              tmp_path: Any) -> None:
    from syndicate.sandbox.server import Sandbox
    from tests.sandboxing import SimClock, push_once

    clock = SimClock()
    fake = CollidingGhost(site="http://127.0.0.1/ghost", clock=clock)
    box = Sandbox(tmp_path / "fakes", sleep=clock.sleep, clock=clock, fakes=[fake])
    push_once(example_blog, box, clock, ["ghost"])
    seed = example_blog / "_posts" / "想法" / "2021-01-28-xiaomi.md"
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "容笔者道来。\n", "容笔者道来。（本文已更新）\n", 1), encoding="utf-8")
    fake.collide_once = True
    outcomes, _ = push_once(example_blog, box, clock, ["ghost"])
    assert [o.outcome for o in outcomes if o.key.endswith("xiaomi.md")] == ["updated"]
    assert fake.puts == 2, "one 409, then one retry that read the new updated_at"
    stored = next(p for p in fake.posts if "本文已更新" in p["html"])
    assert stored["title"] == "刚夸了小米结果被打脸"


async def test_delete_takes_the_post_down_and_a_second_delete_is_quiet(ghost: Ghost) -> None:
    ref = await ghost.adapter.create(ghost.client, ghost.adapter.render(post(fresh())),
                                     Attempt("a"))
    await ghost.adapter.delete(ghost.client, ref)
    gone = await ghost.raw("GET", f"posts/{ref.id}/")
    assert gone.status_code == 404 and gone.json()["errors"][0]["type"] == "NotFoundError"
    await ghost.adapter.delete(ghost.client, ref)
