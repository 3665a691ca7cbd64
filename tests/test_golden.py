"""Golden files pin every example post in every dialect, so any change in output is seen.

Regenerate after an intended change with ``SYNDICATE_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the diff like any other code change.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from syndicate.dialects.markdown import to_markdown
from syndicate.dialects.telegram import to_telegram_html, validate
from syndicate.dialects.telegraph import to_nodes
from syndicate.dialects.text import to_text
from syndicate.post import Post
from syndicate.sources import open_site
from tests.conftest import EXAMPLE_BLOG

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SYNDICATE_UPDATE_GOLDEN") == "1"
DIALECTS = {
    "canonical.html": lambda post: post.html,
    "markdown.md": lambda post: to_markdown(post.html),
    "telegram.html": lambda post: to_telegram_html(post.html) + "\n",
    "text.txt": lambda post: to_text(post.html) + "\n",
    "telegraph.json": lambda post: json.dumps(to_nodes(post.html), ensure_ascii=False, indent=1) + "\n",
}


def example_posts() -> list[Post]:
    site = open_site(EXAMPLE_BLOG)
    posts, errors = site.read_all()
    assert not errors, errors
    return posts


def folder_for(post: Post) -> Path:
    return GOLDEN / re.sub(r"[^\w.-]+", "_", post.source_path.removeprefix("_posts/"))


@pytest.mark.parametrize("post", example_posts(), ids=lambda p: p.source_path)
def test_every_example_post_matches_its_golden_files(post: Post) -> None:
    folder = folder_for(post)
    for name, render in DIALECTS.items():
        produced = render(post)
        path = folder / name
        if UPDATE:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(produced, encoding="utf-8")
        assert path.is_file(), f"no golden file {path}; run with SYNDICATE_UPDATE_GOLDEN=1"
        assert produced == path.read_text(encoding="utf-8"), f"{post.source_path} → {name} changed"


@pytest.mark.parametrize("post", example_posts(), ids=lambda p: p.source_path)
def test_every_example_post_is_valid_telegram_markup(post: Post) -> None:
    validate(to_telegram_html(post.html))


def test_golden_folder_has_no_orphans() -> None:
    expected = {folder_for(post).name for post in example_posts()}
    present = {p.name for p in GOLDEN.iterdir() if p.is_dir()} if GOLDEN.exists() else set()
    assert present <= expected, f"stale golden folders: {present - expected}"
