"""The preview site without a browser: cleaning, renderings, warnings, Markdown summary."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.medium.view import view as medium
from adapters.telegram.view import telegraph_page
from adapters.telegram.view import view as telegram
from adapters.wordpress.view import view as wordpress
from syndicate.adapter import Capabilities, Dialect, Limit, Payload, RequestSpec, Unit
from syndicate.post import Notice, Post
from syndicate.preview_site import page_name, preview_markdown, write_preview_site
from syndicate.preview_site.sanitize import BLOG, TELEGRAM_HTML, clean
from syndicate.preview_site.views import card
from syndicate.preview_site.warnings import collect, image_problem, truncation
from syndicate.previews import PreviewItem

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
NO_LIMITS = Capabilities(Dialect.HTML)


def make_post(**changes: Any) -> Post:
    values: dict[str, Any] = dict(
        key="_posts/a.md", source_path="_posts/a.md", source_hash="h", title="Title",
        date=datetime(2024, 1, 1, tzinfo=UTC), canonical_url="https://blog.example/a/",
        html="<p>Body</p>", summary="A summary.", language="zh-CN")
    values.update(changes)
    return Post(**values)


def item(platform: str, data: dict[str, Any], post: Post | None = None,
         notices: tuple[str, ...] = ()) -> PreviewItem:
    post = post or make_post()
    return PreviewItem(post, platform, Payload(platform, post.key, data, notices),
                       [RequestSpec("POST", f"https://api.{platform}.example/posts")])


class Tags(HTMLParser):
    """Every (tag, attributes) in a fragment, to check what survived cleaning."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))


def tags_of(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(fragment)
    return parser.seen


def test_clean_drops_scripts_handlers_and_javascript_links() -> None:
    dirty = ('<p onclick="x()">Hi <script>steal()</script><a href="javascript:alert(1)">a</a>'
             '<a href=" JaVaScRiPt:alert(1)">b</a><img src="https://c.example/i.png" onerror="x">'
             '<iframe src="https://evil.example"></iframe><style>p{}</style></p>')
    out = clean(dirty, BLOG)
    assert "steal" not in out and "script" not in out and "iframe" not in out
    assert "javascript" not in out.lower()
    for tag, attrs in tags_of(out):
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert '<img src="https://c.example/i.png"' in out
    assert "Hi " in out and ">a</a>" in out


ALLOWED_TAGS = set(BLOG.tags.values())
ALLOWED_ATTRS = {"href", "src", "alt", "title", "width", "height", "colspan", "rowspan",
                 "start", "rel", "class"}


PIECES = st.sampled_from(list("<>\"'=/ ;:&#aioscrptnmgfelhjv") + [
    "<script>", "</script>", "<img ", " onerror=", "javascript:", "<a href=", "<svg", "<p>",
    "<style>", "-->", "<!--", "&lt;", "<b>", "</a>", " src=", "data:"])


@given(st.lists(PIECES, max_size=40).map("".join))
def test_clean_never_lets_anything_outside_the_allowlist_through(dirty: str) -> None:
    out = clean(dirty, BLOG)
    for tag, attrs in tags_of(out):
        assert tag in ALLOWED_TAGS
        assert set(attrs) <= ALLOWED_ATTRS
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith(("http:", "https:", "mailto:", "#"))


def test_telegram_subset_becomes_styled_html_and_everything_else_is_text() -> None:
    body = ('<b>bold</b> <i>it</i> <u>un</u> <s>st</s> <code>c</code> <pre>p</pre> '
            '<a href="https://x.example/">link</a> <tg-spoiler>sp</tg-spoiler> '
            '<span class="tg-spoiler">sp2</span> <blockquote>q</blockquote> &lt;b&gt;lit '
            '<span class="other">plain</span>')
    out = clean(body, TELEGRAM_HTML)
    for expected in ("<strong>bold</strong>", "<em>it</em>", "<u>un</u>", "<s>st</s>",
                     "<code>c</code>", "<pre>p</pre>", "<blockquote>q</blockquote>",
                     '<span class="tg-spoiler">sp</span>', '<span class="tg-spoiler">sp2</span>'):
        assert expected in out
    assert '<a href="https://x.example/" rel="nofollow noopener">link</a>' in out
    assert "&lt;b&gt;lit" in out and "<span>" not in out and "plain" in out


def test_telegram_bubble_shows_photo_caption_counter_and_each_message_in_order() -> None:
    caps = Capabilities(Dialect.TELEGRAM_HTML,
                        limits=(Limit("messages[].params.caption", 10, Unit.CODEPOINTS),
                                Limit("messages[].params.text", 4096, Unit.CODEPOINTS)))
    data = {"mode": "full", "messages": [
        {"method": "sendPhoto", "params": {"photo": "https://c.example/p.png",
                                            "caption": "<b>Title</b> &amp; more words"}},
        {"method": "sendMessage", "params": {"text": "second " + HOSTILE}}]}
    out = telegram(data, caps)
    assert out.index("message 1 of 2") < out.index("message 2 of 2")
    assert '<img class="photo" src="https://c.example/p.png"' in out
    assert "<strong>Title</strong> &amp; more words" in out
    assert "18 / 10 codepoints" in out and 'class="counter over"' in out
    assert "<script" not in out and "onerror=alert" not in out.replace("onerror=alert(2)&gt;", "")
    assert 'onerror' not in "".join(str(a) for _, a in tags_of(out))


def test_medium_renders_its_markdown_and_wordpress_its_html_both_cleaned() -> None:
    content = ("# T\n\n**b** [x](javascript:alert(1)) <script>s</script>\n\n"
               "![alt](https://c.example/i.png)")
    md = medium({"title": "T", "content": content, "tags": ["a", "<b>"], "canonicalUrl": "u"}, NO_LIMITS)
    assert "<h1>T</h1>" in md and "<strong>b</strong>" in md
    assert "<script" not in md and "&lt;b&gt;" in md
    assert all(not (a.get("href") or "").startswith("javascript") for _, a in tags_of(md))
    assert '<img src="https://c.example/i.png" alt="alt">' in md
    wp = wordpress({"title": HOSTILE, "content": f"<p>ok</p>{HOSTILE}", "excerpt": "<p>ex</p>",
                    "tags": ["t1"], "categories": ["c"], "slug": "s"}, NO_LIMITS)
    assert "<script" not in wp and "<p>ok</p>" in wp and "<li>t1</li>" in wp
    assert "&lt;script&gt;" in wp  # the title is shown, as text


def test_card_counts_in_the_platform_unit() -> None:
    caps = Capabilities(Dialect.TEXT, limits=(Limit("status", 5, Unit.GRAPHEMES),))
    out = card({"status": "👨‍👩‍👧 hi"}, caps)
    assert "4 / 5 graphemes" in out and "over" not in out
    assert "5 / 5" in card({"status": "abcde"}, caps)
    assert 'class="counter over"' in card({"status": "abcdef"}, caps)


def test_image_problems_name_relative_and_non_http_urls() -> None:
    assert image_problem("https://c.example/a.png") is None
    assert "relative" in (image_problem("images/a.png") or "")
    assert "data:" in (image_problem("data:image/png;base64,AAAA") or "")
    assert "ftp:" in (image_problem("ftp://c.example/a.png") or "")


def test_truncation_says_where_the_summary_was_cut() -> None:
    assert truncation("短句。", "<b>T</b>\n\n短句。") is None
    cut = truncation("第一句。第二句很长很长。", "T\n\n第一句。…\n\nhttps://x/")
    assert cut is not None and "after 4 of 12" in cut.message and "第一句。" in cut.message


def test_a_summary_link_written_as_markdown_in_the_body_is_not_a_cut() -> None:
    """A summary reads "text (url)" where a Markdown body has "[text](url)": the same words
    (seen on a real post, where dev.to was wrongly said to cut it after 7 characters)."""
    summary = "这篇文章转载自我在知乎上的回答 (https://www.zhihu.com/question/1/answer/2)"
    body = "> 这篇文章转载自[我在知乎上的回答]( https://www.zhihu.com/question/1/answer/2)\n\n我用"
    assert truncation(summary, body) is None
    assert truncation(summary, "> 这篇文章转载自[我在") is not None


def test_collect_gathers_every_kind_of_warning() -> None:
    post = make_post(notices=(Notice("_posts/a.md", "unknown Liquid tag {% gist %} removed", 3),
                              Notice("_posts/a.md", "only for medium", platform="medium")),
                     cover_image="/assets/cover.png", summary="Long summary that was cut.")
    caption = Limit("messages[].params.caption", 5, Unit.CODEPOINTS)
    data = {"messages": [{"method": "sendPhoto", "params": {
        "photo": "ftp://c.example/p.png", "caption": "<b>T</b>\n\nLong summary…"}}],
            "content": '<img src="img/rel.png">'}
    measured = [(caption, "T\n\nLong summary…")]
    alerts = collect(item("telegram", data, post, ("tag 'x' dropped: only 3 tags are kept",)), measured)
    kinds = [a.kind for a in alerts]
    assert kinds.count("markup") == 1 and "{% gist %}" in alerts[0].message
    assert "tags" in kinds and "truncated" in kinds and "limit" in kinds
    messages = " ".join(a.message for a in alerts)
    assert "ftp:" in messages and "img/rel.png" in messages and "/assets/cover.png" in messages


def test_site_escapes_hostile_titles_and_names_pages_stably(tmp_path: Path) -> None:
    post = make_post(title=HOSTILE, key="_posts/想法/x.md", language="zh-CN")
    items = [item("wordpress", {"title": HOSTILE, "content": HOSTILE, "excerpt": ""}, post),
             item("medium", {"title": "t", "content": HOSTILE}, post)]
    index = write_preview_site(items, [make_post(title=HOSTILE, hold="draft")], [], tmp_path)
    page = tmp_path / page_name("_posts/想法/x.md")
    assert page_name("_posts/想法/x.md") == page_name("_posts/想法/x.md")
    assert page.name.isascii() and index == tmp_path / "index.html"
    for path in (index, page):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "onerror=alert" not in text.replace(
            "onerror=alert(2)&gt;", "")
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert '<html lang="zh-CN">' in page.read_text(encoding="utf-8")


def test_markdown_summary_escapes_cells_and_lists_warnings_held_and_errors() -> None:
    post = make_post(title="a | b <img src=x> [l](javascript:x)")
    text = preview_markdown(
        [item("medium", {"title": "t", "content": ""}, post, ("tag 'x' dropped: too long",))],
        [make_post(title="held one", hold="draft")], ["bad.md:3: no title"])
    row = next(line for line in text.splitlines() if "medium" in line)
    assert row.count(" | ") == 3 and "\\|" in row and "<img" not in row and "&lt;img" in row
    assert "tag 'x' dropped" in row.replace("\\", "") and "create" in row
    assert "held one: draft" in text and "bad.md:3: no title" in text.replace("\\", "")


def test_planner_actions_label_columns_and_blocked_updates_become_warnings(tmp_path: Path) -> None:
    post = make_post()
    items = [item("medium", {"title": "t", "content": "x"}, post),
             item("wordpress", {"title": "t", "content": "x", "excerpt": ""}, post),
             item("telegram", {"messages": []}, post)]
    actions = {(post.key, "medium"): ("blocked", "Medium cannot update a story"),
               (post.key, "wordpress"): ("skip", "unchanged")}
    index = write_preview_site(items, [], [], tmp_path, actions)
    page = (tmp_path / page_name(post.key)).read_text(encoding="utf-8")
    assert "Blocked:</span> blocked: Medium cannot update a story" in page
    assert "· skip (unchanged)" in page and "· create" in page
    table = index.read_text(encoding="utf-8")
    assert table.count(">blocked</span>") == 1 and "1 warning<" in table
    summary = preview_markdown(items, [], [], actions)
    assert "| blocked | blocked: Medium cannot update a story |" in summary


def test_telegraph_page_is_rebuilt_from_nodes_and_cleaned() -> None:
    page = {"title": "T <b>", "author_name": "A", "content": [
        {"tag": "p", "children": ["x < y ", {"tag": "b", "children": ["bold"]}]},
        {"tag": "script", "children": ["alert(1)"]},
        {"tag": "a", "attrs": {"href": "javascript:x", "onclick": "y"}, "children": ["l"]},
        {"tag": "img", "attrs": {"src": "https://c.example/i.png"}}]}
    out = telegraph_page(page)
    assert "<h3>T &lt;b&gt;</h3>" in out and "<p>x &lt; y <b>bold</b></p>" in out
    assert "alert" not in out and "javascript" not in out and "onclick" not in out
    assert '<img src="https://c.example/i.png" alt="image: https://c.example/i.png">' in out
