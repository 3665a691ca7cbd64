"""Hashnode: the adapter against the GraphQL fake (a real schema, served by graphql-core)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from pydantic import SecretStr

from adapters.hashnode import HashnodeAdapter, HashnodeSettings
from adapters.hashnode.fake import PUBLICATION_ID, TOKEN, FakeHashnode
from syndicate.adapter import Attempt
from syndicate.errors import AuthFailed, Rejected, Transient
from syndicate.post import Post

URL = "https://gql.fake/"


def setup(token: str = TOKEN, dialect: str = "classic", publication: str = PUBLICATION_ID,
          **fake_args: Any) -> tuple[HashnodeAdapter, FakeHashnode, httpx.AsyncClient]:
    fake = FakeHashnode(site="https://blog.fake", dialect=dialect, **fake_args)
    adapter = HashnodeAdapter(HashnodeSettings(base_url=URL, token=SecretStr(token),
                                               publication_id=publication,
                                               dialect=dialect))  # type: ignore[arg-type]
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: fake.handle(r, r.url.path)))
    return adapter, fake, client


def post(n: int = 1, **changes: Any) -> Post:
    base = Post(key=f"_posts/p{n}.md", source_path=f"_posts/p{n}.md", source_hash=str(n),
                title=f"Post {n}", date=datetime(2024, 1, n % 28 + 1, tzinfo=UTC),
                canonical_url=f"https://blog.example/2024/01/0{n}/post-{n}/",
                html=f"<p>Body {n}</p>", summary="Summary.", tags=("Python", "跑步", "no-such-tag"),
                cover_image="https://blog.example/cover.png")
    return replace(base, **changes)


@pytest.mark.parametrize("dialect", ["classic", "2026"])
async def test_publish_sends_markdown_original_url_cover_and_only_existing_tags(
        dialect: str) -> None:
    adapter, fake, client = setup(dialect=dialect)
    tags_before = len(fake.tags)
    payload = adapter.render(post(1))
    assert payload.data["tags"] == ["python", "no-such-tag"]
    assert any("dropped, not created" in n for n in payload.notices)
    ref = await adapter.create(client, payload, Attempt("a"))
    stored = fake.posts[0]
    assert stored["canonicalUrl"] == "https://blog.example/2024/01/01/post-1/"
    assert stored["contentMarkdown"].strip() == "Body 1"
    assert stored["subtitle"] == "Summary." and stored["cover"] == "https://blog.example/cover.png"
    assert [t["slug"] for t in fake.tags if t["id"] in stored["tagIds"]] == ["python"]
    assert len(fake.tags) == tags_before, "no tag is ever created"
    assert ref.extra["dropped_tags"] == ["no-such-tag"] and ref.url == stored["url"]


async def test_graphql_errors_with_http_200_become_our_error_classes() -> None:
    payload = setup()[0].render(post(1))
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"token": "wrong"}, AuthFailed, "UNAUTHENTICATED"),
        ({"publication": "0" * 24}, Rejected, "FORBIDDEN"),
        ({"publication": "not-an-id"}, Rejected, "BAD_USER_INPUT"),
        ({"dialect": "2026", "pro": False}, Rejected, "Pro plan"),
    ]
    for args, error, words in cases:
        adapter, fake, client = setup(**args)
        with pytest.raises(error, match=words):
            await adapter.create(client, payload, Attempt("a"))
        assert not fake.posts
    adapter, fake, client = setup(token="wrong")
    raw = await client.post(URL, json={"query": "mutation($i: PublishPostInput!) "
                                       "{ publishPost(input: $i) { post { id } } }",
                                       "variables": {"i": {"title": "t", "contentMarkdown": "c",
                                                           "publicationId": PUBLICATION_ID}}})
    assert raw.status_code == 200 and raw.json()["data"] is None
    assert raw.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_schema_mismatches_and_server_failures_are_told_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    adapter, fake, client = setup()
    with pytest.raises(Rejected, match="GRAPHQL_VALIDATION_FAILED"):
        await adapter.call(client, "query { me { id nonsense } }", {})

    def broken(*_args: Any) -> None:
        raise GraphQLError("boom", extensions={"code": "INTERNAL_SERVER_ERROR"})

    monkeypatch.setattr(FakeHashnode, "publish", broken)
    with pytest.raises(Transient, match="INTERNAL_SERVER_ERROR"):
        await adapter.create(client, adapter.render(post(1)), Attempt("a"))


async def test_find_needs_our_slug_and_original_url_or_our_url_in_the_listing() -> None:
    adapter, fake, client = setup()
    ours = adapter.render(post(1))
    squatter = await client.post(URL, headers={"Authorization": TOKEN}, json={
        "query": "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { slug } } }",
        "variables": {"i": {"title": "Theirs", "contentMarkdown": "x", "slug": ours.data["slug"],
                            "publicationId": PUBLICATION_ID,
                            "originalArticleURL": "https://elsewhere.example/"}}})
    assert squatter.json()["data"]["publishPost"]["post"]["slug"] == ours.data["slug"]
    assert await adapter.find(client, ours) is None, "a slug alone proves nothing"
    ref = await adapter.create(client, ours, Attempt("a"))
    assert ref.extra["slug"] == f"{ours.data['slug']}-1"  # Hashnode's renaming, our fake's choice
    found = await adapter.find(client, ours)
    assert found is not None and found.id == ref.id
    for n in range(2, 60):  # the listing pages by cursor
        await adapter.create(client, adapter.render(post(n, tags=())), Attempt(str(n)))
    found = await adapter.find(client, ours)
    assert found is not None and found.id == ref.id


async def test_update_replaces_tags_and_a_huge_body_is_refused() -> None:
    adapter, fake, client = setup()
    ref = await adapter.create(client, adapter.render(post(1)), Attempt("a"))
    await adapter.update(client, adapter.render(post(1, title="New", tags=("bash",))), ref,
                         Attempt("b"))
    stored = fake.posts[0]
    assert stored["title"] == "New"
    assert [t["slug"] for t in fake.tags if t["id"] in stored["tagIds"]] == ["bash"]
    huge = adapter.render(post(2, html="<p>" + "x" * 120_000 + "</p>"))
    with pytest.raises(Rejected, match="413"):
        await adapter.create(client, huge, Attempt("c"))


async def test_check_names_the_account_and_the_publication() -> None:
    adapter, _fake, client = setup()
    assert "blog.fake" in await adapter.check(client)
    stranger, _fake, client = setup(publication="0" * 24)
    with pytest.raises(Rejected, match="not a member"):
        await stranger.check(client)


async def test_delete_removes_the_post_from_listings_and_frees_its_slug() -> None:
    adapter, fake, client = setup()
    payload = adapter.render(post(1))
    ref = await adapter.create(client, payload, Attempt("a"))
    await adapter.delete(client, ref)
    assert fake.records() == [] and await adapter.find(client, payload) is None
    again = await adapter.create(client, payload, Attempt("b"))
    assert again.extra["slug"] == payload.data["slug"]
    await adapter.delete(client, ref)  # already removed: quiet
