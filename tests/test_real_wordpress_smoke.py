"""What a real WordPress (6.1, Debian) answers to the calls the adapter makes.

These pin the facts the fake and the adapter are written against (see
tests/servers/README.md, "Observed facts"); each test uses fresh names, so runs against a
long-lived server do not interfere with each other.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.realwp import RealWordPress

pytestmark = pytest.mark.real_wordpress

# A valid 1x1 PNG: the smallest upload WordPress accepts as an image.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


@pytest.fixture
def wp(real_wordpress: RealWordPress) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real_wordpress.api, auth=real_wordpress.auth, timeout=30) as c:
        yield c


@pytest.fixture
def anon(real_wordpress: RealWordPress) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real_wordpress.api, timeout=30) as c:
        yield c


@pytest.fixture
def tag_suffix() -> str:
    return uuid.uuid4().hex[:10]


def error(response: httpx.Response) -> tuple[int, str, int]:
    """(HTTP status, code, data.status) of a WordPress error body."""
    body: dict[str, Any] = response.json()
    assert set(body) >= {"code", "message", "data"}
    return response.status_code, body["code"], body["data"]["status"]


def test_users_me_with_application_password(
    wp: httpx.Client, real_wordpress: RealWordPress
) -> None:
    r = wp.get("/wp/v2/users/me")
    assert r.status_code == 200
    assert r.json()["slug"] == real_wordpress.username


def test_password_spaces_are_ignored(anon: httpx.Client, real_wordpress: RealWordPress) -> None:
    pw = real_wordpress.app_password
    chunked = " ".join(pw[i : i + 4] for i in range(0, len(pw), 4))
    r = anon.get("/wp/v2/users/me", auth=(real_wordpress.username, chunked))
    assert r.status_code == 200


def test_wrong_password_is_401_as_anonymous(
    anon: httpx.Client, real_wordpress: RealWordPress
) -> None:
    # WordPress 6.1 checks the password lazily, after its own auth-error filter ran, so the
    # caller sees the endpoint's anonymous error rather than `incorrect_password`.
    r = anon.get("/wp/v2/users/me", auth=(real_wordpress.username, "A" * 24))
    assert error(r) == (401, "rest_not_logged_in", 401)
    r = anon.post("/wp/v2/posts", json={"title": "x"}, auth=(real_wordpress.username, "wrong"))
    assert error(r) == (401, "rest_cannot_create", 401)


def test_unknown_user_is_401(anon: httpx.Client, real_wordpress: RealWordPress) -> None:
    r = anon.get("/wp/v2/users/me", auth=("nobody-here", real_wordpress.app_password))
    assert error(r) == (401, "rest_not_logged_in", 401)


def test_credentials_ignored_when_application_passwords_unavailable(
    anon: httpx.Client, real_wordpress: RealWordPress
) -> None:
    # The header makes this request run with WP_ENVIRONMENT_TYPE=production over plain
    # http: core then ignores Basic credentials entirely and the create is anonymous.
    r = anon.post(
        "/wp/v2/posts",
        json={"title": "never created"},
        auth=real_wordpress.auth,
        headers={"X-Syndicate-WP-Environment": "production"},
    )
    assert error(r) == (401, "rest_cannot_create", 401)
    assert r.json()["message"] == "Sorry, you are not allowed to create posts as this user."


def test_post_with_chinese_title_and_new_tags(wp: httpx.Client, tag_suffix: str) -> None:
    tag_ids = []
    for name in (f"小米-{tag_suffix}", f"phone-{tag_suffix}"):
        r = wp.post("/wp/v2/tags", json={"name": name})
        assert r.status_code == 201
        assert r.headers["location"].endswith(f"/wp/v2/tags/{r.json()['id']}")
        tag_ids.append(r.json()["id"])
    r = wp.post(
        "/wp/v2/posts",
        json={
            "title": f"小米手机 {tag_suffix}",
            "content": "<p>你好，<code>print(1)</code></p>",
            "excerpt": "摘要",
            "status": "draft",
            "slug": f"xiaomi-{tag_suffix}",
            "tags": tag_ids,
        },
    )
    assert r.status_code == 201
    post = r.json()
    assert r.headers["location"].endswith(f"/wp/v2/posts/{post['id']}")
    assert post["title"]["raw"] == f"小米手机 {tag_suffix}"
    assert post["content"]["raw"] == "<p>你好，<code>print(1)</code></p>"
    assert post["excerpt"]["raw"] == "摘要"
    assert post["status"] == "draft"
    assert post["slug"] == f"xiaomi-{tag_suffix}"
    assert sorted(post["tags"]) == sorted(tag_ids)


def test_chinese_tag_slug_is_percent_encoded(wp: httpx.Client, tag_suffix: str) -> None:
    r = wp.post("/wp/v2/tags", json={"name": f"想法-{tag_suffix}"})
    assert r.json()["slug"] == f"%e6%83%b3%e6%b3%95-{tag_suffix}"
    found = wp.get("/wp/v2/tags", params={"slug": f"想法-{tag_suffix}"}).json()
    assert [t["id"] for t in found] == [r.json()["id"]]


def test_duplicate_tag_reports_existing_term_id(wp: httpx.Client, tag_suffix: str) -> None:
    first = wp.post("/wp/v2/tags", json={"name": f"dup-{tag_suffix}"}).json()
    r = wp.post("/wp/v2/tags", json={"name": f"dup-{tag_suffix}"})
    assert error(r) == (400, "term_exists", 400)
    body = r.json()
    assert body["message"] == "A term with the name provided already exists in this taxonomy."
    assert body["data"]["term_id"] == first["id"]


def test_unknown_term_ids_are_dropped(wp: httpx.Client, tag_suffix: str) -> None:
    tag = wp.post("/wp/v2/tags", json={"name": f"kept-{tag_suffix}"}).json()
    r = wp.post("/wp/v2/posts", json={"title": "t", "tags": [tag["id"], 987654321]})
    assert r.status_code == 201
    assert r.json()["tags"] == [tag["id"]]


def test_same_slug_twice_gets_suffix(wp: httpx.Client, tag_suffix: str) -> None:
    slug = f"twice-{tag_suffix}"
    first = wp.post("/wp/v2/posts", json={"title": "a", "slug": slug, "status": "draft"})
    second = wp.post("/wp/v2/posts", json={"title": "a", "slug": slug, "status": "draft"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["slug"] == slug
    assert second.json()["slug"] == f"{slug}-2"


def test_draft_without_slug_has_empty_slug(wp: httpx.Client, tag_suffix: str) -> None:
    post = wp.post("/wp/v2/posts", json={"title": f"No slug {tag_suffix}"}).json()
    assert post["status"] == "draft"
    assert post["slug"] == ""
    assert post["generated_slug"] == f"no-slug-{tag_suffix}"


def test_find_draft_by_slug_needs_status_any(
    wp: httpx.Client, anon: httpx.Client, tag_suffix: str
) -> None:
    slug = f"find-me-{tag_suffix}"
    created = wp.post("/wp/v2/posts", json={"title": "f", "slug": slug, "status": "draft"}).json()
    assert wp.get("/wp/v2/posts", params={"slug": slug}).json() == []
    r = wp.get("/wp/v2/posts", params={"slug": slug, "status": "any", "context": "edit"})
    assert [(p["id"], p["status"]) for p in r.json()] == [(created["id"], "draft")]
    assert r.headers["x-wp-total"] == "1"
    r = anon.get("/wp/v2/posts", params={"slug": slug, "status": "any"})
    assert error(r) == (400, "rest_invalid_param", 400)
    assert r.json()["data"]["details"]["status"]["code"] == "rest_forbidden_status"


def test_update_is_partial(wp: httpx.Client, tag_suffix: str) -> None:
    post = wp.post(
        "/wp/v2/posts", json={"title": "old", "content": "<p>body</p>", "slug": f"u-{tag_suffix}"}
    ).json()
    r = wp.post(f"/wp/v2/posts/{post['id']}", json={"title": "新"})
    assert r.status_code == 200
    assert r.json()["title"]["raw"] == "新"
    assert r.json()["content"]["raw"] == "<p>body</p>"


def test_media_upload_and_featured_image(wp: httpx.Client, tag_suffix: str) -> None:
    r = wp.post(
        "/wp/v2/media",
        content=PNG,
        headers={
            "Content-Type": "image/png",
            "Content-Disposition": f'attachment; filename="cover-{tag_suffix}.png"',
        },
    )
    assert r.status_code == 201
    media = r.json()
    assert media["mime_type"] == "image/png"
    assert media["media_type"] == "image"
    assert media["source_url"].endswith(f"/cover-{tag_suffix}.png")
    post = wp.post("/wp/v2/posts", json={"title": "with cover"}).json()
    r = wp.post(f"/wp/v2/posts/{post['id']}", json={"featured_media": media["id"]})
    assert r.status_code == 200
    assert r.json()["featured_media"] == media["id"]


def test_media_upload_errors(wp: httpx.Client) -> None:
    disposition = {"Content-Disposition": 'attachment; filename="a.png"'}
    assert error(wp.post("/wp/v2/media", content=PNG, headers={"Content-Type": "image/png"})) == (
        400, "rest_upload_no_content_disposition", 400)
    assert error(wp.post("/wp/v2/media", content=PNG, headers=disposition)) == (
        400, "rest_upload_no_content_type", 400)
    assert error(wp.post("/wp/v2/media", content=b"", headers={
        "Content-Type": "image/png", **disposition})) == (400, "rest_upload_no_data", 400)
    assert error(wp.post("/wp/v2/media", content=PNG, headers={
        "Content-Type": "image/png", "Content-Disposition": "attachment"})) == (
        400, "rest_upload_invalid_disposition", 400)


def test_error_shapes(wp: httpx.Client) -> None:
    r = wp.post("/wp/v2/posts", json={"title": "x", "status": "bogus"})
    assert error(r) == (400, "rest_invalid_param", 400)
    assert r.json()["data"]["details"]["status"]["code"] == "rest_not_in_enum"
    r = wp.post("/wp/v2/posts", json={"title": "x", "tags": ["abc"]})
    assert error(r) == (400, "rest_invalid_param", 400)
    assert error(wp.post("/wp/v2/posts", json={"title": ""})) == (400, "empty_content", 400)
    assert error(wp.get("/wp/v2/posts/987654321")) == (404, "rest_post_invalid_id", 404)
    assert error(wp.get("/wp/v2/nothing-here")) == (404, "rest_no_route", 404)
    json_type = {"Content-Type": "application/json"}
    bad_json = wp.post("/wp/v2/posts", content=b"{bad", headers=json_type)
    assert error(bad_json) == (400, "rest_invalid_json", 400)


def test_trash_then_force_delete(wp: httpx.Client, tag_suffix: str) -> None:
    post = wp.post("/wp/v2/posts", json={"title": "t", "slug": f"bin-{tag_suffix}"}).json()
    r = wp.delete(f"/wp/v2/posts/{post['id']}")
    assert (r.status_code, r.json()["status"]) == (200, "trash")
    assert r.json()["slug"] == f"bin-{tag_suffix}__trashed"
    assert error(wp.delete(f"/wp/v2/posts/{post['id']}")) == (410, "rest_already_trashed", 410)
    r = wp.delete(f"/wp/v2/posts/{post['id']}", params={"force": "true"})
    assert r.status_code == 200
    assert r.json()["deleted"] is True
    assert r.json()["previous"]["id"] == post["id"]


def test_non_ascii_post_slug_is_percent_encoded(wp: httpx.Client, tag_suffix: str) -> None:
    post = wp.post("/wp/v2/posts", json={"title": f"小米 {tag_suffix}", "status": "publish"}).json()
    assert post["slug"] == f"%e5%b0%8f%e7%b1%b3-{tag_suffix}"
    assert post["link"].endswith(f"/%e5%b0%8f%e7%b1%b3-{tag_suffix}/")
    found = wp.get("/wp/v2/posts", params={"slug": f"小米-{tag_suffix}", "status": "any"}).json()
    assert [p["id"] for p in found] == [post["id"]]


def test_tag_names_compare_case_insensitively(wp: httpx.Client, tag_suffix: str) -> None:
    first = wp.post("/wp/v2/tags", json={"name": f"Case-{tag_suffix}"}).json()
    r = wp.post("/wp/v2/tags", json={"name": f"case-{tag_suffix}"})
    assert error(r) == (400, "term_exists", 400)
    assert r.json()["data"]["term_id"] == first["id"]


def test_unknown_ids_only_leave_categories_empty(wp: httpx.Client) -> None:
    r = wp.post("/wp/v2/posts", json={"title": "c", "categories": [987654321]})
    assert r.status_code == 201
    assert r.json()["categories"] == []
    assert wp.post("/wp/v2/posts", json={"title": "d"}).json()["categories"] == [1]


def test_missing_featured_media_is_ignored(wp: httpx.Client) -> None:
    r = wp.post("/wp/v2/posts", json={"title": "f", "featured_media": 987654321})
    assert r.status_code == 201
    assert r.json()["featured_media"] == 0


def test_utf8_file_name_upload(wp: httpx.Client, tag_suffix: str) -> None:
    disposition = f'attachment; filename="封面-{tag_suffix}.png"'.encode()
    r = wp.post("/wp/v2/media", content=PNG,
                headers={b"Content-Type": b"image/png", b"Content-Disposition": disposition})
    assert r.status_code == 201
    assert r.json()["source_url"].endswith(f"/封面-{tag_suffix}.png")
