"""The real feeds of the example blog (Jekyll's jekyll-feed, Hugo's built-in RSS) against
the Jekyll and Hugo sources reading the same sites.

``tests/servers/feeds.sh`` installs and runs the Debian generators. What differs between
a feed's post and the source's post is listed here, on purpose:

- jekyll-feed: ids are the post URL without its trailing slash, not the file path, so
  keys differ; the body is Jekyll's full HTML (kramdown's code-block wrappers and
  header ids, footnote anchors ``#fn:name`` where ours are ``#fn1``; feedparser's
  sanitising drops ``data-*`` attributes), not ours.
- Hugo's RSS template carries ``.Summary`` only: every entry is summary-only (a notice
  says so), covers come from the front matter of the source but not from the feed, and
  Hugo's feed has no tags.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from syndicate.post import Post
from syndicate.sources import open_site

SCRIPT = Path(__file__).parent / "servers" / "feeds.sh"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    result = subprocess.run(["bash", str(SCRIPT), "build", str(out)], capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return out


def feed_posts(feed: Path, tmp: Path) -> dict[str, Post]:
    site = tmp / feed.parent.parent.name
    site.mkdir()
    shutil.copy(feed, site / feed.name)
    posts, errors = open_site(site).read_all()
    assert not errors, errors
    return {p.canonical_url: p for p in posts}


def source_posts(root: Path) -> dict[str, Post]:
    posts, errors = open_site(root).read_all()
    assert not errors, errors
    return {p.canonical_url: p for p in posts if p.hold is None}


def test_the_jekyll_feed_gives_the_posts_the_jekyll_source_reads(built: Path, tmp_path: Path) -> None:
    from_feed = feed_posts(built / "jekyll" / "_site" / "feed.xml", tmp_path)
    from_source = source_posts(built / "jekyll")
    assert sorted(from_feed) == sorted(from_source)
    for url, post in from_source.items():
        entry = from_feed[url]
        assert entry.title == post.title, url
        assert entry.cover_image == post.cover_image, url
        assert entry.date == post.date, url
        assert set(entry.tags) == set(post.tags) | set(post.categories), url
        assert entry.author == post.author, url
        assert not entry.notices, url  # jekyll-feed carries the full text
        assert entry.key == url.rstrip("/")  # jekyll-feed's <id>


def outward_links(soup: object, page: str) -> list[str]:
    """Links leaving the page (footnote anchors are named differently by kramdown)."""
    return [str(a["href"]) for a in soup.find_all("a")  # type: ignore[attr-defined]
            if not str(a["href"]).startswith(page + "#")]


def test_the_jekyll_feed_keeps_every_image_and_link_of_the_body(built: Path, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    from_feed = feed_posts(built / "jekyll" / "_site" / "feed.xml", tmp_path)
    from_source = source_posts(built / "jekyll")
    for url, post in from_source.items():
        ours = BeautifulSoup(post.html, "html.parser")
        theirs = BeautifulSoup(from_feed[url].html, "html.parser")
        assert [i["src"] for i in theirs.find_all("img")] == [i["src"] for i in ours.find_all("img")]
        assert outward_links(theirs, url) == outward_links(ours, url), url
        assert len(theirs.find_all("pre")) == len(ours.find_all("pre")), url


def test_the_hugo_feed_gives_the_posts_the_hugo_source_reads(built: Path, tmp_path: Path) -> None:
    from_feed = feed_posts(built / "hugo" / "public" / "index.xml", tmp_path)
    from_source = source_posts(built / "hugo")
    assert sorted(from_feed) == sorted(from_source)
    for url, post in from_source.items():
        entry = from_feed[url]
        assert entry.title == post.title, url
        assert entry.date == post.date, url
        assert entry.key == url  # Hugo's <guid> is the permalink
        assert any("only a summary" in n.message for n in entry.notices), url
        summary_images = [src for src in (entry.cover_image,) if src]
        assert all(src in post.html for src in summary_images), url


def test_a_post_held_by_the_source_is_not_in_either_feed(built: Path, tmp_path: Path) -> None:
    held = {p.canonical_url for p in open_site(built / "jekyll").read_all()[0] if p.hold}
    assert held
    jekyll = feed_posts(built / "jekyll" / "_site" / "feed.xml", tmp_path)
    hugo = feed_posts(built / "hugo" / "public" / "index.xml", tmp_path)
    assert not held & set(jekyll) and not held & set(hugo)
