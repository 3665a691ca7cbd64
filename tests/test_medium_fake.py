"""FakeMedium enforces every rule of Medium's API v1 the adapter could trip over (§10)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.medium.fake import MEDIUM_TOKEN, MEDIUM_USER_ID, FakeMedium

BASE = "http://sandbox.invalid/medium"
AUTH = {"Authorization": f"Bearer {MEDIUM_TOKEN}"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def call(fake: FakeMedium, method: str, path: str, *, headers: dict[str, str] | None = None,
         **kwargs: Any) -> httpx.Response:
    request = httpx.Request(method, BASE + path, headers=AUTH if headers is None else headers,
                            **kwargs)
    request.read()  # the sandbox reads the body before a fake sees it
    return fake.handle(request, path)


def article(**fields: Any) -> dict[str, Any]:
    return {"title": "Hello", "contentFormat": "markdown", "content": "# Hello\n\nBody.",
            "publishStatus": "public", **fields}


def create(fake: FakeMedium, owner: str = f"/v1/users/{MEDIUM_USER_ID}", **fields: Any
           ) -> httpx.Response:
    return call(fake, "POST", f"{owner}/posts", json=article(**fields))


def errors(response: httpx.Response) -> tuple[int, str, int]:
    [error] = response.json()["errors"]
    return response.status_code, str(error["message"]), int(error["code"])


def test_missing_token_is_401_code_6000_and_unknown_token_is_401_code_6003() -> None:
    fake = FakeMedium()
    assert errors(call(fake, "GET", "/v1/me", headers={}))[::2] == (401, 6000)
    empty = {"Authorization": "Bearer "}
    assert errors(call(fake, "GET", "/v1/me", headers=empty))[::2] == (401, 6000)
    wrong = {"Authorization": "Bearer not-the-token"}
    assert errors(call(fake, "GET", "/v1/me", headers=wrong))[::2] == (401, 6003)
    assert errors(create(FakeMedium(token="other")))[::2] == (401, 6003)


def test_the_unknown_token_code_is_configurable_for_application_not_found() -> None:
    fake = FakeMedium(bad_token_code=6005)
    wrong = {"Authorization": "Bearer stale"}
    response = call(fake, "GET", "/v1/me", headers=wrong)
    assert errors(response) == (401, "Application not found.", 6005)


def test_me_returns_the_one_user() -> None:
    response = call(FakeMedium(), "GET", "/v1/me")
    assert response.status_code == 200
    assert response.json()["data"]["id"] == MEDIUM_USER_ID
    assert {"id", "username", "name", "url", "imageUrl"} <= set(response.json()["data"])


def test_posting_or_listing_as_another_user_is_403() -> None:
    fake = FakeMedium()
    assert create(fake, "/v1/users/someone-else").status_code == 403
    assert call(fake, "GET", "/v1/users/someone-else/publications").status_code == 403
    assert fake.records() == []


@pytest.mark.parametrize("missing", ["title", "contentFormat", "content"])
def test_each_required_field_is_400_naming_it(missing: str) -> None:
    fake = FakeMedium()
    body = article()
    del body[missing]
    response = call(fake, "POST", f"/v1/users/{MEDIUM_USER_ID}/posts", json=body)
    status, message, _code = errors(response)
    assert status == 400 and missing in message
    assert fake.records() == []


@pytest.mark.parametrize("field, value", [("contentFormat", "rst"), ("contentFormat", "HTML"),
                                          ("publishStatus", "published"), ("license", "mit")])
def test_unknown_enum_values_are_400(field: str, value: str) -> None:
    fake = FakeMedium()
    assert create(fake, **{field: value}).status_code == 400
    assert fake.records() == []


def test_status_defaults_to_public_and_every_license_is_accepted() -> None:
    fake = FakeMedium()
    body = article()
    del body["publishStatus"]
    response = call(fake, "POST", f"/v1/users/{MEDIUM_USER_ID}/posts", json=body)
    assert response.status_code == 201
    assert response.json()["data"]["publishStatus"] == "public"
    for license_ in ("cc-40-by", "cc-40-zero", "public-domain", "cc-40-by-nc-sa"):
        assert create(fake, license=license_).json()["data"]["license"] == license_


def test_tags_beyond_three_and_longer_than_25_are_dropped_silently() -> None:
    fake = FakeMedium()
    long_tag = "x" * 26
    response = create(fake, tags=["a", long_tag, "b", "c", "d"])
    assert response.status_code == 201
    assert response.json()["data"]["tags"] == ["a", "b"]  # first three, then the long one out
    assert create(fake, tags=["小" * 25]).json()["data"]["tags"] == ["小" * 25]  # code points


def test_a_title_over_100_characters_is_ignored_and_made_from_the_content() -> None:
    fake = FakeMedium()
    response = create(fake, title="T" * 101, content="# From the body\n\nText.")
    assert response.status_code == 201
    assert response.json()["data"]["title"] == "From the body"
    assert create(fake, title="T" * 100).json()["data"]["title"] == "T" * 100


def test_created_post_shape_canonical_only_when_sent_and_published_at_in_ms() -> None:
    clock = Clock()
    fake = FakeMedium(clock=clock)
    plain = create(fake)
    assert plain.status_code == 201
    data = plain.json()["data"]
    assert "canonicalUrl" not in data
    assert data["publishedAt"] == int(clock.now * 1000)
    assert data["authorId"] == MEDIUM_USER_ID and data["url"].startswith("https://medium.com/@")
    assert {"id", "title", "tags", "publishStatus", "license", "licenseUrl"} <= set(data)
    canonical = create(fake, canonicalUrl="https://blog.example/a").json()["data"]
    assert canonical["canonicalUrl"] == "https://blog.example/a"
    draft = create(fake, publishStatus="draft").json()["data"]
    assert "publishedAt" not in draft


def test_publications_by_role_editor_any_writer_drafts_only_others_403() -> None:
    fake = FakeMedium(publications={"pub-ed": "editor", "pub-wr": "writer"})
    listed = call(fake, "GET", f"/v1/users/{MEDIUM_USER_ID}/publications").json()["data"]
    assert {p["id"] for p in listed} == {"pub-ed", "pub-wr"}
    editor = create(fake, "/v1/publications/pub-ed", publishStatus="public")
    assert editor.status_code == 201 and editor.json()["data"]["publicationId"] == "pub-ed"
    assert create(fake, "/v1/publications/pub-wr", publishStatus="public").status_code == 403
    assert create(fake, "/v1/publications/pub-wr", publishStatus="unlisted").status_code == 403
    assert create(fake, "/v1/publications/pub-wr", publishStatus="draft").status_code == 201
    assert create(fake, "/v1/publications/pub-other", publishStatus="draft").status_code == 403
    assert len(fake.records()) == 2


def test_daily_cap_is_429_code_1007_without_retry_after_until_24h_after_the_first() -> None:
    clock = Clock()
    fake = FakeMedium(daily_cap=10, clock=clock)
    for n in range(10):
        assert create(fake, title=f"post {n}").status_code == 201
        clock.now += 60
    capped = create(fake, title="eleventh")
    assert errors(capped) == (429, "User has reached the rate limit for publishing today.", 1007)
    assert "Retry-After" not in capped.headers
    clock.now += 86400 - 10 * 60  # exactly 24 h after the first post
    assert create(fake, title="eleventh").status_code == 201
    assert len(fake.records()) == 11


def test_injected_429_has_medium_shape_and_the_asked_retry_after() -> None:
    response = FakeMedium().rate_limit_response(1)
    assert errors(response)[::2] == (429, 1007)
    assert response.headers["Retry-After"] == "1"


@pytest.mark.parametrize("method, path", [
    ("GET", "/v1/posts/abc"), ("PUT", "/v1/posts/abc"), ("PATCH", "/v1/posts/abc"),
    ("DELETE", "/v1/posts/abc"), ("GET", f"/v1/users/{MEDIUM_USER_ID}/posts"),
    ("PUT", f"/v1/users/{MEDIUM_USER_ID}/posts"), ("DELETE", f"/v1/users/{MEDIUM_USER_ID}/posts"),
])
def test_no_route_reads_edits_or_deletes_posts(method: str, path: str) -> None:
    fake = FakeMedium()
    create(fake)
    assert call(fake, method, path).status_code == 404
    assert len(fake.records()) == 1


def upload(fake: FakeMedium, name: str, mime: str, data: bytes = b"\x89PNG\r\n") -> httpx.Response:
    return call(fake, "POST", "/v1/images", files={name: ("a.png", data, mime)})


def test_images_need_a_multipart_part_named_image_of_an_allowed_type() -> None:
    fake = FakeMedium()
    ok = upload(fake, "image", "image/png", b"\x89PNG-bytes")
    assert ok.status_code == 201
    assert ok.json()["data"]["md5"] == hashlib.md5(b"\x89PNG-bytes").hexdigest()  # noqa: S324
    assert ok.json()["data"]["url"].startswith("https://")
    for mime in ("image/jpeg", "image/gif", "image/tiff"):
        assert upload(fake, "image", mime).status_code == 201
    assert upload(fake, "file", "image/png").status_code == 400
    assert upload(fake, "image", "image/webp").status_code == 400
    assert upload(fake, "image", "image/svg+xml").status_code == 400
    raw = call(fake, "POST", "/v1/images", content=b"\x89PNG",
               headers={**AUTH, "Content-Type": "image/png"})
    assert raw.status_code == 400


def test_records_dump_and_load_round_trip() -> None:
    clock = Clock()
    fake = FakeMedium(clock=clock, daily_cap=2)
    create(fake, title="one")
    create(fake, title="two")
    restored = FakeMedium(clock=clock, daily_cap=2)
    restored.load(json.loads(json.dumps(fake.dump())))
    assert restored.records() == fake.records()
    assert [r["title"] for r in restored.records()] == ["one", "two"]
    assert create(restored, title="three").status_code == 429, "the cap survives a restart"
    clock.now += 86400
    fresh = create(restored, title="one").json()["data"]["id"]
    assert fresh not in {r["id"] for r in fake.records()}, "no id is reused after a restart"


@given(st.lists(st.text(min_size=1, max_size=40), max_size=8))
def test_kept_tags_always_obey_the_rules(tags: list[str]) -> None:
    data = create(FakeMedium(), tags=tags).json()["data"]
    assert len(data["tags"]) <= 3
    assert all(len(t) <= 25 for t in data["tags"])
    assert data["tags"] == [t for t in tags[:3] if len(t) <= 25]
