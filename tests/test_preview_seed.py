"""Issue 2's acceptance check: what `syndicate preview --json` gives for the seed post."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from syndicate import registry
from syndicate.dialects.telegram import plain, validate, visible_length
from tests.conftest import EXAMPLE_BLOG

SEED_KEY = "_posts/想法/2021-01-28-xiaomi.md"
IMAGES = ("https://cdn.dbarobin.com/4iguirx.png", "https://cdn.dbarobin.com/v4yywe2.png")


def preview_json() -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "syndicate.cli", "preview", "--site", str(EXAMPLE_BLOG), "--json"],
        capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_seed_preview_covers_every_platform_with_the_exact_canonical_url() -> None:
    items = [i for i in preview_json() if i["post"] == SEED_KEY]
    assert {i["platform"] for i in items} == set(registry.available())
    for item in items:
        assert item["canonical_url"] == "https://dbarobin.com/2021/01/28/xiaomi/"
        assert item["title"] == "刚夸了小米结果被打脸"


def test_seed_medium_and_wordpress_bodies_keep_title_tags_and_both_images() -> None:
    items = {i["platform"]: i for i in preview_json() if i["post"] == SEED_KEY}
    medium_post = items["medium"]["requests"][-1]["body"]  # type: ignore[index]
    assert medium_post["title"] == "刚夸了小米结果被打脸"
    assert medium_post["tags"] == ["想法", "小米", "京东"]
    assert medium_post["canonicalUrl"] == "https://dbarobin.com/2021/01/28/xiaomi/"
    wordpress: list[dict[str, Any]] = items["wordpress"]["requests"]  # type: ignore[assignment]
    wordpress_post = next(r["body"] for r in wordpress if r["url"].endswith("/wp/v2/posts"))
    assert [r["url"].split("search=")[1].split("&")[0] for r in wordpress
            if "/tags?search=" in r["url"]] == ["想法", "小米", "京东"]
    for body in (medium_post["content"], wordpress_post["content"]):
        for image in IMAGES:
            assert image in body
        assert "donate-button" not in body  # a site-only widget never leaves the site


def test_seed_telegram_text_uses_only_the_subset_and_fits() -> None:
    items = {i["platform"]: i for i in preview_json() if i["post"] == SEED_KEY}
    for request in items["telegram"]["requests"]:  # type: ignore[union-attr]
        body = request["body"]
        text = body.get("caption", body.get("text"))
        validate(text)  # raises on any tag outside Telegram's subset
        limit = 1024 if "caption" in body else 4096
        assert 0 < visible_length(text) <= limit
        assert "https://dbarobin.com/2021/01/28/xiaomi/" in plain(text)
        assert "<center" not in text and "<div" not in text


def test_preview_never_shows_a_configured_secret(tmp_path: object) -> None:
    token = "123456789:SECRETtelegramTOKENthatMUSTnotLEAK00"
    env = {"PATH": "/usr/bin:/bin", "SYNDICATE_TELEGRAM__BOT_TOKEN": token,
           "SYNDICATE_MEDIUM__TOKEN": "medium-secret-token-value"}
    result = subprocess.run(
        [sys.executable, "-m", "syndicate.cli", "preview", "--site", str(EXAMPLE_BLOG), "--json"],
        capture_output=True, text=True, check=True, env=env)
    assert token not in result.stdout + result.stderr
    assert "medium-secret-token-value" not in result.stdout + result.stderr
    assert "/bot***/" in result.stdout
