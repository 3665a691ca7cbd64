"""One set of WordPress REST calls against the real server and against FakeWordPress.

Each test runs once per side -- ``real`` (tests/servers/wordpress.sh, WordPress 6.1) and
``fake`` (adapters.wordpress.fake, in-process) -- and asserts only what both must
answer alike, so the fake cannot drift from the platform it stands in for. The
real server's exact answers are in tests/servers/README.md ("Observed facts").
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from adapters.wordpress.fake import WORDPRESS_APP_PASSWORD, WORDPRESS_USER, FakeWordPress
from tests.realwp import RealWordPress

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


@dataclass
class Side:
    """One WordPress to talk to: clients rooted at ``/wp-json``."""

    name: str
    wp: httpx.Client
    anon: httpx.Client
    username: str
    password: str
    no_app_passwords: httpx.Client
    """Sends the right credentials to a site where Application Passwords are unavailable."""


def side_over_transport(name: str, transport: httpx.BaseTransport,
                        no_app_passwords: httpx.BaseTransport,
                        username: str, password: str) -> Iterator[Side]:
    """A side served in-process, e.g. a fake: ``transport`` answers requests whose path
    starts at ``/wp-json``; ``no_app_passwords`` is the same site with Application
    Passwords unavailable (non-local over http)."""
    base = "http://wordpress.invalid/wp-json"
    with (
        httpx.Client(base_url=base, transport=transport, auth=(username, password)) as wp,
        httpx.Client(base_url=base, transport=transport) as anon,
        httpx.Client(base_url=base, transport=no_app_passwords, auth=(username, password)) as off,
    ):
        yield Side(name, wp, anon, username, password, off)


def real_side(real: RealWordPress) -> Iterator[Side]:
    with (
        httpx.Client(base_url=real.api, auth=real.auth, timeout=30) as wp,
        httpx.Client(base_url=real.api, timeout=30) as anon,
        httpx.Client(base_url=real.api, auth=real.auth, timeout=30,
                     headers={"X-Syndicate-WP-Environment": "production"}) as off,
    ):
        yield Side("real", wp, anon, real.username, real.app_password, off)


def fake_side() -> Iterator[Side]:
    fake = FakeWordPress()
    ignoring = FakeWordPress(https_or_local=False)
    yield from side_over_transport(
        "fake",
        httpx.MockTransport(lambda request: fake.handle(request, request.url.path)),
        httpx.MockTransport(lambda request: ignoring.handle(request, request.url.path)),
        WORDPRESS_USER, WORDPRESS_APP_PASSWORD)


SIDES = [pytest.param("real", marks=pytest.mark.real_wordpress), "fake"]


@pytest.fixture(params=SIDES)
def side(request: pytest.FixtureRequest) -> Iterator[Side]:
    if request.param == "real":
        yield from real_side(request.getfixturevalue("real_wordpress"))
    else:
        yield from fake_side()


@pytest.fixture
def u() -> str:
    return uuid.uuid4().hex[:10]


def err(r: httpx.Response) -> tuple[int, str]:
    body: dict[str, Any] = r.json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    assert body["data"]["status"] == r.status_code
    return r.status_code, body["code"]


def new_tag(side: Side, name: str) -> int:
    r = side.wp.post("/wp/v2/tags", json={"name": name})
    assert r.status_code == 201
    tag_id: int = r.json()["id"]
    return tag_id


def test_create_post_with_everything(side: Side, u: str) -> None:
    tags = [new_tag(side, f"小米-{u}"), new_tag(side, f"phone-{u}")]
    cat = side.wp.post("/wp/v2/categories", json={"name": f"想法-{u}"})
    assert cat.status_code == 201
    body = {
        "title": f"小米手机 {u}",
        "content": "<p>你好，<code>a &lt; b</code></p>\n<pre><code>x = 1\n</code></pre>",
        "excerpt": "摘要",
        "status": "publish",
        "slug": f"xiaomi-{u}",
        "tags": tags,
        "categories": [cat.json()["id"]],
    }
    r = side.wp.post("/wp/v2/posts", json=body)
    assert r.status_code == 201
    post = r.json()
    assert r.headers["location"].endswith(f"/wp/v2/posts/{post['id']}")
    assert post["title"]["raw"] == body["title"]
    assert post["content"]["raw"] == body["content"]
    assert post["excerpt"]["raw"] == body["excerpt"]
    assert (post["status"], post["slug"]) == ("publish", f"xiaomi-{u}")
    assert sorted(post["tags"]) == sorted(tags)
    assert post["categories"] == [cat.json()["id"]]
    assert post["link"].endswith(f"/xiaomi-{u}/")


def test_draft_without_slug(side: Side, u: str) -> None:
    post = side.wp.post("/wp/v2/posts", json={"title": f"No slug {u}"}).json()
    assert (post["status"], post["slug"]) == ("draft", "")


def test_same_slug_gets_suffix(side: Side, u: str) -> None:
    slugs = [side.wp.post("/wp/v2/posts", json={"title": "t", "slug": f"s-{u}", "status": s}
                          ).json()["slug"] for s in ("draft", "draft", "publish")]
    assert slugs == [f"s-{u}", f"s-{u}-2", f"s-{u}-3"]


def test_find_by_slug_with_status_any(side: Side, u: str) -> None:
    created = side.wp.post("/wp/v2/posts", json={"title": "f", "slug": f"f-{u}"}).json()
    assert side.wp.get("/wp/v2/posts", params={"slug": f"f-{u}"}).json() == []
    r = side.wp.get("/wp/v2/posts", params={"slug": f"f-{u}", "status": "any", "context": "edit"})
    assert r.status_code == 200
    assert [(p["id"], p["status"]) for p in r.json()] == [(created["id"], "draft")]
    assert r.headers["x-wp-total"] == "1"
    none = side.wp.get("/wp/v2/posts", params={"slug": f"nothing-{u}", "status": "any"})
    assert (none.status_code, none.json(), none.headers["x-wp-total"]) == (200, [], "0")


def test_update_is_partial(side: Side, u: str) -> None:
    post = side.wp.post("/wp/v2/posts", json={"title": "old", "content": "<p>body</p>",
                                              "excerpt": "e", "slug": f"up-{u}"}).json()
    r = side.wp.post(f"/wp/v2/posts/{post['id']}", json={"title": "新", "status": "publish"})
    assert r.status_code == 200
    updated = r.json()
    assert updated["id"] == post["id"]
    assert (updated["title"]["raw"], updated["status"]) == ("新", "publish")
    assert (updated["content"]["raw"], updated["excerpt"]["raw"]) == ("<p>body</p>", "e")
    assert updated["slug"] == f"up-{u}"


def test_tags_replace_on_update(side: Side, u: str) -> None:
    a, b = new_tag(side, f"a-{u}"), new_tag(side, f"b-{u}")
    post = side.wp.post("/wp/v2/posts", json={"title": "t", "tags": [a]}).json()
    assert side.wp.post(f"/wp/v2/posts/{post['id']}", json={"tags": [b]}).json()["tags"] == [b]


def test_unknown_term_ids_dropped(side: Side, u: str) -> None:
    tag = new_tag(side, f"k-{u}")
    r = side.wp.post("/wp/v2/posts", json={"title": "t", "tags": [tag, 987654321]})
    assert (r.status_code, r.json()["tags"]) == (201, [tag])
    r = side.wp.post("/wp/v2/posts", json={"title": "t", "tags": ["not-an-id"]})
    assert err(r) == (400, "rest_invalid_param")


def test_duplicate_tag_gives_term_id(side: Side, u: str) -> None:
    first = new_tag(side, f"dup-{u}")
    r = side.wp.post("/wp/v2/tags", json={"name": f"dup-{u}"})
    assert err(r) == (400, "term_exists")
    assert r.json()["data"]["term_id"] == first
    found = side.wp.get("/wp/v2/tags", params={"slug": f"dup-{u}"}).json()
    assert [t["id"] for t in found] == [first]


def test_featured_image(side: Side, u: str) -> None:
    r = side.wp.post("/wp/v2/media", content=PNG, headers={
        "Content-Type": "image/png", "Content-Disposition": f'attachment; filename="c-{u}.png"'})
    assert r.status_code == 201
    media = r.json()
    assert r.headers["location"].endswith(f"/wp/v2/media/{media['id']}")
    assert (media["mime_type"], media["media_type"]) == ("image/png", "image")
    assert media["source_url"].endswith(f"/c-{u}.png")
    post = side.wp.post("/wp/v2/posts", json={"title": "t", "featured_media": media["id"]})
    assert (post.status_code, post.json()["featured_media"]) == (201, media["id"])


def test_media_errors(side: Side) -> None:
    cd = {"Content-Disposition": 'attachment; filename="a.png"'}
    assert err(side.wp.post("/wp/v2/media", content=PNG, headers={"Content-Type": "image/png"})
               ) == (400, "rest_upload_no_content_disposition")
    assert err(side.wp.post("/wp/v2/media", content=PNG, headers=cd)) == (
        400, "rest_upload_no_content_type")


def test_wrong_password_is_401(side: Side) -> None:
    r = side.anon.get("/wp/v2/users/me", auth=(side.username, "A" * 24))
    assert err(r)[0] == 401
    r = side.anon.post("/wp/v2/posts", json={"title": "x"}, auth=(side.username, "A" * 24))
    assert err(r)[0] == 401


def test_right_password_with_spaces(side: Side) -> None:
    spaced = " ".join(side.password[i:i + 4] for i in range(0, len(side.password), 4))
    assert side.anon.get("/wp/v2/users/me", auth=(side.username, spaced)).status_code == 200


def test_credentials_ignored_without_application_passwords(side: Side) -> None:
    r = side.no_app_passwords.post("/wp/v2/posts", json={"title": "never"})
    assert err(r) == (401, "rest_cannot_create")


def test_anonymous_create_is_401(side: Side) -> None:
    assert err(side.anon.post("/wp/v2/posts", json={"title": "x"})) == (401, "rest_cannot_create")


def test_error_shapes(side: Side) -> None:
    assert err(side.wp.post("/wp/v2/posts", json={"title": "x", "status": "bogus"})) == (
        400, "rest_invalid_param")
    assert err(side.wp.post("/wp/v2/posts", json={"title": "", "content": ""})) == (
        400, "empty_content")
    assert err(side.wp.get("/wp/v2/posts/987654321")) == (404, "rest_post_invalid_id")
    assert err(side.wp.post("/wp/v2/posts/987654321", json={"title": "x"})) == (
        404, "rest_post_invalid_id")
    assert err(side.wp.get("/wp/v2/per-chance")) == (404, "rest_no_route")


def test_trash_and_force_delete(side: Side, u: str) -> None:
    post = side.wp.post("/wp/v2/posts", json={"title": "t", "slug": f"bin-{u}"}).json()
    r = side.wp.delete(f"/wp/v2/posts/{post['id']}")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["slug"]) == ("trash", f"bin-{u}__trashed")
    assert err(side.wp.delete(f"/wp/v2/posts/{post['id']}")) == (410, "rest_already_trashed")
    r = side.wp.delete(f"/wp/v2/posts/{post['id']}", params={"force": "true"})
    assert r.status_code == 200
    assert (r.json()["deleted"], r.json()["previous"]["id"]) == (True, post["id"])


# --- where FakeWordPress used to differ (tests/servers/README.md, the table) ---------------


def test_bad_credentials_give_the_endpoints_anonymous_error(side: Side) -> None:
    """WordPress 6.1 checks an application password lazily: a wrong one, or an unknown
    login, looks anonymous -- never ``incorrect_password``/``invalid_username``."""
    stranger = f"nobody-{uuid.uuid4().hex[:6]}"
    for login, password in ((side.username, "A" * 24), (stranger, "A" * 24)):
        me = side.anon.get("/wp/v2/users/me", auth=(login, password))
        assert err(me) == (401, "rest_not_logged_in")
        create = side.anon.post("/wp/v2/posts", json={"title": "x"}, auth=(login, password))
        assert err(create) == (401, "rest_cannot_create")


def test_decoded_chinese_slug_finds_the_encoded_one(side: Side, u: str) -> None:
    post = side.wp.post("/wp/v2/posts", json={"title": f"小米 {u}", "status": "publish"}).json()
    assert post["slug"] == f"%e5%b0%8f%e7%b1%b3-{u}"
    for asked in (f"小米-{u}", post["slug"], post["slug"].upper()):
        found = side.wp.get("/wp/v2/posts", params={"slug": asked, "status": "any"}).json()
        assert [p["id"] for p in found] == [post["id"]], asked
    tag = side.wp.post("/wp/v2/tags", json={"name": f"想法-{u}"}).json()
    assert tag["slug"] == f"%e6%83%b3%e6%b3%95-{u}"
    found = side.wp.get("/wp/v2/tags", params={"slug": f"想法-{u}"}).json()
    assert [t["id"] for t in found] == [tag["id"]]


def test_tag_names_are_cleaned_and_slugs_deduplicated(side: Side, u: str) -> None:
    tag = side.wp.post("/wp/v2/tags", json={"name": f"<b>A</b>  & B {u}"}).json()
    assert (tag["name"], tag["slug"]) == (f"A &amp; B {u}", f"a-b-{u}")
    other = side.wp.post("/wp/v2/tags", json={"name": f"other {u}", "slug": f"a-b-{u}"})
    assert (other.status_code, other.json()["slug"]) == (201, f"a-b-{u}-2")


def test_missing_featured_media_is_ignored(side: Side) -> None:
    r = side.wp.post("/wp/v2/posts", json={"title": "t", "featured_media": 987654321})
    assert (r.status_code, r.json()["featured_media"]) == (201, 0)
    r = side.wp.post(f"/wp/v2/posts/{r.json()['id']}", json={"featured_media": 987654321})
    assert (r.status_code, r.json()["featured_media"]) == (200, 0)
    r = side.wp.post("/wp/v2/posts", json={"title": "t", "featured_media": "abc"})
    assert err(r) == (400, "rest_invalid_param")


def test_links_of_draft_future_and_published_posts(side: Side, u: str) -> None:
    draft = side.wp.post("/wp/v2/posts", json={"title": "d", "slug": f"d-{u}"}).json()
    assert draft["link"].endswith(f"/?p={draft['id']}")
    future = side.wp.post("/wp/v2/posts", json={
        "title": "f", "slug": f"f-{u}", "status": "publish", "date_gmt": "2099-01-01T00:00:00"}
    ).json()
    assert (future["status"], future["date_gmt"]) == ("future", "2099-01-01T00:00:00")
    assert future["link"].endswith(f"/?p={future['id']}")
    past = side.wp.post("/wp/v2/posts", json={
        "title": "p", "slug": f"p-{u}", "status": "publish", "date_gmt": "2020-02-03T04:05:06"}
    ).json()
    assert (past["status"], past["date_gmt"]) == ("publish", "2020-02-03T04:05:06")
    assert past["link"].endswith(f"/p-{u}/")
    now = side.wp.post("/wp/v2/posts", json={"title": "n", "status": "future"}).json()
    assert now["status"] == "publish"


def test_unparseable_date_is_400(side: Side) -> None:
    for field in ("date", "date_gmt"):
        r = side.wp.post("/wp/v2/posts", json={"title": "t", field: "nope"})
        assert err(r) == (400, "rest_invalid_param")
        assert r.json()["data"]["params"] == {field: "Invalid date."}
        assert r.json()["data"]["details"][field]["code"] == "rest_invalid_date"


def test_form_encoded_body_and_lenient_term_ids(side: Side, u: str) -> None:
    tag = new_tag(side, f"form-{u}")
    r = side.wp.post("/wp/v2/posts", data={"title": f"form {u}", "tags": str(tag)})
    assert (r.status_code, r.json()["title"]["raw"], r.json()["tags"]) == (201, f"form {u}", [tag])
    for value in (str(tag), tag, f"{tag},987654321"):
        r = side.wp.post("/wp/v2/posts", json={"title": "t", "tags": value})
        assert (r.status_code, r.json()["tags"]) == (201, [tag])


def test_status_errors_name_the_parameter(side: Side) -> None:
    r = side.wp.post("/wp/v2/posts", json={"title": "x", "status": "bogus"})
    assert r.json()["data"]["params"] == {"status": "status is not one of publish, future, "
                                                    "draft, pending, and private."}
    assert r.json()["data"]["details"]["status"]["code"] == "rest_not_in_enum"
    r = side.anon.get("/wp/v2/posts", params={"status": "any"})
    assert err(r) == (400, "rest_invalid_param")
    assert r.json()["data"]["details"]["status"]["code"] == "rest_forbidden_status"


def test_malformed_json_says_why(side: Side) -> None:
    r = side.wp.post("/wp/v2/posts", content=b"{x", headers={"Content-Type": "application/json"})
    assert err(r) == (400, "rest_invalid_json")
    assert (r.json()["data"]["json_error_code"], r.json()["data"]["json_error_message"]) == (
        4, "Syntax error")


def test_upload_names_types_and_contents(side: Side, u: str) -> None:
    def upload(name: str, kind: str, content: bytes = PNG) -> httpx.Response:
        return side.wp.post("/wp/v2/media", content=content, headers={
            "Content-Type": kind, "Content-Disposition": f'attachment; filename="{name}"'})

    first, second = upload(f"same-{u}.png", "image/png"), upload(f"same-{u}.png", "image/png")
    assert first.json()["source_url"].endswith(f"/same-{u}.png")
    assert second.json()["source_url"].endswith(f"/same-{u}-1.png")
    assert (first.json()["slug"], second.json()["slug"]) == (f"same-{u}", f"same-{u}-1")
    assert second.json()["title"]["raw"] == f"same-{u}-1"
    assert err(upload("a.exe", "application/x-msdownload", b"MZ\0\0")) == (
        500, "rest_upload_sideload_error")
    assert err(upload(f"broken-{u}.png", "image/png", b"not a png")) == (
        500, "rest_upload_sideload_error")
    utf8 = side.wp.post("/wp/v2/media", content=PNG, headers={
        b"Content-Type": b"image/png",
        b"Content-Disposition": f'attachment; filename="封面-{u}.png"'.encode()})
    assert utf8.status_code == 201 and utf8.json()["source_url"].endswith(f"/封面-{u}.png")


def test_deleting_a_tag_needs_force(side: Side, u: str) -> None:
    tag = new_tag(side, f"del-{u}")
    assert err(side.wp.delete(f"/wp/v2/tags/{tag}")) == (501, "rest_trash_not_supported")
    r = side.wp.delete(f"/wp/v2/tags/{tag}", params={"force": "true"})
    assert (r.status_code, r.json()["deleted"], r.json()["previous"]["id"]) == (200, True, tag)
    assert err(side.wp.delete(f"/wp/v2/tags/{tag}")) == (404, "rest_term_invalid")


def test_options_describes_the_route(side: Side) -> None:
    r = side.wp.options("/wp/v2/posts")
    assert (r.status_code, r.json()["namespace"]) == (200, "wp/v2")
    assert set(r.json()["methods"]) >= {"GET", "POST"}


def test_a_comment_at_the_end_of_the_content_is_kept_raw_and_found_by_search(
        side: Side, u: str) -> None:
    mark = f"syndicate-mark:{u}"
    marked = side.wp.post("/wp/v2/posts", json={
        "title": "m", "content": f"<p>body</p>\n<!-- {mark} -->", "slug": f"m-{u}"}).json()
    side.wp.post("/wp/v2/posts", json={"title": "m", "content": "<p>body</p>", "slug": f"m-{u}"})
    assert marked["content"]["raw"].endswith(f"<!-- {mark} -->")
    r = side.wp.get("/wp/v2/posts", params={"search": mark, "status": "any", "context": "edit",
                                            "per_page": 100})
    assert r.status_code == 200
    assert [p["id"] for p in r.json()] == [marked["id"]]
    assert r.json()[0]["content"]["raw"].endswith(f"<!-- {mark} -->")


@dataclass
class AdapterSide:
    adapter: Any
    transport: httpx.AsyncBaseTransport | None


@pytest.fixture(params=SIDES)
def adapter_side(request: pytest.FixtureRequest) -> AdapterSide:
    from pydantic import SecretStr

    from adapters.wordpress import WordPressAdapter, WordPressSettings

    if request.param == "real":
        real = request.getfixturevalue("real_wordpress")
        return AdapterSide(WordPressAdapter(WordPressSettings(
            base_url=real.base_url, username=real.username,
            app_password=SecretStr(real.app_password))), None)
    fake = FakeWordPress()
    return AdapterSide(WordPressAdapter(WordPressSettings(
        base_url="http://wordpress.invalid", username=WORDPRESS_USER,
        app_password=SecretStr(WORDPRESS_APP_PASSWORD))),
        httpx.MockTransport(lambda request: fake.handle(request, request.url.path)))


def a_post(key: str, slug: str, title: str) -> Any:
    from datetime import UTC, datetime

    from syndicate.post import Post

    return Post(key=key, source_path=key, source_hash="h", title=title,
                date=datetime(2021, 1, 28, 12, 0, tzinfo=UTC),
                canonical_url=f"https://blog.example/{slug}/", html="<p>body</p>", summary="")


async def test_find_proves_identity_by_our_mark_never_by_the_slug_alone(
        adapter_side: AdapterSide, u: str) -> None:
    from syndicate.adapter import Attempt
    from syndicate.errors import Ambiguous
    from syndicate.http import build_client

    wp = adapter_side.adapter
    first = wp.render(a_post(f"_posts/2020-01-01-hello-{u}.md", f"hello-{u}", "A"))
    twin = wp.render(a_post(f"_posts/b/2021-01-01-hello-{u}.md", f"hello-{u}", "B"))
    assert first.data["slug"] == twin.data["slug"]
    async with build_client(transport=adapter_side.transport) as client:
        a = await wp.create(client, first, Attempt("a"))
        assert await wp.find(client, twin) is None, "A's copy is never taken for B"
        b = await wp.create(client, twin, Attempt("b"))
        assert b.extra["slug"] == f"hello-{u}-2"
        found_b, found_a = await wp.find(client, twin), await wp.find(client, first)
        assert found_b is not None and found_b.id == b.id
        assert found_a is not None and found_a.id == a.id
        # a post with the slug but no mark at all (made by hand, or before marks): unprovable
        by_hand = wp.render(a_post(f"_posts/2022-01-01-manual-{u}.md", f"manual-{u}", "C"))
        response = await client.post(wp.api("posts"), headers=wp.headers(), json={
            "title": "C", "content": "<p>by hand</p>", "slug": f"manual-{u}", "status": "publish"})
        assert response.status_code == 201
        with pytest.raises(Ambiguous, match="no mark"):
            await wp.find(client, by_hand)
