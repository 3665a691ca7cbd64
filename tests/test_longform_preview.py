"""`syndicate preview --html` draws dev.to, Hashnode and Ghost from their own folders' views."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_preview_seed import IMAGES, SEED_KEY, preview_json


def test_every_post_page_shows_the_three_long_form_platforms(example_blog: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "preview"
    result = subprocess.run([sys.executable, "-m", "syndicate.cli", "preview", "--site",
                             str(example_blog), "--html", str(out)], capture_output=True,
                            text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("post-*.html")}
    shown = [name for name, page in pages.items()
             if all(f'class="{kind}"' in page for kind in ("devto", "hashnode", "ghost"))]
    # Six posts go out; one (python-and-shell-notes) is for WordPress and Telegram only.
    assert len(pages) == 6 and len(shown) == 5, sorted(pages)
    seed = next(page for page in pages.values() if "刚夸了小米" in page)
    assert "#xiaomi" not in seed and "<li>想法</li>" in seed  # Ghost keeps Chinese tag names
    assert "dropped: dev.to tags are ASCII letters and digits only" in seed
    assert "<script" not in seed.split("</style>", 1)[-1]


def test_the_seed_post_reaches_the_long_form_bodies_whole() -> None:
    items = {i["platform"]: i for i in preview_json() if i["post"] == SEED_KEY}
    devto = items["devto"]["requests"][-1]["body"]["article"]  # type: ignore[index]
    hashnode = items["hashnode"]["requests"][-1]["body"]["variables"]["input"]  # type: ignore[index]
    ghost = items["ghost"]["requests"][-1]["body"]["posts"][0]  # type: ignore[index]
    bodies = (devto["body_markdown"], hashnode["contentMarkdown"], ghost["html"])
    for body in bodies:
        for image in IMAGES:
            assert image in body
        assert "donate-button" not in body
    canonical = "https://dbarobin.com/2021/01/28/xiaomi/"
    assert (devto["canonical_url"], hashnode["originalArticleURL"], ghost["canonical_url"]) == (
        canonical, canonical, canonical)
    assert devto["tags"] == [] and [t["name"] for t in ghost["tags"]] == ["想法", "小米", "京东"]
    assert ghost["slug"] == hashnode["slug"] == "xiaomi"
    assert items["ghost"]["requests"][-1]["url"].endswith("/posts/?source=html")  # type: ignore[index]
