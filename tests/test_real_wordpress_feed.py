"""The feed source reading the real WordPress's own RSS 2 feed over loopback.

WordPress writes ``content:encoded`` with the full post and a ``<guid>`` per post; the
feed source must take the full text, key the post by that guid (read here from the XML
with the standard library, independently of feedparser), and fetch it the way it fetches
any remote feed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from syndicate.sources import open_site
from tests.realwp import RealWordPress
from tests.sitefiles import write

pytestmark = pytest.mark.real_wordpress
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


@pytest.fixture
def wp(real_wordpress: RealWordPress) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real_wordpress.api, auth=real_wordpress.auth, timeout=30) as c:
        yield c


def test_the_real_wordpress_feed_gives_full_posts_keyed_by_guid(
        wp: httpx.Client, real_wordpress: RealWordPress, tmp_path: Path) -> None:
    marker = uuid.uuid4().hex[:8]
    body = (f"<p>正文 {marker}</p>\n<pre><code>if a &lt; b:\n    pass</code></pre>\n"
            f'<p><a href="/relative-{marker}/">relative</a></p>')
    created = wp.post("/wp/v2/posts", json={"title": f"Feed 测试 {marker}", "content": body,
                                            "status": "publish"})
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    site = tmp_path / "site"
    write(site, "syndicate.toml",
          f'[site]\nkind = "feed"\nfeed = "{real_wordpress.base_url}/?feed=rss2"\n')
    posts, errors = open_site(site).read_all()
    assert not errors
    mine = [p for p in posts if marker in p.title]
    assert len(mine) == 1
    post = mine[0]
    raw = httpx.get(f"{real_wordpress.base_url}/?feed=rss2", timeout=30).content
    item = next(i for i in ElementTree.fromstring(raw).iter("item")
                if marker in (i.findtext("title") or ""))
    assert post.key == item.findtext("guid")  # the guid as WordPress wrote it, never a position
    assert item.find(CONTENT_ENCODED) is not None
    # The feed links the pretty permalink (the REST answer here says ?p=ID).
    slug = wp.get(f"/wp/v2/posts/{post_id}").json()["slug"]
    assert post.canonical_url == f"{real_wordpress.base_url}/{slug}/"
    assert not post.notices, "WordPress's feed carries the full text (content:encoded)"
    assert f"正文 {marker}" in post.html and "if a &lt; b:\n    pass" in post.html
    assert f'href="{real_wordpress.base_url}/relative-{marker}/"' in post.html
    assert post.author == real_wordpress.username
