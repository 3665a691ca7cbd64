"""The preview's look of a toot, a skeet with its card, a LinkedIn share, a Discord embed
and a Slack message: drawn from the payload as sent, hostile text always escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from syndicate import registry
from syndicate.post import Post
from syndicate.preview_site.views import render

HOSTILE = '<script>alert("x")</script> 小米 & (test)'


def post() -> Post:
    return Post(key="k", source_path="p.md", source_hash="h", title=HOSTILE,
                date=datetime(2021, 1, 28, tzinfo=UTC),
                canonical_url="https://blog.example.com/a?b=1&c=2", html="<p>x</p>",
                summary="一句话。 <b>bold</b>", tags=("编程", "web dev"),
                cover_image="https://blog.example.com/cover.png", cover_file=None)


def adapter(name: str) -> Any:
    cls = registry.get(name)
    values: dict[str, Any] = {f: "secret-value" for f in cls.settings_model.secret_fields()}
    if name == "mastodon":
        values["base_url"] = "https://example.social"
    return cls(cls.settings_model(**values))


@pytest.mark.parametrize(("name", "marks"), [
    ("mastodon", ['class="toot"', "graphemes (URLs count 23)", 'href="https://blog.example.com/a?b=1&amp;c=2"']),
    ("bluesky", ['class="skeet"', 'class="skeet-card"', 'class="facet-tag">#编程</span>',
                 "graphemes", "bytes", "blog.example.com</span>"]),
    ("linkedin", ['class="linkedin"', '<span class="tag">#编程</span>', "(test)", "utf16"]),
    ("discord", ['class="discord"', 'class="embed"', 'href="https://blog.example.com/a?b=1&amp;c=2"',
                 'src="https://blog.example.com/cover.png"']),
    ("slack", ['class="slack"', "<h3>", "Read the post</a>", "cannot edit"]),
])
def test_each_view_draws_its_platform_and_escapes(name: str, marks: list[str]) -> None:
    made = adapter(name)
    shown = render(name, made.render(post()).data, made.capabilities)
    for mark in marks:
        assert mark in shown, (name, mark)
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "<b>bold" not in shown
