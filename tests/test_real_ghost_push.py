"""The example blog pushed to a real Ghost by `syndicate push`, then every post read back."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from pydantic import SecretStr

from adapters.ghost import GhostAdapter, GhostSettings
from syndicate.sources import open_site
from syndicate.workflow import payload_for
from tests.conftest import EXAMPLE_BLOG, ROOT
from tests.realghost import RealGhost

pytestmark = pytest.mark.real_ghost


def push(site: Path, real: RealGhost) -> dict[str, Any]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
           "SYNDICATE_GHOST__BASE_URL": real.base_url,
           "SYNDICATE_GHOST__ADMIN_API_KEY": real.admin_api_key}
    result = subprocess.run([sys.executable, "-m", "syndicate.cli", "push", "--site", str(site),
                             "--platform", "ghost", "--json"], env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def flat(html: str) -> str:
    """Markup as a parser sees it: no comments, no blank runs between blocks, one spelling
    of void elements (Ghost writes ``<img>`` for ``<img/>``)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    return str(BeautifulSoup(re.sub(r">\s+<", "><", html).strip(), "html.parser"))


def example_site(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the example blog with unique URLs, and the notes post opened to Ghost."""
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    run = uuid.uuid4().hex[:8]  # the real server outlives test runs: unique slugs per run
    config = site / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + f'\n[site]\npermalink = "/:year/:month/:day/:title-{run}/"\n',
                      encoding="utf-8")
    notes = site / "_posts" / "tech" / "2024-03-10-python-and-shell-notes.md"
    notes.write_text(notes.read_text(encoding="utf-8").replace(
        "platforms: [wordpress, telegram]", "platforms: [wordpress, telegram, ghost]"),
        encoding="utf-8")
    return site, run


def test_example_blog_reaches_a_real_ghost_intact_and_a_second_push_writes_nothing(
        real_ghost: RealGhost, tmp_path: Path) -> None:
    site, _run = example_site(tmp_path)
    opened = open_site(site)
    posts, errors = opened.read_all()
    assert not errors
    wanted = [p.for_platform("ghost") for p in posts
              if p.hold is None and p.options.allows("ghost")]
    assert len(wanted) == 6
    adapter = GhostAdapter(GhostSettings(base_url=real_ghost.base_url,
                                         admin_api_key=SecretStr(real_ghost.admin_api_key)))

    first = push(site, real_ghost)
    created = {r["post"]: r for r in first["results"] if r["outcome"] == "created"}
    assert set(created) == {p.key for p in wanted}

    with httpx.Client(timeout=30) as client:
        def read(slug: str) -> list[dict[str, Any]]:
            response = client.get(f"{real_ghost.api}/posts/", headers=adapter.headers(), params={
                "filter": f"slug:~^'{slug}'", "formats": "html", "include": "tags"})
            assert response.status_code == 200, response.text
            return list(response.json()["posts"])

        for post in wanted:
            payload = payload_for(adapter, post, opened.config)  # tailored, as a push does
            found = read(str(payload.data["slug"]))
            assert len(found) == 1, (post.key, [p["slug"] for p in found])
            stored = found[0]
            assert stored["title"] == post.title
            assert flat(stored["html"]) == flat(str(payload.data["html"])), post.key
            assert stored["canonical_url"] == post.canonical_url
            assert [t["name"] for t in stored["tags"]] == list(post.tags)
            assert stored["status"] == "published"
            if post.cover_file:  # a file of the site: uploaded, served by Ghost itself
                assert stored["feature_image"].startswith(f"{real_ghost.base_url}/content/images/")
                assert client.get(stored["feature_image"]).status_code == 200
            else:
                assert stored["feature_image"] == post.cover_image
        seed = read(adapter.render(next(p for p in wanted if "xiaomi" in p.key)).data["slug"])[0]
        news = read(adapter.render(next(p for p in wanted if "site-news" in p.key)).data["slug"])[0]
        assert "只在博客上显示" not in news["html"], "site-only parts never leave the site"
        assert "donate-button" not in seed["html"] and "4iguirx.png" in seed["html"]
        notes = next(p for p in wanted if "python-and-shell" in p.key)
        assert notes.cover_file, "the example blog's notes post has a cover of its own"
        total = client.get(f"{real_ghost.api}/posts/", headers=adapter.headers(),
                           params={"limit": 1}).json()["meta"]["pagination"]["total"]

        second = push(site, real_ghost)
        assert {r["outcome"] for r in second["results"]} == {"skipped"}
        assert client.get(f"{real_ghost.api}/posts/", headers=adapter.headers(),
                          params={"limit": 1}).json()["meta"]["pagination"]["total"] == total
