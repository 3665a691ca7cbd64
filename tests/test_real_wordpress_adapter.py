"""adapters/wordpress/adapter.py against the real WordPress: create, find, update, errors.

Two of these once failed only against the real server (a wrong password answered with
401 ``rest_not_logged_in``; Chinese slugs returned percent-encoded); both are fixed in
the adapter and stay here as regressions.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from adapters.wordpress import WordPressAdapter, WordPressSettings
from syndicate.adapter import Attempt
from syndicate.errors import AuthFailed
from syndicate.http import build_client
from syndicate.post import Post
from tests.realwp import RealWordPress

pytestmark = pytest.mark.real_wordpress


def adapter(real: RealWordPress, password: str | None = None) -> WordPressAdapter:
    return WordPressAdapter(WordPressSettings(
        base_url=real.base_url, username=real.username,
        app_password=SecretStr(password or real.app_password)))


def a_post(slug_tail: str, tags: tuple[str, ...] = ()) -> Post:
    return Post(
        key=f"key-{slug_tail}", source_path="post.md", source_hash="h", title="小米手机",
        date=datetime(2021, 1, 28, 12, 0, tzinfo=UTC),
        canonical_url=f"https://blog.example/2021/01/28/{slug_tail}/",
        html="<p>你好 <code>a &lt; b</code></p>", summary="摘要", tags=tags,
        categories=("想法",))


@pytest.fixture
def u() -> str:
    return uuid.uuid4().hex[:8]


async def test_create_find_update(real_wordpress: RealWordPress, u: str) -> None:
    wp = adapter(real_wordpress)
    payload = wp.render(a_post(f"xiaomi-{u}", tags=(f"小米-{u}", f"Phone & Co {u}")))
    async with build_client() as client:
        ref = await wp.create(client, payload, Attempt("a1"))
        found = await wp.find(client, payload)
        updated = await wp.update(client, payload, ref, Attempt("a2"))
    assert found is not None and found.id == ref.id
    assert updated.id == ref.id
    post = httpx.get(f"{real_wordpress.api}/wp/v2/posts/{ref.id}",
                     params={"context": "edit"}, auth=real_wordpress.auth, timeout=30).json()
    assert (post["slug"], post["status"]) == (f"xiaomi-{u}", "publish")
    assert post["title"]["raw"] == "小米手机"
    assert post["date_gmt"] == "2021-01-28T12:00:00"
    names = {httpx.get(f"{real_wordpress.api}/wp/v2/tags/{t}", timeout=30).json()["name"]
             for t in post["tags"]}
    assert names == {f"小米-{u}", f"Phone &amp; Co {u}"}


async def test_same_tags_twice_reuse_terms(real_wordpress: RealWordPress, u: str) -> None:
    wp = adapter(real_wordpress)
    async with build_client() as client:
        first = await wp.create(client, wp.render(a_post(f"a-{u}", (f"T&{u}",))), Attempt("1"))
        second = await wp.create(client, wp.render(a_post(f"b-{u}", (f"t&{u}",))), Attempt("2"))
    tags = [httpx.get(f"{real_wordpress.api}/wp/v2/posts/{ref.id}", timeout=30).json()["tags"]
            for ref in (first, second)]
    assert tags[0] == tags[1] and len(tags[0]) == 1


async def test_check_names_the_user(real_wordpress: RealWordPress) -> None:
    async with build_client() as client:
        assert await adapter(real_wordpress).check(client) == "logged in as syndicate"


async def test_create_with_wrong_password_is_auth_failed(real_wordpress: RealWordPress,
                                                        u: str) -> None:
    wp = adapter(real_wordpress, password="A" * 24)
    async with build_client() as client:
        with pytest.raises(AuthFailed):
            await wp.create(client, wp.render(a_post(f"x-{u}")), Attempt("a1"))


async def test_check_with_wrong_password_is_auth_failed(real_wordpress: RealWordPress) -> None:
    async with build_client() as client:
        with pytest.raises(AuthFailed):
            await adapter(real_wordpress, password="A" * 24).check(client)


async def test_find_post_with_chinese_slug(real_wordpress: RealWordPress, u: str) -> None:
    wp = adapter(real_wordpress)
    payload = wp.render(a_post(f"小米-{u}"))
    async with build_client() as client:
        ref = await wp.create(client, payload, Attempt("a1"))
        found = await wp.find(client, payload)
    assert found is not None and found.id == ref.id
