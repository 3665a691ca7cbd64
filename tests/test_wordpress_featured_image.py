"""Featured images: a cover that is a file of the site is uploaded once and featured.

The adapter runs against both the real WordPress (tests/servers/wordpress.sh) and
FakeWordPress in-process, and every request it sends is counted, so "never uploads twice"
is checked on the wire, not inferred.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from adapters.wordpress import WordPressAdapter, WordPressSettings
from adapters.wordpress.fake import WORDPRESS_APP_PASSWORD, WORDPRESS_USER, FakeWordPress
from syndicate.adapter import Attempt
from syndicate.post import Post
from syndicate.sources import open_site

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)
EXAMPLE_BLOG = Path(__file__).parent.parent / "examples" / "blog"


@dataclass
class Target:
    """A WordPress the adapter talks to, and a log of every request it was sent."""

    adapter: WordPressAdapter
    client: httpx.AsyncClient
    sent: list[tuple[str, str]] = field(default_factory=list)

    def uploads(self) -> int:
        return sum(1 for method, path in self.sent if method == "POST" and path.endswith("/media"))

    async def get(self, route: str) -> Any:
        r = await self.client.get(self.adapter.api(route), params={"context": "edit"},
                                  headers=self.adapter.headers())
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(params=[pytest.param("real", marks=pytest.mark.real_wordpress), "fake"])
async def target(request: pytest.FixtureRequest) -> AsyncIterator[Target]:
    sent: list[tuple[str, str]] = []

    async def log(r: httpx.Request) -> None:
        sent.append((r.method, r.url.path))

    hooks: Mapping[str, Any] = {"request": [log]}
    if request.param == "real":
        real = request.getfixturevalue("real_wordpress")
        settings = WordPressSettings(base_url=real.base_url, username=real.username,
                                     app_password=SecretStr(real.app_password))
        client = httpx.AsyncClient(timeout=30, event_hooks=hooks)
    else:
        fake = FakeWordPress(site="http://wordpress.invalid")
        settings = WordPressSettings(base_url="http://wordpress.invalid", username=WORDPRESS_USER,
                                     app_password=SecretStr(WORDPRESS_APP_PASSWORD))
        client = httpx.AsyncClient(transport=httpx.MockTransport(
            lambda r: fake.handle(r, r.url.path)), event_hooks=hooks)
    async with client:
        yield Target(WordPressAdapter(settings), client, sent)


def a_post(tail: str, cover_file: str | None, **changes: Any) -> Post:
    post = Post(
        key=f"k-{tail}", source_path="p.md", source_hash="h", title="封面 test",
        date=datetime(2021, 1, 28, 12, 0, tzinfo=UTC),
        canonical_url=f"https://blog.example/2021/01/28/{tail}/", html="<p>body</p>",
        cover_image=f"https://blog.example/{Path(cover_file).name}" if cover_file else None,
        cover_file=cover_file)
    return dataclasses.replace(post, **changes) if changes else post


def png_file(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    return str(path)


@pytest.fixture
def u() -> str:
    return uuid.uuid4().hex[:8]


async def test_create_uploads_the_cover_and_features_it(
    target: Target, tmp_path: Path, u: str
) -> None:
    cover = png_file(tmp_path, f"封面-{u}.png")
    recorded: list[Mapping[str, Any]] = []
    payload = target.adapter.render(a_post(f"c-{u}", cover))
    ref = await target.adapter.create(target.client, payload, Attempt("a", {}, recorded.append))
    post = await target.get(f"posts/{ref.id}")
    assert post["featured_media"] != 0
    url = f"https://blog.example/{Path(cover).name}"
    assert recorded == [{"media_id": post["featured_media"], "cover": url}]
    media = await target.get(f"media/{post['featured_media']}")
    assert media["source_url"].endswith(f"/封面-{u}.png")
    assert media["mime_type"] == "image/png"
    assert target.uploads() == 1
    assert (ref.extra["media_id"], ref.extra["cover"]) == (post["featured_media"], url)


async def test_a_retried_create_reuses_the_recorded_upload(
    target: Target, tmp_path: Path, u: str
) -> None:
    cover = png_file(tmp_path, f"retry-{u}.png")
    payload = target.adapter.render(a_post(f"r-{u}", cover))
    recorded: list[Mapping[str, Any]] = []
    media_id = await target.adapter.featured_media(
        target.client, payload, Attempt("a", {}, recorded.append), {})
    # the try died here, after recording; the retry resumes from what was recorded
    ref = await target.adapter.create(target.client, payload, Attempt("a", recorded[0]))
    assert (await target.get(f"posts/{ref.id}"))["featured_media"] == media_id
    assert target.uploads() == 1


async def test_update_reuses_the_same_cover_and_uploads_a_new_one(
    target: Target, tmp_path: Path, u: str
) -> None:
    first = png_file(tmp_path, f"one-{u}.png")
    ref = await target.adapter.create(
        target.client, target.adapter.render(a_post(f"u-{u}", first)), Attempt("a"))
    same = await target.adapter.update(
        target.client, target.adapter.render(a_post(f"u-{u}", first, title="new title")), ref,
        Attempt("b"))
    assert target.uploads() == 1 and same.extra["media_id"] == ref.extra["media_id"]
    second = png_file(tmp_path, f"two-{u}.png")
    changed = await target.adapter.update(
        target.client, target.adapter.render(a_post(f"u-{u}", second)), same, Attempt("c"))
    post = await target.get(f"posts/{ref.id}")
    assert target.uploads() == 2
    assert post["featured_media"] == changed.extra["media_id"] != ref.extra["media_id"]
    media = await target.get(f"media/{post['featured_media']}")
    assert media["source_url"].endswith(f"/two-{u}.png")


async def test_no_cover_file_means_no_upload(target: Target, u: str) -> None:
    remote = a_post(f"n-{u}", None, cover_image="https://cdn.example/remote.png")
    ref = await target.adapter.create(target.client, target.adapter.render(remote), Attempt("a"))
    assert (await target.get(f"posts/{ref.id}"))["featured_media"] == 0
    assert target.uploads() == 0
    assert all("cdn.example" not in path for _, path in target.sent)


def settings(**values: Any) -> WordPressSettings:
    return WordPressSettings(base_url="https://wp.example", username="me",
                             app_password=SecretStr("secret-password-value"), **values)


def test_preview_shows_the_upload_with_a_placeholder_id(tmp_path: Path) -> None:
    cover = png_file(tmp_path, "cover.png")
    wp = WordPressAdapter(settings())
    specs = wp.requests(wp.render(a_post("p", cover)))
    upload = next(s for s in specs if s.url.endswith("/wp/v2/media"))
    assert upload.method == "POST"
    assert upload.headers["Content-Type"] == "image/png"
    assert upload.headers["Content-Disposition"] == 'attachment; filename="cover.png"'
    assert upload.body == "<bytes of the site's image https://blog.example/cover.png>"
    create = next(s for s in specs if s.url.endswith("/wp/v2/posts"))
    assert create.body["featured_media"] == "<id of the uploaded cover>"
    assert "cover" not in create.body
    assert specs.index(upload) < specs.index(create)
    assert "secret-password-value" not in repr(specs)


def test_the_digest_follows_the_cover_and_the_setting(tmp_path: Path) -> None:
    one, two = png_file(tmp_path, "one.png"), png_file(tmp_path, "two.png")
    wp = WordPressAdapter(settings())
    digests = {wp.render(a_post("d", c)).digest for c in (one, two, None)}
    assert len(digests) == 3
    off = WordPressAdapter(settings(featured_image=False))
    assert "cover" not in off.render(a_post("d", one)).data
    assert not any(s.url.endswith("/media") for s in off.requests(off.render(a_post("d", one))))


def test_where_the_site_is_checked_out_does_not_change_the_digest(tmp_path: Path) -> None:
    """A local run and a CI run see the same cover at different absolute paths."""
    here, there = png_file(tmp_path / "a", "cover.png"), png_file(tmp_path / "b", "cover.png")
    wp = WordPressAdapter(settings())
    first, second = wp.render(a_post("d", here)), wp.render(a_post("d", there))
    assert first.digest == second.digest
    assert first.files["cover"] != second.files["cover"]


async def test_an_unreadable_cover_is_rejected_before_the_post(tmp_path: Path) -> None:
    from syndicate.errors import Rejected

    fake = FakeWordPress(site="http://wordpress.invalid")
    wp = WordPressAdapter(WordPressSettings(
        base_url="http://wordpress.invalid", username=WORDPRESS_USER,
        app_password=SecretStr(WORDPRESS_APP_PASSWORD)))
    async with httpx.AsyncClient(transport=httpx.MockTransport(
            lambda r: fake.handle(r, r.url.path))) as client:
        with pytest.raises(Rejected, match="cannot read the cover image"):
            await wp.create(client, wp.render(a_post("x", str(tmp_path / "gone.png"))),
                            Attempt("a"))
    assert fake.posts == {}


# --- the source side: which covers are local files ----------------------------------------


def test_example_blog_covers_resolve_to_its_own_files() -> None:
    posts = {p.key: p for p in open_site(EXAMPLE_BLOG).read_all()[0]}
    notes = posts["_posts/tech/2024-03-10-python-and-shell-notes.md"]
    assert notes.cover_file == str((EXAMPLE_BLOG / "assets/img/terminal.png").resolve())
    seed = posts["_posts/想法/2021-01-28-xiaomi.md"]
    assert seed.cover_image is not None and seed.cover_file is None  # a CDN URL: never fetched


@pytest.mark.parametrize("url", [
    "https://dbarobin.com/assets/img/../../../../etc/passwd",
    "https://dbarobin.com/assets/img/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
    "https://dbarobin.com/_config.yml",
    "https://dbarobin.com/assets/img/missing.png",
    "https://elsewhere.example/assets/img/terminal.png",
    "https://dbarobin.com.evil.example/assets/img/terminal.png",
    "https://dbarobin.com/assets/img/%00terminal.png",
])
def test_cover_urls_outside_the_site_or_not_images_give_no_file(url: str) -> None:
    assert open_site(EXAMPLE_BLOG).local_file(url) is None


def test_a_symlink_out_of_the_site_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    site_root = tmp_path / "blog"
    (site_root / "assets").mkdir(parents=True)
    (site_root / "_config.yml").write_text('url: "https://b.example"\nbaseurl: "/sub"\n')
    os.symlink(outside, site_root / "assets" / "link.png")
    (site_root / "assets" / "real.png").write_bytes(PNG)
    site = open_site(site_root)
    assert site.local_file("https://b.example/sub/assets/link.png") is None
    assert site.local_file("https://b.example/assets/real.png") is None  # not under baseurl
    assert site.local_file("https://b.example/sub/assets/real.png?v=2") == str(
        (site_root / "assets" / "real.png").resolve())


def test_hugo_serves_covers_from_its_static_folders(tmp_path: Path) -> None:
    site_root = tmp_path / "hugo"
    (site_root / "content" / "posts").mkdir(parents=True)
    (site_root / "assets-static" / "img").mkdir(parents=True)
    (site_root / "assets-static" / "img" / "cover.png").write_bytes(PNG)
    (site_root / "hugo.toml").write_text(
        'baseURL = "https://h.example/"\nstaticDir = ["static", "assets-static"]\n', encoding="utf-8")
    (site_root / "content" / "posts" / "a.md").write_text(
        '+++\ntitle = "A"\ndate = 2024-01-02\ncover = "/img/cover.png"\n+++\nBody.\n', encoding="utf-8")
    site = open_site(site_root)
    post = site.read(site.discover()[0])
    assert post.cover_image == "https://h.example/img/cover.png"
    assert post.cover_file == str((site_root / "assets-static" / "img" / "cover.png").resolve())
    (site_root / "stray.png").write_bytes(PNG)
    assert site.local_file("https://h.example/stray.png") is None  # Hugo does not serve its root
