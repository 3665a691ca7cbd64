"""Sources: detection, permalinks, front matter and bad input, on tiny temporary sites."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from syndicate.errors import ConfigError, SourceError
from syndicate.sources import open_site
from tests.sitefiles import write

BLOG = Path(__file__).resolve().parent.parent / "examples" / "blog"


def jekyll(tmp_path: Path, permalink: str = "/:year/:month/:day/:title/") -> Path:
    write(tmp_path, "_config.yml",
          f"url: https://example.com\nbaseurl: ''\npermalink: {permalink}\ntimezone: UTC\n")
    return tmp_path


def test_seed_post_canonical_url() -> None:
    site = open_site(BLOG)
    assert site.kind == "jekyll"
    files = site.discover()
    seed = next(f for f in files if f.rel_path.endswith("2021-01-28-xiaomi.md"))
    post = site.read(seed)
    assert post.canonical_url == "https://dbarobin.com/2021/01/28/xiaomi/"
    assert post.key == seed.rel_path
    assert post.source_hash == seed.digest()
    assert not any("_drafts" in f.rel_path for f in files)


def test_category_folders_and_named_style(tmp_path: Path) -> None:
    root = jekyll(tmp_path, "date")
    write(root, "想法/_posts/2021-01-02-a.md", "---\ntitle: A\n---\nbody\n")
    write(root, "_posts/Tech/2021-01-03-b.md", "---\ntitle: B\n---\nbody\n")
    site = open_site(root)
    posts, errors = site.read_all()
    assert errors == []
    urls = sorted(p.canonical_url for p in posts)
    assert any(u.endswith("/2021/01/02/a.html") for u in urls)
    # Jekyll takes categories only from folders above _posts, not below it.
    assert "https://example.com/2021/01/03/b.html" in urls
    assert len(posts) == 2


def test_tags_and_crlf_bom(tmp_path: Path) -> None:
    root = jekyll(tmp_path)
    text = "\ufeff---\r\ntitle: T\r\ntags: a, b\r\nlang: zh\r\n---\r\nHello\r\n"
    write(root, "_posts/2021-05-01-t.md", text.encode("utf-8"))
    post = open_site(root).read(open_site(root).discover()[0])
    assert post.title == "T"
    assert set(post.tags) == {"a", "b"}
    assert post.language == "zh"


def test_draft_and_future_are_held(tmp_path: Path) -> None:
    root = jekyll(tmp_path)
    write(root, "_posts/2021-01-01-x.md", "---\ntitle: X\npublished: false\n---\nb\n")
    write(root, "_posts/2999-01-01-y.md", "---\ntitle: Y\n---\nb\n")
    posts, errors = open_site(root).read_all()
    assert errors == []
    assert all(p.hold for p in posts)


def test_bad_posts_report_and_others_survive(tmp_path: Path) -> None:
    root = jekyll(tmp_path)
    write(root, "_posts/2021-01-01-ok.md", "---\ntitle: OK\n---\nb\n")
    write(root, "_posts/2021-01-02-yaml.md", "---\ntitle: [oops\n---\nb\n")
    write(root, "_posts/2021-01-03-open.md", "---\ntitle: never closed\nb\n")
    write(root, "_posts/2021-01-04-bin.md", b"---\ntitle: x\n---\n\x00\x00\x00")
    write(root, "_posts/2021-01-05-enc.md", b"---\ntitle: x\n---\n\xff\xfe bad")
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(9)) + "title: boom\n---\nb\n"
    write(root, "_posts/2021-01-06-bomb.md", bomb)
    started = time.monotonic()
    posts, errors = open_site(root).read_all()
    assert time.monotonic() - started < 5
    assert [p.title for p in posts] == ["OK"]
    assert len(errors) == 5
    assert all(isinstance(e, SourceError) and e.path.startswith("_posts/") for e in errors)


def test_toml_front_matter_hugo(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml",
          'baseURL = "https://h.example/"\n[permalinks]\nposts = "/:year/:slug/"\n')
    write(tmp_path, "content/posts/hello.md",
          '+++\nTitle = "Hi"\ndate = 2022-03-04\nslug = "hey"\n+++\nbody\n')
    write(tmp_path, "content/posts/_index.md", "---\ntitle: section\n---\n")
    site = open_site(tmp_path)
    assert site.kind == "hugo"
    posts, errors = site.read_all()
    assert errors == []
    assert [p.title for p in posts] == ["Hi"]
    assert posts[0].canonical_url == "https://h.example/2022/hey/"


def test_invalid_config_is_config_error(tmp_path: Path) -> None:
    write(tmp_path, "_config.yml", "url: [broken\n")
    with pytest.raises(ConfigError):
        open_site(tmp_path)


def test_size_cap_and_missing_title(tmp_path: Path) -> None:
    root = jekyll(tmp_path)
    write(root, "_posts/2021-01-01-big.md", b"---\ntitle: x\n---\n" + b"a" * (6 * 1024 * 1024))
    write(root, "_posts/2021-01-02-notitle.md", "---\ntags: 1\n---\nhi\n")
    posts, errors = open_site(root).read_all()
    assert posts == []
    by_path = {e.path: e for e in errors}
    assert "5 MB" in str(by_path["_posts/2021-01-01-big.md"])
    assert by_path["_posts/2021-01-02-notitle.md"].field == "title"


def test_theme_cover_keys_are_read(tmp_path: Path) -> None:
    """Hux's ``header-img`` and Minimal Mistakes' ``header.overlay_image`` are the cover the
    live site shows; a ``header`` mapping with only a colour is no cover."""
    write(tmp_path, "_config.yml", "url: https://e.com\n")
    write(tmp_path, "img/bg.jpg", b"\xff\xd8")
    write(tmp_path, "_posts/2021-01-01-hux.md", "---\ntitle: H\nheader-img: img/bg.jpg\n---\nx\n")
    write(tmp_path, "_posts/2021-01-02-mm.md",
          "---\ntitle: M\nheader: {overlay_color: '#333', overlay_image: /assets/o.png}\n---\nx\n")
    write(tmp_path, "_posts/2021-01-03-plain.md",
          "---\ntitle: P\nheader: {overlay_color: '#333'}\n---\nx\n")
    posts, errors = open_site(tmp_path).read_all()
    assert errors == []
    hux, mm, plain = sorted(posts, key=lambda p: p.source_path)
    assert hux.cover_image == "https://e.com/img/bg.jpg"
    assert mm.cover_image == "https://e.com/assets/o.png"
    assert plain.cover_image is None


def test_syndicate_block_summary_cover_author(tmp_path: Path) -> None:
    write(tmp_path, "_config.yml", "url: https://e.com\nauthor: Site A\n")
    write(tmp_path, "_posts/2021-01-03-opts.md",
          "---\ntitle: O\nimage: {path: /img/a.png}\nsyndicate: {platforms: [telegram], "
          "key: k1, telegram: {title: TT, tags: [z]}}\n---\nFirst para.\n")
    write(tmp_path, "_posts/2021-01-04-off.md",
          "---\ntitle: Quiet\ndescription: D\nsyndicate: false\n---\nx\n")
    posts, errors = open_site(tmp_path).read_all()
    assert errors == []
    opts, off = sorted(posts, key=lambda p: p.source_path)
    assert opts.key == "k1"
    assert opts.summary == "First para."
    assert opts.cover_image == "https://e.com/img/a.png"
    assert opts.author == "Site A"
    assert opts.options.allows("telegram") and not opts.options.allows("medium")
    assert opts.for_platform("telegram").title == "TT"
    assert opts.for_platform("telegram").tags == ("z",)
    assert off.summary == "D"
    assert not off.options.enabled


@pytest.mark.parametrize(("style", "expected"), [
    ("pretty", "https://e.com/blog/big%20news/2021/02/03/Hello-World/"),
    ("ordinal", "https://e.com/blog/big%20news/2021/034/Hello-World.html"),
    ("none", "https://e.com/blog/big%20news/Hello-World.html"),
    ("/:categories/:short_year/:i_month/:i_day/:slug:output_ext",
     "https://e.com/blog/big%20news/21/2/3/hello-world.html"),
])
def test_jekyll_permalink_styles_and_post_url(tmp_path: Path, style: str, expected: str) -> None:
    # Jekyll 4 downcases categories (no slugify) and URL-escapes them; :title keeps case.
    write(tmp_path, "_config.yml", f"url: https://e.com\nbaseurl: /blog\npermalink: {style}\n")
    write(tmp_path, "_posts/2021-02-03-Hello-World.md",
          "---\ntitle: H\ncategories: [Big News]\n---\nx\n")
    write(tmp_path, "_posts/2021-02-04-p.md", "---\ntitle: P\npermalink: /custom/p/\n---\nx\n")
    site = open_site(tmp_path)
    posts, errors = site.read_all()
    assert errors == []
    assert sorted(p.canonical_url for p in posts) == sorted(
        [expected, "https://e.com/blog/custom/p/"])
    # post_url gives the path Jekyll 4 writes (baseurl included); the HTML pass adds the origin
    assert site.resolve_link("post_url", "2021-02-03-Hello-World") == expected.removeprefix(
        "https://e.com")


def test_plain_folder_from_syndicate_toml(tmp_path: Path) -> None:
    write(tmp_path, "syndicate.toml",
          '[site]\nurl = "https://f.com"\npermalink = "/posts/:slug/"\n')
    write(tmp_path, "2022-01-01-a.md", "---\ntitle: A\n---\nx\n")
    site = open_site(tmp_path)
    posts, errors = site.read_all()
    assert site.kind == "folder"
    assert errors == []
    assert [p.canonical_url for p in posts] == ["https://f.com/posts/a/"]
