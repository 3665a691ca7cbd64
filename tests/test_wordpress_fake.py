"""FakeWordPress rules the contract suite leaves implicit: slug forms and de-duplication."""

from __future__ import annotations

import httpx

from adapters.wordpress.fake import FakeWordPress, sanitize_title

AUTH = ("sandbox", "sand boxs ecre tpas swor d123")


def client(fake: FakeWordPress) -> httpx.Client:
    transport = httpx.MockTransport(lambda r: fake.handle(r, r.url.path))
    return httpx.Client(transport=transport, base_url="http://wp.test", auth=AUTH)


def test_chinese_slug_is_percent_encoded_lowercase_hex() -> None:
    assert sanitize_title("小米") == "%e5%b0%8f%e7%b1%b3"


def test_second_create_with_same_slug_gets_suffix_so_blind_retry_duplicates() -> None:
    with client(FakeWordPress()) as c:
        body = {"title": "t", "content": "c", "slug": "xiaomi", "status": "publish"}
        first = c.post("/wp-json/wp/v2/posts", json=body)
        second = c.post("/wp-json/wp/v2/posts", json=body)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["slug"] == "xiaomi"
    assert second.json()["slug"] == "xiaomi-2"


def test_ignored_credentials_look_anonymous() -> None:
    with client(FakeWordPress(https_or_local=False)) as c:
        r = c.post("/wp-json/wp/v2/posts", json={"title": "t", "content": "c"})
    assert r.status_code == 401
    assert r.json()["code"] == "rest_cannot_create"


def test_eager_auth_errors_name_the_wrong_part() -> None:
    """The switch for sites where a plugin resolves the user early (the platform notes'
    codes); by default a bad password looks anonymous, as on WordPress 6.1 itself."""
    with client(FakeWordPress(eager_auth_errors=True)) as c:
        wrong = c.get("/wp-json/wp/v2/users/me", auth=("sandbox", "x" * 24))
        stranger = c.get("/wp-json/wp/v2/users/me", auth=("nobody", "x" * 24))
    assert (wrong.status_code, wrong.json()["code"]) == (401, "incorrect_password")
    assert (stranger.status_code, stranger.json()["code"]) == (401, "invalid_username")
    with client(FakeWordPress()) as c:
        default = c.get("/wp-json/wp/v2/users/me", auth=("sandbox", "x" * 24))
    assert (default.status_code, default.json()["code"]) == (401, "rest_not_logged_in")
