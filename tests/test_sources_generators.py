"""Where each generator really publishes a post, and which posts it publishes at all.

A canonical URL that differs from the generator's is a dead link on every platform, and a
post the generator never builds (excluded folder, future publishDate) must not go out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicate.errors import ConfigError
from syndicate.sources import open_site
from tests.sitefiles import write


def by_path(root: Path) -> dict[str, object]:
    posts, errors = open_site(root).read_all()
    assert not errors, errors
    return {p.source_path: p for p in posts}


def page(title: str, extra: str = "") -> str:
    return f'+++\ntitle = "{title}"\ndate = 2024-02-01\n{extra}+++\nbody\n'


def test_hugo_default_urls_follow_the_content_path_lower_cased(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'baseURL = "https://h.example/"\n')
    write(tmp_path, "content/posts/My-Post.md", page("Caps"))
    write(tmp_path, "content/posts/with space.md", page("Space"))
    write(tmp_path, "content/posts/2024/trip/Day One.md", page("Nested file"))
    write(tmp_path, "content/posts/2024/bundle/index.md", page("Nested bundle"))
    write(tmp_path, "content/posts/2024/slugged.md", page("Slugged", 'slug = "Custom"\n'))
    write(tmp_path, "content/Docs/Guide.md", page("Guide", 'url = "/Keep/As/Is/"\n'))
    urls = {k: p.canonical_url for k, p in by_path(tmp_path).items()}  # type: ignore[attr-defined]
    assert urls == {
        "content/posts/My-Post.md": "https://h.example/posts/my-post/",
        "content/posts/with space.md": "https://h.example/posts/with-space/",
        "content/posts/2024/trip/Day One.md": "https://h.example/posts/2024/trip/day-one/",
        "content/posts/2024/bundle/index.md": "https://h.example/posts/2024/bundle/",
        "content/posts/2024/slugged.md": "https://h.example/posts/2024/custom/",
        "content/Docs/Guide.md": "https://h.example/Keep/As/Is/",
    }


def test_hugo_disable_path_to_lower_keeps_the_case(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'baseURL = "https://h.example/"\ndisablePathToLower = true\n'
          '[permalinks]\nblog = "/:year/:filename/"\n')
    write(tmp_path, "content/posts/My-Post.md", page("Caps"))
    write(tmp_path, "content/blog/Mixed.md", page("Mixed"))
    urls = {k: p.canonical_url for k, p in by_path(tmp_path).items()}  # type: ignore[attr-defined]
    assert urls["content/posts/My-Post.md"] == "https://h.example/posts/My-Post/"
    assert urls["content/blog/Mixed.md"] == "https://h.example/2024/Mixed/"


def test_hugo_holds_a_page_before_its_publish_date_and_after_its_expiry(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'baseURL = "https://h.example/"\n')
    write(tmp_path, "content/posts/later.md", page("Later", "publishDate = 2999-01-01\n"))
    write(tmp_path, "content/posts/gone.md", page("Gone", "expiryDate = 2024-03-01\n"))
    write(tmp_path, "content/posts/window.md",
          page("Window", "publishDate = 2024-02-02\nexpiryDate = 2999-01-01\n"))
    posts = by_path(tmp_path)
    later = posts["content/posts/later.md"]
    assert later.hold and "publishDate" in later.hold  # type: ignore[attr-defined]
    assert later.turns_at == datetime(2999, 1, 1, tzinfo=UTC)  # type: ignore[attr-defined]
    assert "expired" in (posts["content/posts/gone.md"].hold or "")  # type: ignore[attr-defined]
    window = posts["content/posts/window.md"]
    assert window.hold is None  # type: ignore[attr-defined]
    assert window.turns_at == datetime(2999, 1, 1, tzinfo=UTC)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("hugo.toml", b'baseURL = "https://h.example/"\ntitle = "caf\xe9"\n', "not valid UTF-8"),
    ("hugo.toml", b'baseURL = "https://h.example/"\npermalinks = "/:slug/"\n', "permalinks"),
    ("hugo.json", b'["https://h.example/"]\n', "must be a mapping"),
])
def test_a_bad_hugo_config_is_a_config_error(tmp_path: Path, name: str, content: bytes,
                                             expected: str) -> None:
    write(tmp_path, name, content)
    with pytest.raises(ConfigError, match=expected):
        open_site(tmp_path)


def test_jekyll_skips_excluded_and_underscore_folders_as_jekyll_does(tmp_path: Path) -> None:
    write(tmp_path, "_config.yml", "url: https://j.example\nsource: src\n"
          "exclude: [old, 'archive/*']\ninclude: [_kept]\n")
    post = "---\ntitle: T\n---\nbody\n"
    write(tmp_path, "src/_posts/2024-01-01-main.md", post)
    write(tmp_path, "src/blog/_posts/2024-01-02-blog.md", post)
    write(tmp_path, "src/old/_posts/2024-01-03-old.md", post)
    write(tmp_path, "src/archive/2019/_posts/2024-01-04-archived.md", post)
    write(tmp_path, "src/_private/_posts/2024-01-05-private.md", post)
    write(tmp_path, "src/_kept/_posts/2024-01-06-kept.md", post)
    assert sorted(by_path(tmp_path)) == ["src/_kept/_posts/2024-01-06-kept.md",
                                         "src/_posts/2024-01-01-main.md",
                                         "src/blog/_posts/2024-01-02-blog.md"]


def test_jekyll_source_folder_that_does_not_exist_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path, "_config.yml", "url: https://j.example\nsource: nope\n")
    with pytest.raises(ConfigError, match="no such folder 'nope'"):
        open_site(tmp_path)


def test_a_folder_site_whose_posts_dir_is_missing_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path, "syndicate.toml", '[site]\nurl = "https://f.example"\nposts_dir = "postz"\n')
    write(tmp_path, "posts/2024-01-01-a.md", "---\ntitle: A\n---\nbody\n")
    with pytest.raises(ConfigError, match="posts_dir.*postz|postz.*posts_dir"):
        open_site(tmp_path).discover()
