"""The canonical field of Yoast SEO or Rank Math, set when the site's REST index lists one.

Every request the adapter sends is logged, so "read the index once", "nothing sent without
a plugin" are checked on the wire. The plugin-less case runs against the real WordPress
too (tests/servers/wordpress.sh has no SEO plugin): there the meta keys must cost nothing
and never raise. The plugins themselves are modelled by FakeWordPress (``seo_plugin``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from adapters.wordpress import WordPressAdapter, WordPressSettings
from adapters.wordpress.adapter import RANK_MATH, YOAST
from adapters.wordpress.fake import WORDPRESS_APP_PASSWORD, WORDPRESS_USER, FakeWordPress
from adapters.wordpress.view import view
from syndicate.adapter import Attempt, RemoteRef
from syndicate.post import Post
from tests.test_preview_seed import SEED_KEY, preview_json

FAKE_SITE = "http://wordpress.invalid"


@dataclass
class Site:
    """A WordPress the adapter talks to, and a log of every request it was sent."""

    adapter: WordPressAdapter
    client: httpx.AsyncClient
    fake: FakeWordPress | None = None
    sent: list[tuple[str, str]] = field(default_factory=list)

    def index_reads(self) -> int:
        return sum(1 for method, url in self.sent
                   if method == "GET" and (url.endswith("/wp-json/") or url.endswith("rest_route=/")))

    def writes(self) -> list[str]:
        return [url for method, url in self.sent if method == "POST"]

    async def post(self, ref: RemoteRef) -> Any:
        r = await self.client.get(self.adapter.api(f"posts/{ref.id}"), params={"context": "edit"},
                                  headers=self.adapter.headers())
        assert r.status_code == 200, r.text
        return r.json()


def fake_site(plugin: str | None = None, refuse: str | None = None, **options: Any) -> Site:
    """A FakeWordPress running ``plugin``; requests to paths ending in ``refuse`` get a 500."""
    fake = FakeWordPress(site=FAKE_SITE, seo_plugin=plugin,
                         yoast_meta_in_rest=options.pop("yoast_meta_in_rest", True))
    sent: list[tuple[str, str]] = []

    async def log(r: httpx.Request) -> None:
        sent.append((r.method, str(r.url)))

    def answer(r: httpx.Request) -> httpx.Response:
        if refuse and r.url.path.endswith(refuse):
            return httpx.Response(500, json={"code": "internal_server_error", "message": "boom",
                                             "data": {"status": 500}})
        return fake.handle(r, r.url.path)

    hooks: Mapping[str, Any] = {"request": [log]}
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer), event_hooks=hooks)
    settings = WordPressSettings(base_url=FAKE_SITE, username=WORDPRESS_USER,
                                 app_password=SecretStr(WORDPRESS_APP_PASSWORD), **options)
    return Site(WordPressAdapter(settings), client, fake, sent)


def a_post(tail: str, canonical: str | None = None, title: str = "SEO canonical") -> Post:
    return Post(
        key=f"seo-{tail}", source_path="p.md", source_hash="h", title=title,
        date=datetime(2021, 1, 28, 12, 0, tzinfo=UTC),
        canonical_url=canonical or f"https://blog.example/2021/01/28/{tail}/",
        html="<p>body</p>", summary="s")


@pytest.fixture(params=[pytest.param("real", marks=pytest.mark.real_wordpress), "fake"])
async def plain_site(request: pytest.FixtureRequest) -> AsyncIterator[Site]:
    """A site without an SEO plugin: the real WordPress, and the fake like it."""
    if request.param == "fake":
        site = fake_site()
    else:
        real = request.getfixturevalue("real_wordpress")
        sent: list[tuple[str, str]] = []

        async def log(r: httpx.Request) -> None:
            sent.append((r.method, str(r.url)))

        settings = WordPressSettings(base_url=real.base_url, username=real.username,
                                     app_password=SecretStr(real.app_password))
        site = Site(WordPressAdapter(settings),
                    httpx.AsyncClient(timeout=30, event_hooks={"request": [log]}), None, sent)
    async with site.client:
        yield site


async def test_without_a_plugin_nothing_is_sent_for_it_and_nothing_fails(plain_site: Site) -> None:
    u = uuid.uuid4().hex[:8]
    wp = plain_site.adapter
    first = await wp.create(plain_site.client, wp.render(a_post(f"a-{u}")), Attempt("a1"))
    second = await wp.create(plain_site.client, wp.render(a_post(f"b-{u}")), Attempt("a2"))
    updated = await wp.update(plain_site.client, wp.render(a_post(f"a-{u}")), first, Attempt("a3"))
    assert plain_site.index_reads() == 1  # once per run, not once per post
    assert wp.namespaces is not None and "wp/v2" in wp.namespaces
    assert not wp.namespaces & {YOAST.namespace, RANK_MATH.namespace}
    assert not any(RANK_MATH.namespace in url for url in plain_site.writes())
    # one write per post: the create, the create, the update; no second write for meta
    assert len(plain_site.writes()) == 3
    assert all("seo_canonical" not in ref.extra for ref in (first, second, updated))
    assert (await plain_site.post(first))["meta"] == []  # nothing registered, nothing stored


async def test_yoast_gets_the_canonical_url_through_core_meta() -> None:
    site = fake_site("yoast")
    async with site.client:
        wp = site.adapter
        ref = await wp.create(site.client, wp.render(a_post("y")), Attempt("a1"))
        assert ref.extra["seo_canonical"] == "set in Yoast SEO"
        assert (await site.post(ref))["meta"][YOAST.meta_key] == "https://blog.example/2021/01/28/y/"
        moved = wp.render(a_post("y", canonical="https://new.example/y/"))
        again = await wp.update(site.client, moved, ref, Attempt("a2"))
        assert again.extra["seo_canonical"] == "set in Yoast SEO"
        assert (await site.post(ref))["meta"][YOAST.meta_key] == "https://new.example/y/"
    assert site.index_reads() == 1
    assert site.writes() == [f"{FAKE_SITE}/wp-json/wp/v2/posts",
                             f"{FAKE_SITE}/wp-json/wp/v2/posts/{ref.id}",
                             f"{FAKE_SITE}/wp-json/wp/v2/posts/{ref.id}",
                             f"{FAKE_SITE}/wp-json/wp/v2/posts/{ref.id}"]


async def test_a_yoast_that_keeps_its_meta_out_of_rest_is_reported_not_failed() -> None:
    site = fake_site("yoast", yoast_meta_in_rest=False)
    async with site.client:
        wp = site.adapter
        ref = await wp.create(site.client, wp.render(a_post("old")), Attempt("a1"))
        stored = await site.post(ref)
        later = await wp.create(site.client, wp.render(a_post("later")), Attempt("a2"))
    assert stored["title"]["raw"] == "SEO canonical"  # the post is out
    assert stored["meta"] == []  # core dropped the unregistered key without a word
    assert ref.extra["seo_canonical"].startswith("not set in Yoast SEO")
    assert YOAST.meta_key in ref.extra["seo_canonical"]
    # the site showed it never takes the key: the next post in the run does not try again
    assert later.extra["seo_canonical"] == ref.extra["seo_canonical"]
    assert len(site.writes()) == 3  # create, meta, create


async def test_rank_math_gets_the_canonical_url_through_its_own_route() -> None:
    site = fake_site("rankmath")
    async with site.client:
        wp = site.adapter
        ref = await wp.create(site.client, wp.render(a_post("r")), Attempt("a1"))
    assert site.fake is not None
    assert site.fake.plugin_meta[int(ref.id)] == {
        RANK_MATH.meta_key: "https://blog.example/2021/01/28/r/"}
    assert ref.extra["seo_canonical"] == "set in Rank Math"
    assert site.writes()[-1] == f"{FAKE_SITE}/wp-json/rankmath/v1/updateMeta"
    assert site.index_reads() == 1


async def test_rest_route_urls_reach_the_index_and_the_plugin_route() -> None:
    site = fake_site("rankmath", use_rest_route=True)
    async with site.client:
        wp = site.adapter
        ref = await wp.create(site.client, wp.render(a_post("q")), Attempt("a1"))
    assert ref.extra["seo_canonical"] == "set in Rank Math"
    assert site.index_reads() == 1


async def test_a_failed_plugin_request_leaves_the_post_published() -> None:
    site = fake_site("rankmath", refuse="/updateMeta")
    async with site.client:
        wp = site.adapter
        ref = await wp.create(site.client, wp.render(a_post("f")), Attempt("a1"))
        stored = await site.post(ref)
    assert stored["status"] == "publish"
    assert ref.extra["seo_canonical"].startswith("not set in Rank Math")
    assert "boom" in ref.extra["seo_canonical"]


async def test_the_setting_turns_it_off_and_keeps_the_index_unread() -> None:
    site = fake_site("yoast", seo_canonical=False)
    async with site.client:
        wp = site.adapter
        payload = wp.render(a_post("off"))
        ref = await wp.create(site.client, payload, Attempt("a1"))
        stored = await site.post(ref)
    assert "canonical_url" not in payload.data
    assert site.index_reads() == 0 and len(site.writes()) == 1
    assert stored["meta"][YOAST.meta_key] == ""  # registered, left at its default


def test_the_preview_shows_the_index_read_and_both_possible_requests() -> None:
    wp = fake_site().adapter
    payload = wp.render(a_post("p"))
    specs = wp.requests(payload)
    assert (specs[0].method, specs[0].url) == ("GET", f"{FAKE_SITE}/wp-json/")
    yoast = next(s for s in specs if YOAST.namespace in s.url)
    rank_math = next(s for s in specs if "updateMeta" in s.url)
    assert yoast.body == {"meta": {YOAST.meta_key: "https://blog.example/2021/01/28/p/"}}
    assert rank_math.body["meta"] == {RANK_MATH.meta_key: "https://blog.example/2021/01/28/p/"}
    assert "only if the REST index lists" in yoast.url and "<id of the new post>" in yoast.url
    create = next(s for s in specs if s.url.endswith("/wp/v2/posts"))
    assert "canonical_url" not in create.body and "meta" not in create.body
    html = view(payload.data, wp.capabilities)
    assert "SEO canonical URL" in html and "https://blog.example/2021/01/28/p/" in html


def test_the_canonical_url_is_left_out_of_the_digest() -> None:
    """An upgrade that starts sending the SEO field must not plan an update of every copy
    already on the site: the field goes out with each copy's next real change."""
    wp = fake_site().adapter
    here, there = (wp.render(a_post("d", canonical=c)) for c in ("https://a.example/d/",
                                                                 "https://b.example/d/"))
    assert here.data["canonical_url"] != there.data["canonical_url"]
    assert here.digest == there.digest
    off = fake_site(seo_canonical=False).adapter.render(a_post("d", canonical="https://a.example/d/"))
    assert "canonical_url" not in off.data and off.digest == here.digest
    edited = wp.render(a_post("d", canonical="https://a.example/d/", title="Edited"))
    assert edited.digest != here.digest


def test_preview_json_of_the_example_blog_carries_the_canonical_requests() -> None:
    wordpress = next(i for i in preview_json()
                     if i["post"] == SEED_KEY and i["platform"] == "wordpress")
    requests: list[dict[str, Any]] = wordpress["requests"]  # type: ignore[assignment]
    canonical = "https://dbarobin.com/2021/01/28/xiaomi/"
    assert any(r["method"] == "GET" and r["url"].endswith("/wp-json/") for r in requests)
    bodies = [r["body"] for r in requests if "only if the REST index lists" in r["url"]]
    assert [b["meta"] for b in bodies] == [{YOAST.meta_key: canonical},
                                          {RANK_MATH.meta_key: canonical}]
