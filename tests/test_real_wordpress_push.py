"""The example blog pushed to a real WordPress by `syndicate push`, then read back over REST."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import EXAMPLE_BLOG, ROOT
from tests.realwp import RealWordPress

pytestmark = pytest.mark.real_wordpress
SEED_IMAGES = ("https://cdn.dbarobin.com/4iguirx.png", "https://cdn.dbarobin.com/v4yywe2.png")


def push(site: Path, real: RealWordPress) -> dict[str, object]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
           "SYNDICATE_WORDPRESS__BASE_URL": real.base_url,
           "SYNDICATE_WORDPRESS__USERNAME": real.username,
           "SYNDICATE_WORDPRESS__APP_PASSWORD": real.app_password}
    result = subprocess.run([sys.executable, "-m", "syndicate.cli", "push", "--site", str(site),
                             "--platform", "wordpress", "--json"], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def total_posts(client: httpx.Client, real: RealWordPress) -> int:
    response = client.get(f"{real.api}/wp/v2/posts", params={"status": "any", "per_page": 1})
    return int(response.headers["X-WP-Total"])


def test_example_blog_reaches_a_real_wordpress_intact_and_a_second_push_writes_nothing(
        real_wordpress: RealWordPress, tmp_path: Path) -> None:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    run = uuid.uuid4().hex[:8]  # the real server outlives test runs: keep slugs unique per run
    config = site / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + f'\n[site]\npermalink = "/:year/:month/:day/:title-{run}/"\n', encoding="utf-8")
    first = push(site, real_wordpress)
    created = [r for r in first["results"] if r["outcome"] == "created"]  # type: ignore[index]
    assert len(created) == 6

    with httpx.Client(auth=real_wordpress.auth, timeout=30) as client:
        before = total_posts(client, real_wordpress)
        found = client.get(f"{real_wordpress.api}/wp/v2/posts",
                           params={"slug": f"xiaomi-{run}", "context": "edit", "status": "any"}).json()
        assert len(found) == 1
        seed = found[0]
        assert seed["title"]["raw"] == "刚夸了小米结果被打脸"
        for image in SEED_IMAGES:
            assert image in seed["content"]["raw"]
        assert "donate-button" not in seed["content"]["raw"]
        assert seed["excerpt"]["raw"].startswith("1 月 24 号笔者写了篇文章夸小米")
        assert seed["status"] == "publish"
        names = {client.get(f"{real_wordpress.api}/wp/v2/tags/{tag}").json()["name"] for tag in seed["tags"]}
        assert names == {"想法", "小米", "京东"}
        modified = seed["modified_gmt"]
        assert seed["featured_media"] == 0  # its cover is on a CDN: never fetched, not featured
        notes = client.get(f"{real_wordpress.api}/wp/v2/posts", params={
            "slug": f"python-and-shell-notes-{run}", "status": "any"}).json()
        media = client.get(f"{real_wordpress.api}/wp/v2/media/{notes[0]['featured_media']}")
        assert media.status_code == 200  # the post's local cover, uploaded and featured
        assert media.json()["source_url"].rsplit("/", 1)[-1].startswith("terminal")
        uploads = int(client.get(f"{real_wordpress.api}/wp/v2/media",
                                 params={"per_page": 1}).headers["X-WP-Total"])

        second = push(site, real_wordpress)
        assert {r["outcome"] for r in second["results"]} == {"skipped"}  # type: ignore[index]
        assert total_posts(client, real_wordpress) == before
        assert int(client.get(f"{real_wordpress.api}/wp/v2/media",
                              params={"per_page": 1}).headers["X-WP-Total"]) == uploads
        again = client.get(f"{real_wordpress.api}/wp/v2/posts/{seed['id']}",
                           params={"context": "edit"}).json()
        assert again["modified_gmt"] == modified
