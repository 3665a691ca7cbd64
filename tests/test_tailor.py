"""tailor(): regions, selector rules and footer per platform; pure."""

from __future__ import annotations

from datetime import UTC, datetime

from syndicate.config import Parts
from syndicate.post import Post
from syndicate.tailor import tailor

HTML = ("<p>a</p>\n<!-- syndicate:off -->\n<p>site</p>\n<!-- syndicate:on -->\n"
        "<!-- syndicate:off telegram,medium -->\n<p>tg-off</p>\n<!-- syndicate:on -->\n"
        '<div class="--donate-button">x</div><div class="ad">ad</div>\n')


def post(html: str = HTML) -> Post:
    return Post(key="k", source_path="p.md", source_hash="h", title="T & U",
                date=datetime(2024, 1, 2, tzinfo=UTC),
                canonical_url="https://dbarobin.com/2024/01/02/p/", html=html)


def test_regions_for_every_and_targeted_platforms() -> None:
    tg = tailor(post(), "telegram", Parts()).html
    wp = tailor(post(), "wordpress", Parts()).html
    assert "site" not in tg and "tg-off" not in tg and "syndicate:" not in tg
    assert "site" not in wp and "tg-off" in wp and "syndicate:" not in wp


def test_drop_replace_and_footer() -> None:
    parts = Parts(drop=[".--donate-button"], replace={".ad": "<p>plain</p>"},
                  footer="Originally published at {canonical_url} ({title})")
    original = post()
    html = tailor(original, "telegram", parts).html
    assert "donate" not in html and "ad</div>" not in html and "<p>plain</p>" in html
    assert html.rstrip().endswith(
        '<p>Originally published at <a href="https://dbarobin.com/2024/01/02/p/">'
        "https://dbarobin.com/2024/01/02/p/</a> (T &amp; U)</p>")
    assert original.html == HTML
    assert tailor(original, "telegram", parts) == tailor(original, "telegram", parts)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PLATFORMS = st.sampled_from(["telegram", "medium", "wordpress"])
TEXT = st.text(alphabet="ab 文😊", min_size=1, max_size=8)


@given(st.lists(st.tuples(TEXT, st.booleans(), st.booleans()), max_size=5), PLATFORMS)
def test_markers_never_survive_and_only_targeted_regions_go(
        blocks: list[tuple[str, bool, bool]], platform: str) -> None:
    html = ""
    for index, (text, hidden, telegram_only) in enumerate(blocks):
        body = f"<p>#{index}:{text}</p>"
        if hidden:
            spec = " telegram" if telegram_only else ""
            html += f"<!-- syndicate:off{spec} -->{body}<!-- syndicate:on -->\n"
        else:
            html += body + "\n"
    out = tailor(post(html), platform, Parts()).html
    assert "syndicate:" not in out
    for index, (text, hidden, telegram_only) in enumerate(blocks):
        shown = not hidden or (telegram_only and platform != "telegram")
        assert (f"<p>#{index}:{text}</p>" in out) == shown
