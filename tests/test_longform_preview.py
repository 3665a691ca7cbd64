"""`syndicate preview --html` draws dev.to, Hashnode and Ghost from their own folders' views."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


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
