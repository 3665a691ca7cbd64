"""End to end on the real PDS: the example blog pushed by the engine, twice, then every
record read back — text, facets' byte ranges on the right substrings, card, thumbnail blob."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest

from syndicate import planner
from syndicate.engine import Engine
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import config_fingerprint, load_adapters, sandbox_overrides
from tests.conftest import EXAMPLE_BLOG
from tests.realbsky import RealBluesky

pytestmark = pytest.mark.real_bluesky
POST = "app.bsky.feed.post"


def push(site_dir: Path, real: RealBluesky) -> list[str]:
    site = open_site(site_dir)
    adapters = load_adapters(site.root, site.config, ["bluesky"],
                             overrides=sandbox_overrides(real.env()))
    fingerprints = {n: config_fingerprint(a, site.config) for n, a in adapters.items()}
    state = State.load(site.root)
    actions, errors = planner.plan(site, adapters, state, site.config, fingerprints)
    assert not errors
    outcomes = asyncio.run(Engine(adapters, state).run(actions))
    assert not [o for o in outcomes if o.outcome == "failed"], outcomes
    return [o.outcome for o in outcomes]


def test_example_blog_pushed_twice_reads_back_whole(real_bluesky: RealBluesky, tmp_path: Path) -> None:
    site_dir = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site_dir, ignore=shutil.ignore_patterns(".syndicate"))
    first = push(site_dir, real_bluesky)
    assert first.count("created") >= 5
    assert set(push(site_dir, real_bluesky)) == {"skipped"}

    posts = {p.key: p for p in open_site(site_dir).read_all()[0]}
    state = State.load(site_dir)
    with httpx.Client(base_url=real_bluesky.base_url, timeout=30) as client:
        session = client.post("/xrpc/com.atproto.server.createSession", json={
            "identifier": real_bluesky.identifier, "password": real_bluesky.app_password}).json()
        checked = 0
        for key, platform, entry in state.entries():
            if platform != "bluesky" or entry.status != "published":
                continue
            post = posts[key]
            rkey = str(entry.remote_id).rsplit("/", 1)[-1]
            read = client.get("/xrpc/com.atproto.repo.getRecord", params={
                "repo": session["did"], "collection": POST, "rkey": rkey})
            assert read.status_code == 200, read.text
            value = read.json()["value"]
            text = value["text"]
            data = text.encode("utf-8")
            assert post.canonical_url in text and len(data) <= 3000
            links = 0
            for facet in value.get("facets", []):
                piece = data[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode("utf-8")
                feature = facet["features"][0]
                if feature["$type"].endswith("#link"):
                    links += piece == feature["uri"] == post.canonical_url
                else:
                    assert piece == "#" + feature["tag"]
            assert links == 1, (key, value.get("facets"))
            external = value["embed"]["external"]
            assert external["uri"] == post.canonical_url and external["title"] == post.title
            if post.cover_file:
                thumb = external["thumb"]
                blob = client.get("/xrpc/com.atproto.sync.getBlob", params={
                    "did": session["did"], "cid": thumb["ref"]["$link"]})
                assert blob.status_code == 200
                assert blob.content == Path(post.cover_file).read_bytes()
            checked += 1
        listed = client.get("/xrpc/com.atproto.repo.listRecords", params={
            "repo": session["did"], "collection": POST, "limit": 100}).json()["records"]
    assert checked == first.count("created")
    texts = [r["value"]["text"] for r in listed]
    for post in posts.values():
        assert sum(post.canonical_url in t for t in texts) <= 1, "no post went out twice"
