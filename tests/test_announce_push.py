"""Issue 16's acceptance checks for Mastodon, Bluesky, LinkedIn, Discord and Slack: pushes
into the sandbox counted from the fakes' own records, faults included, and what each post
looks like on each platform (the Chinese seed post, an emoji-only title, Chinese tags)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from syndicate import registry
from syndicate.adapter import Payload
from syndicate.config import SyndicateConfig
from syndicate.dialects.fit import count
from syndicate.engine import resolve
from syndicate.post import Post
from syndicate.sandbox.faults import FaultPlan
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import payload_for
from tests.conftest import EXAMPLE_BLOG
from tests.sandboxing import SimClock, make_sandbox, push_once, titles_by_platform
from tests.sitefiles import write

ANNOUNCE = ["mastodon", "bluesky", "linkedin", "discord", "slack"]
EMOJI_POST = """---
title: "🎉🚀✨"
date: 2024-10-01 10:00:00 +0800
tags: [🎉, 庆祝]
summary: "🎈🎈🎈"
---

A party.
"""


def blog(tmp_path: Path) -> Path:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    write(site, "_posts/随笔/2024-10-01-party.md", EMOJI_POST)
    return site


def wanted_titles(site: Path) -> dict[str, list[str]]:
    posts, errors = open_site(site).read_all()
    assert not errors
    return {name: sorted(p.for_platform(name).title for p in posts
                         if p.hold is None and p.options.allows(name)) for name in ANNOUNCE}


def test_push_announces_every_post_on_all_five_and_twice_sends_nothing(tmp_path: Path) -> None:
    site = blog(tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    first, errors = push_once(site, box, clock, ANNOUNCE)
    assert not errors
    assert {o.outcome for o in first} <= {"created", "skipped"}
    assert not [o for o in first if o.outcome == "failed"]
    held = titles_by_platform(box)
    for name, titles in wanted_titles(site).items():
        assert sorted(held[name]) == titles, name
    writes = box.writes()
    second, _ = push_once(site, box, clock, ANNOUNCE)
    assert all(o.outcome == "skipped" for o in second)
    assert box.writes() == writes, "a second push sends nothing"
    assert titles_by_platform(box) == held


def payloads(site: Path, key_part: str) -> dict[str, tuple[Post, Payload]]:
    posts, _ = open_site(site).read_all()
    post = next(p for p in posts if key_part in p.key)
    found = {}
    for name in ANNOUNCE:
        cls = registry.get(name)
        settings = cls.settings_model(
            **{f: "sandbox-secret" for f in cls.settings_model.secret_fields()},
            **({"base_url": "https://example.social"} if name == "mastodon" else {}))
        found[name] = (post, payload_for(cls(settings), post, SyndicateConfig()))
    return found


def within_every_limit(name: str, payload: Payload) -> None:
    adapter_cls = registry.get(name)
    for limit in adapter_cls.capabilities.limits:
        values = values_at(payload.data, limit.field.split("."))
        for value in values:
            assert count(value, limit.unit, url_length=limit.url_length) <= limit.maximum, (
                name, limit)


def values_at(data: object, path: list[str]) -> list[str]:
    if not path:
        return [data] if isinstance(data, str) else []
    head, rest = path[0], path[1:]
    if head.endswith("[]"):
        items = data.get(head[:-2], []) if isinstance(data, dict) else []
        return [v for item in items for v in values_at(item, rest)]
    return values_at(data.get(head), rest) if isinstance(data, dict) else []


def test_the_chinese_seed_post_fits_every_limit_with_its_link(tmp_path: Path) -> None:
    found = payloads(blog(tmp_path), "xiaomi")
    for name, (post, payload) in found.items():
        within_every_limit(name, payload)
        assert post.canonical_url in str(payload.data), name
    post = found["mastodon"][0]
    assert post.canonical_url in found["mastodon"][1].data["status"]["status"]
    assert post.canonical_url in found["bluesky"][1].data["record"]["text"]
    assert found["linkedin"][1].data["post"]["content"]["article"]["source"] == post.canonical_url
    assert found["discord"][1].data["message"]["embeds"][0]["url"] == post.canonical_url
    assert post.canonical_url in found["slack"][1].data["message"]["blocks"][1]["text"]["text"]


def test_an_emoji_only_title_comes_out_whole(tmp_path: Path) -> None:
    for name, (_post, payload) in payloads(blog(tmp_path), "party").items():
        within_every_limit(name, payload)
        assert "🎉🚀✨" in str(payload.data), name
        assert "#庆祝" in str(payload.data) or name in ("discord", "slack", "linkedin"), name
        assert "#🎉" not in str(payload.data)
    bluesky = payloads(tmp_path / "blog", "party")["bluesky"][1].data["record"]
    assert bluesky["text"].startswith("🎉🚀✨\n\n🎈🎈🎈\n\n")
    tags = [f["features"][0]["tag"] for f in bluesky["facets"] if "tag" in f["features"][0]]
    assert tags == ["庆祝"]


def test_chinese_tags_become_hashtags_everywhere(tmp_path: Path) -> None:
    found = payloads(blog(tmp_path), "长跑")
    assert "#跑步 #随笔 #生活" in found["mastodon"][1].data["status"]["status"]
    assert "#跑步 #随笔 #生活" in found["bluesky"][1].data["record"]["text"]
    assert "{hashtag|#|跑步}" in found["linkedin"][1].data["post"]["commentary"]
    assert "#跑步" in found["discord"][1].data["message"]["embeds"][0]["description"]
    assert "#跑步" in found["slack"][1].data["message"]["blocks"][1]["text"]["text"]
    record = found["bluesky"][1].data["record"]
    data = record["text"].encode("utf-8")
    shown = [data[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode() for f in record["facets"]]
    assert shown[-3:] == ["#跑步", "#随笔", "#生活"]


def settle(site: Path, held: dict[str, list[str]], titles: dict[str, str]) -> None:
    """What a careful person does with `syndicate resolve`: look, then say what they saw."""
    state = State.load(site)
    for key, platform, entry in list(state.entries()):
        if entry.status in ("uncertain", "pending"):
            went_out = titles[f"{key}|{platform}"] in held[platform]
            resolve(state, key, platform, published="seen-on-platform" if went_out else None,
                    retry=not went_out)


@pytest.mark.parametrize("plan_seed", range(30))
def test_fault_plans_then_clean_reruns_announce_each_post_exactly_once(
        plan_seed: int, tmp_path: Path) -> None:
    site = blog(tmp_path)
    rng = random.Random(plan_seed)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock,
                       FaultPlan(rate=rng.uniform(0.1, 0.6), seed=plan_seed))
    push_once(site, box, clock, ANNOUNCE)
    State.load(site)
    box.faults.rate = 0.0
    posts, _ = open_site(site).read_all()
    titles = {f"{p.key}|{name}": p.for_platform(name).title for p in posts for name in ANNOUNCE}
    for _rerun in range(6):
        settle(site, titles_by_platform(box), titles)
        outcomes, _ = push_once(site, box, clock, ANNOUNCE)
        if all(o.outcome in ("skipped", "blocked") for o in outcomes):
            break
    held = titles_by_platform(box)
    for name, wanted in wanted_titles(site).items():
        for title in wanted:
            assert held[name].count(title) == 1, (name, title, held[name].count(title))
        assert len(held[name]) == len(wanted), (name, "unexpected extra posts")


def test_sandbox_env_points_each_of_the_five_at_its_mount() -> None:
    from syndicate.sandbox.router import Sandbox

    env = Sandbox(fakes=[]).settings_env("http://127.0.0.1:8765/")
    for name in ANNOUNCE:
        mine = {k: v for k, v in env.items() if k.startswith(f"SYNDICATE_{name.upper()}__")}
        urls = [v for v in mine.values() if v.startswith("http")]
        assert urls and all(u.startswith(f"http://127.0.0.1:8765/{name}") for u in urls), name
        cls = registry.get(name)
        assert not cls.settings_model.load({}, None, {
            k.removeprefix(f"SYNDICATE_{name.upper()}__").lower(): v for k, v in mine.items()}).missing()


def test_preview_json_holds_the_bluesky_record_as_the_api_receives_it(example_blog: Path) -> None:
    import json

    from typer.testing import CliRunner

    from syndicate.cli import app

    result = CliRunner().invoke(app, ["preview", "--json", "--platform", "bluesky",
                                      "--site", str(example_blog)])
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown
    for item in shown:
        put = item["requests"][-1]
        assert put["url"].endswith("/xrpc/com.atproto.repo.putRecord")
        record = put["body"]["record"]
        data = record["text"].encode("utf-8")
        assert item["canonical_url"] in record["text"]
        assert record["embed"]["external"]["uri"] == item["canonical_url"]
        for facet in record["facets"]:
            piece = data[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode("utf-8")
            feature = facet["features"][0]
            assert piece in (feature.get("uri"), "#" + str(feature.get("tag")))


def test_a_changed_post_is_blocked_on_bluesky_and_slack_and_edited_elsewhere(tmp_path: Path) -> None:
    site = blog(tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(site, box, clock, ANNOUNCE)
    seed = next(site.glob("_posts/想法/*xiaomi*.md"))
    seed.write_text(seed.read_text(encoding="utf-8").replace("summary:", "summary: 改过的摘要", 1)
                    if "summary:" in seed.read_text(encoding="utf-8")
                    else seed.read_text(encoding="utf-8") + "\n\n新的一段。\n", encoding="utf-8")
    outcomes, _ = push_once(site, box, clock, ANNOUNCE)
    seen = {o.platform: o for o in outcomes if "xiaomi" in o.key}
    assert seen["bluesky"].outcome == "blocked" and "immutable" in seen["bluesky"].reason
    assert seen["slack"].outcome == "blocked" and "cannot edit" in seen["slack"].reason
    assert seen["mastodon"].outcome == "updated" and seen["discord"].outcome == "updated"
    # the summary is also the LinkedIn card's description, which LinkedIn cannot edit:
    # the plan says so (blocked), rather than a push failing on it
    assert seen["linkedin"].outcome == "blocked" and "link card" in seen["linkedin"].reason
