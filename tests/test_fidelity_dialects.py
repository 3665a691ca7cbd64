"""What each platform receives from posts real blogs hold: text that looks like HTML, maths,
entities in titles, author mappings, over-long pages, astral characters."""

from __future__ import annotations

from pathlib import Path

import httpx
from markdown_it import MarkdownIt

from adapters.telegram import TelegramAdapter
from syndicate.adapter import Payload, Unit
from syndicate.dialects.fit import count
from syndicate.dialects.markdown import to_markdown
from syndicate.dialects.telegram import plain, split_messages, visible_length
from syndicate.dialects.telegraph import content_size
from syndicate.sources import open_site
from tests.sitefiles import write
from tests.test_telegram_adapter import Progress, Sandbox, adapter, hand_post

COMMONMARK = MarkdownIt("commonmark")


def shown(markdown: str) -> str:
    """The HTML a CommonMark renderer (Medium's, dev.to's) makes of ``markdown``."""
    return COMMONMARK.render(markdown)


def test_medium_markdown_keeps_escaped_text_as_text() -> None:
    html = ("<p>To show an image write &lt;img src=&quot;a.png&quot;&gt; &amp;copy; AT&amp;T</p>"
            "<h2>Why &lt;noscript&gt; matters</h2>")
    rendered = shown(to_markdown(html))
    assert "<img" not in rendered and "<noscript>" not in rendered
    assert "&lt;img src=&quot;a.png&quot;&gt; &amp;copy; AT&amp;T" in rendered
    assert "<h2>Why &lt;noscript&gt; matters</h2>" in rendered


def test_maths_reaches_markdown_and_text_platforms_as_its_source() -> None:
    html = ('<p>Let <span class="math">$a_{i} * b_{j}$</span> be.</p>\n'
            '<div class="math">$$a_{i} + b_{j} \\\\\nc$$</div>')
    rendered = shown(to_markdown(html))
    assert "$a_{i} * b_{j}$" in rendered and "$$a_{i} + b_{j} \\\\\nc$$" in rendered
    assert "<em>" not in rendered
    from syndicate.dialects.telegram import to_telegram_html

    assert "$$a_{i} + b_{j} \\\\" in plain(to_telegram_html(html))


def test_one_telegram_plain_text_for_the_dialect_and_the_preview() -> None:
    # Telegram decodes only &lt; &gt; &amp; &quot; and numeric entities; the rest stays text.
    # The preview's limit warnings measure what the adapter declares, through the same plain().
    markup = "AT&amp;T &copy; &nbsp;x &bogus;"
    payload = Payload("telegram", "k", {"messages": [{"method": "sendMessage",
                                                      "params": {"text": markup}}]})
    [(limit, measured)] = TelegramAdapter.measured(payload)
    assert plain(markup) == measured == "AT&T &copy; &nbsp;x &bogus;"
    assert len(measured) == 27 and limit.unit is Unit.UTF16
    import syndicate.preview_site.warnings as warnings

    assert not hasattr(warnings, "plain_text")  # the second, disagreeing parse is gone


def test_telegram_fits_the_stricter_of_code_points_and_utf16() -> None:
    # a body of 3,996 code points that is 4,247 UTF-16 units long (251 astral emoji)
    body = ("<b>🙂</b>x" * 251) + "y" * (3996 - 502)
    assert len(plain(body)) == 3996 and count(plain(body), Unit.UTF16) == 4247
    parts = split_messages(body, 4096)
    assert len(parts) == 2
    assert all(count(plain(p).strip(), Unit.UTF16) <= 4096 for p in parts)
    assert visible_length(body) == 4247


def jekyll_post(root: Path, front: str) -> object:
    write(root, "_config.yml", "url: https://x.org\nauthor:\n  name: Ann Example\n  email: a@x.org\n")
    write(root, "_posts/2020-01-01-a.md", f"---\n{front}---\nText & more.\n")
    posts, errors = open_site(root).read_all()
    assert not errors, errors
    return posts[0]


def test_a_title_with_an_entity_reaches_telegram_escaped_once(tmp_path: Path) -> None:
    post = jekyll_post(tmp_path, 'title: "AT&amp;T news"\n')
    text = TelegramAdapter.render(adapter("link"), post).data["messages"][0]["params"]["text"]  # type: ignore[arg-type]
    assert "<b>AT&amp;T news</b>" in text and "&amp;amp;" not in text
    assert plain(text).startswith("AT&T news")


async def test_telegraph_with_an_author_mapping_and_a_page_over_64_kb(tmp_path: Path) -> None:
    post = jekyll_post(tmp_path, "title: Long\n")
    assert post.author == "Ann Example"  # type: ignore[attr-defined]
    long = hand_post("".join(f"<p>第{n}段：" + "小米手机与电池的故事。" * 60 + "</p>" for n in range(80)),
                     author="Ann Example")
    tg = adapter("telegraph")
    payload = tg.render(long)
    content = payload.data["page"]["content"]
    assert content_size(content) <= 64 * 1024
    assert content[-1]["children"][1]["attrs"]["href"] == long.canonical_url
    assert any("over 64 KB" in notice for notice in payload.notices)
    sandbox = Sandbox()
    async with httpx.AsyncClient(transport=httpx.MockTransport(sandbox)) as client:
        await tg.create(client, payload, Progress().attempt())
    [page] = sandbox.telegraph.pages.values()
    assert page["author_name"] == "Ann Example"
