"""Issue 3's acceptance checks: pushes into the sandbox, counted from the fakes' own records."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from syndicate import registry
from syndicate.engine import resolve
from syndicate.sandbox.faults import FaultPlan
from syndicate.sources import open_site
from syndicate.state import State, state_file
from tests.conftest import EXAMPLE_BLOG
from tests.sandboxing import SimClock, make_sandbox, push_once, sent_title, titles_by_platform

PLATFORMS = tuple(sorted(registry.available()))
FINDERS = frozenset(n for n in PLATFORMS if registry.get(n).capabilities.can_find)
UPDATERS = frozenset(n for n in PLATFORMS if registry.get(n).capabilities.can_update)


DEEP_POST = "_posts/2024-05-05-deep.md"


def add_deep_post(site_dir: Path) -> None:
    """A post nested 500 divs deep: refused alone, with its line; the rest still goes out."""
    (site_dir / DEEP_POST).write_text("---\ntitle: Deep\n---\n\n" + "<div>" * 500 + "x"
                                      + "</div>" * 500 + "\n", encoding="utf-8")


def expected_titles(site_dir: Path) -> dict[str, set[str]]:
    posts, errors = open_site(site_dir).read_all()
    assert [e.path for e in errors] in ([], [DEEP_POST]), errors
    wanted: dict[str, set[str]] = {p: set() for p in PLATFORMS}
    for post in posts:
        for platform in PLATFORMS:
            if post.hold is None and post.options.allows(platform):
                wanted[platform].add(sent_title(post, platform))
    return wanted


def test_first_push_creates_every_post_everywhere_and_a_second_sends_nothing(
        example_blog: Path, tmp_path: Path) -> None:
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes, errors = push_once(example_blog, box, clock, list(PLATFORMS))
    assert not errors
    assert not [o for o in outcomes if o.outcome in ("failed", "uncertain")], outcomes
    for platform, titles in expected_titles(example_blog).items():
        assert sorted(titles_by_platform(box)[platform]) == sorted(titles), platform
    writes = box.writes()
    again, _ = push_once(example_blog, box, clock, list(PLATFORMS))
    assert box.writes() == writes, "a second push must send no write request"
    assert {o.outcome for o in again} == {"skipped"}


def test_an_edit_updates_wordpress_and_telegram_and_medium_reports_blocked(
        example_blog: Path, tmp_path: Path) -> None:
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(example_blog, box, clock, list(PLATFORMS))
    seed = example_blog / "_posts" / "想法" / "2021-01-28-xiaomi.md"
    text = seed.read_text(encoding="utf-8")
    text = text.replace('summary: "1 月 24 号', 'summary: "（更新）1 月 24 号')
    text = text.replace("容笔者道来。\n", "容笔者道来。（本文已更新）\n", 1)
    seed.write_text(text, encoding="utf-8")
    outcomes, _ = push_once(example_blog, box, clock, list(PLATFORMS))
    seed_outcomes = {o.platform: o for o in outcomes if o.key.endswith("xiaomi.md")}
    assert seed_outcomes["wordpress"].outcome == "updated"
    assert seed_outcomes["telegram"].outcome == "updated"
    assert seed_outcomes["medium"].outcome == "blocked"
    assert "cannot update" in seed_outcomes["medium"].reason
    others = [o for o in outcomes if not o.key.endswith("xiaomi.md")]
    assert {o.outcome for o in others} == {"skipped"}
    wordpress = box.fakes["wordpress"]
    excerpts = [p["excerpt"]["raw"] for p in wordpress.dump()["posts"]]  # type: ignore[attr-defined]
    assert any(e.startswith("（更新）") for e in excerpts)
    assert len(titles_by_platform(box)["wordpress"]) == len(expected_titles(example_blog)["wordpress"])


def test_a_renamed_post_is_not_published_again(example_blog: Path, tmp_path: Path) -> None:
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(example_blog, box, clock, list(PLATFORMS))
    before = titles_by_platform(box)
    folder = example_blog / "_posts" / "想法"
    old_key = "_posts/想法/2021-01-28-xiaomi.md"
    (folder / "2021-01-28-xiaomi.md").rename(folder / "2021-01-28-xiaomi-phone.md")
    outcomes, _ = push_once(example_blog, box, clock, list(PLATFORMS))
    renamed = [o for o in outcomes if o.key.endswith("xiaomi-phone.md")]
    assert {o.platform for o in renamed} == set(PLATFORMS)
    assert {o.outcome for o in renamed} == {"blocked"}
    assert all(old_key in o.reason and "syndicate: {key:" in o.reason for o in renamed)
    assert titles_by_platform(box) == before, "nothing may go out twice"

    # The author follows the advice: the post keeps its history and only changes where it can.
    moved = folder / "2021-01-28-xiaomi-phone.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace(
        "---\n", f'---\nsyndicate: {{key: "{old_key}"}}\n', 1), encoding="utf-8")
    outcomes, _ = push_once(example_blog, box, clock, list(PLATFORMS))
    seed = {o.platform: o.outcome for o in outcomes if o.key == old_key}
    assert set(seed) == set(PLATFORMS) and set(seed.values()) <= {"updated", "blocked"}
    assert all(seed[p] == "blocked" for p in PLATFORMS if p not in UPDATERS)
    # a new URL: an editable copy takes it; one the platform keeps as it was (a Bluesky
    # record, a LinkedIn card) is blocked, never posted again
    assert seed["wordpress"] == seed["telegram"] == "updated" and seed["medium"] == "blocked"
    assert sorted(map(sorted, titles_by_platform(box).values())) == sorted(map(sorted, before.values()))


def add_slug_twin(site_dir: Path) -> None:
    """A second post whose URL ends like another's (``.../python-and-shell-notes/``): the
    same WordPress slug, so only our mark tells the two copies apart."""
    original = site_dir / "_posts" / "tech" / "2024-03-10-python-and-shell-notes.md"
    twin = site_dir / "_posts" / "2024-04-11-python-and-shell-notes.md"
    twin.write_text(original.read_text(encoding="utf-8").replace(
        'title: "Python and shell notes', 'title: "Twin: Python and shell notes', 1),
        encoding="utf-8")


def settle_uncertain(site_dir: Path, box_titles: dict[str, list[str]], titles: dict[str, str],
                     *, sandbox: bool = False) -> int:
    """What a careful person does with `syndicate resolve`: look, then say what they saw.
    Returns how many entries needed that person."""
    state = State.read(state_file(site_dir, sandbox=sandbox))
    settled = 0
    for key, platform, entry in list(state.entries()):
        # uncertain: the run could not tell (even a searchable platform, when its copy
        # carried no proof of being ours); pending on a searchable one reconciles by itself
        if entry.status == "uncertain" or (entry.status == "pending" and platform not in FINDERS):
            went_out = titles[key + "|" + platform] in box_titles[platform]
            resolve(state, key, platform, published="seen-on-platform" if went_out else None,
                    retry=not went_out)
            settled += 1
    return settled


@pytest.mark.parametrize("plan_seed", range(200))
def test_random_fault_plans_then_clean_reruns_publish_each_post_exactly_once(
        plan_seed: int, tmp_path: Path) -> None:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    add_slug_twin(site)
    add_deep_post(site)
    rng = random.Random(plan_seed)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock, FaultPlan(rate=rng.uniform(0.1, 0.6), seed=plan_seed))
    _outcomes, errors = push_once(site, box, clock, list(PLATFORMS))
    assert [(e.path, e.line) for e in errors] == [(DEEP_POST, 5)]
    State.load(site)  # valid after a faulty run
    box.faults.rate = 0.0
    posts, _ = open_site(site).read_all()
    titles = {f"{p.key}|{name}": sent_title(p, name) for p in posts for name in PLATFORMS}
    for _rerun in range(6):
        settle_uncertain(site, titles_by_platform(box), titles)
        outcomes, _ = push_once(site, box, clock, list(PLATFORMS))
        if all(o.outcome in ("skipped", "blocked") for o in outcomes):
            break
    held = titles_by_platform(box)
    for platform, wanted in expected_titles(site).items():
        for title in wanted:
            assert held[platform].count(title) == 1, (platform, title, held[platform].count(title))
        assert len(held[platform]) == len(wanted), (platform, "unexpected extra posts")


def test_a_twin_whose_create_answer_was_lost_is_reconciled_to_its_own_copy(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(site, box, clock, ["wordpress"])
    add_slug_twin(site)
    twin_key = "_posts/2024-04-11-python-and-shell-notes.md"
    # the REST index is read (for an SEO plugin), tags python, bash and category tech are
    # looked up, the cover uploaded, then the post is made and its answer lost
    box.faults.script([None, None, None, None, None, "after_apply_reset"])
    outcomes, _ = push_once(site, box, clock, ["wordpress"])
    assert [o.outcome for o in outcomes if o.key == twin_key] == ["uncertain"]
    again, _ = push_once(site, box, clock, ["wordpress"])
    assert [o.outcome for o in again if o.key == twin_key] == ["reconciled"]
    state = State.load(site)
    twin = state.get(twin_key, "wordpress")
    first = state.get("_posts/tech/2024-03-10-python-and-shell-notes.md", "wordpress")
    assert twin is not None and first is not None and twin.remote_id != first.remote_id
    slugs = {p["id"]: p["slug"] for p in box.fakes["wordpress"].dump()["posts"]}  # type: ignore[attr-defined]
    assert slugs[int(twin.remote_id or 0)] == "python-and-shell-notes-2"
    assert titles_by_platform(box)["wordpress"].count("Twin: Python and shell notes: small "
                                                       "scripts that last") == 1
