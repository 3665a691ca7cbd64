"""The first-day replay (tests/first_day_replay.py) runs through on a real blog from the
corpus: every step does what its line says, and the transcript stays short enough to read."""

from __future__ import annotations

from pathlib import Path

from tests.first_day_replay import DEFAULT_BLOG, copy_blog, first_day


def test_the_first_day_on_a_real_blog_goes_as_the_transcript_says(tmp_path: Path) -> None:
    lines: list[str] = []
    first_day(copy_blog(DEFAULT_BLOG, tmp_path), write=lambda text: lines.extend(str(text).splitlines()))
    said = [line for line in lines if line.startswith(("→", "✗"))]
    assert len(said) == 6 and all(line.startswith("→") for line in said), said
    assert sum(1 for line in lines if line.startswith("## ")) == 7
    assert len(lines) < 90, "short enough to read"
