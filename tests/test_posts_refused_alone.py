"""Issue 13: a post that is hostile or odd is refused alone, with its file and line; a
repeated front-matter key never silently wins; a renamed-and-edited post is not new."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from syndicate.errors import SourceError
from syndicate.sources import frontmatter
from syndicate.sources.nesting import MAX_DEPTH
from tests.conftest import EXAMPLE_BLOG
from tests.sandboxing import SimClock, make_sandbox, push_once, titles_by_platform


def blog(tmp_path: Path) -> Path:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    return site


def test_a_repeated_yaml_key_is_refused_with_its_line() -> None:
    with pytest.raises(SourceError) as info:
        frontmatter.split("---\ntitle: a\ntags: [x]\ntitle: b\n---\nbody\n", "p.md", required=True)
    assert info.value.line == 4 and info.value.field == "title"
    assert "appears twice" in str(info.value)


def test_a_second_syndicate_block_says_how_to_merge_into_the_first() -> None:
    text = "---\ntitle: a\nsyndicate:\n  platforms: [telegram]\nsyndicate: {key: old.md}\n---\n"
    with pytest.raises(SourceError) as info:
        frontmatter.split(text, "p.md", required=True)
    assert info.value.line == 5
    assert info.value.fix is not None and "merge" in info.value.fix and "key:" in info.value.fix


def test_a_repeated_toml_key_is_refused() -> None:
    with pytest.raises(SourceError, match="invalid TOML"):
        frontmatter.split('+++\ntitle = "a"\ntitle = "b"\n+++\n', "p.md", required=True)


def test_merge_keys_and_nested_repeats_in_different_tables_are_fine() -> None:
    split = frontmatter.split("---\nbase: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\nother: {x: 3}\n---\n",
                              "p.md", required=True)
    assert split.meta["more"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("text", [
    "---\ntitle: deep\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n",
    "---\ntitle: deep\nx: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n---\n",
    '+++\ntitle = "deep"\nx = ' + "[" * 5000 + "]" * 5000 + "\n+++\n",
    '+++\ntitle = "deep"\nx = ' + "[" * 40 + "]" * 40 + "\n+++\n",
])
def test_deeply_nested_front_matter_is_refused_not_a_crash(text: str) -> None:
    with pytest.raises(SourceError, match="nested"):
        frontmatter.split(text, "p.md", required=True)


def write_post(site: Path, name: str, title: str, body: str) -> None:
    (site / "_posts" / name).write_text(
        f"---\ntitle: {title}\ndate: 2024-07-01\n---\n\n{body}\n", encoding="utf-8")


def test_deep_html_is_that_posts_error_and_every_other_post_goes_out(tmp_path: Path) -> None:
    site = blog(tmp_path)
    write_post(site, "2024-07-01-deep.md", "Deep", "<div>" * 500 + "x" + "</div>" * 500)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes, errors = push_once(site, box, clock)
    assert [(e.path, e.line) for e in errors] == [("_posts/2024-07-01-deep.md", 6)]
    assert f"more than {MAX_DEPTH} levels" in str(errors[0])
    assert {o.outcome for o in outcomes} <= {"created", "skipped"}
    assert sum(o.outcome == "created" for o in outcomes) > 5
    assert "Deep" not in [t for titles in titles_by_platform(box).values() for t in titles]


def test_twenty_thousand_nested_divs_are_refused_at_once(tmp_path: Path) -> None:
    site = blog(tmp_path)
    write_post(site, "2024-07-01-deeper.md", "Deeper", "<div>" * 20_000 + "x" + "</div>" * 20_000)
    from syndicate.sources import open_site

    started = time.monotonic()
    posts, errors = open_site(site).read_all()
    assert time.monotonic() - started < 20  # was 38 s, then a crash
    assert [e.path for e in errors] == ["_posts/2024-07-01-deeper.md"] and posts


def test_an_unexpected_failure_in_one_posts_rendering_is_that_posts_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.medium import MediumAdapter

    site = blog(tmp_path)
    real = MediumAdapter.render

    def fragile(self: MediumAdapter, post: object) -> object:
        if "xiaomi" in getattr(post, "key", ""):
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, post)  # type: ignore[arg-type]

    monkeypatch.setattr(MediumAdapter, "render", fragile)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes, errors = push_once(site, box, clock)
    assert [e.path for e in errors] == ["_posts/想法/2021-01-28-xiaomi.md"]
    assert "RecursionError" in str(errors[0])
    assert sum(o.outcome == "created" for o in outcomes) > 5


def test_a_renamed_and_edited_post_is_blocked_with_the_fix_not_published_again(
        tmp_path: Path) -> None:
    site = blog(tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(site, box, clock)
    before = titles_by_platform(box)
    folder = site / "_posts" / "想法"
    old_key = "_posts/想法/2021-01-28-xiaomi.md"
    text = (folder / "2021-01-28-xiaomi.md").read_text(encoding="utf-8")
    (folder / "2021-01-28-xiaomi.md").unlink()
    (folder / "2021-01-28-xiaomi-phone.md").write_text(
        text.replace("容笔者道来。", "容笔者慢慢道来。", 1), encoding="utf-8")
    outcomes, _ = push_once(site, box, clock)
    renamed = [o for o in outcomes if o.key.endswith("xiaomi-phone.md")]
    assert renamed and {o.outcome for o in renamed} == {"blocked"}
    assert all(old_key in o.reason and "same title and date" in o.reason for o in renamed)
    assert all("inside it" in o.reason for o in renamed)
    assert titles_by_platform(box) == before, "nothing may go out twice"


def test_following_the_advice_inside_an_existing_block_keeps_the_history(tmp_path: Path) -> None:
    site = blog(tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(site, box, clock)
    before = titles_by_platform(box)
    folder = site / "_posts" / "tech"
    old_key = "_posts/tech/2024-03-10-python-and-shell-notes.md"
    text = (folder / "2024-03-10-python-and-shell-notes.md").read_text(encoding="utf-8")
    (folder / "2024-03-10-python-and-shell-notes.md").unlink()
    duplicated = text.replace("---\n", f'---\nsyndicate: {{key: "{old_key}"}}\n', 1)
    moved = folder / "2024-03-10-shell-notes.md"
    moved.write_text(duplicated, encoding="utf-8")  # a second 'syndicate:' key: refused
    outcomes, errors = push_once(site, box, clock)
    assert [e.field for e in errors] == ["syndicate"]
    assert titles_by_platform(box) == before
    moved.write_text(text.replace("syndicate:\n", f'syndicate:\n  key: "{old_key}"\n', 1),
                     encoding="utf-8")
    outcomes, errors = push_once(site, box, clock)
    assert not errors
    # its URL moved, so WordPress and Telegram are updated; nothing is created again
    assert {o.outcome for o in outcomes if o.key == old_key} <= {"skipped", "updated"}
    assert not [o for o in outcomes if o.outcome == "created"]
    assert titles_by_platform(box) == before
