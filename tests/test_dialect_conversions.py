"""Canonical HTML → Markdown, plain text, full HTML and Telegraph nodes, by example."""

from __future__ import annotations

import json

from syndicate.dialects.html import to_full_html
from syndicate.dialects.markdown import to_markdown
from syndicate.dialects.telegraph import TAGS, content_size, to_nodes
from syndicate.dialects.text import to_text
from tests.test_dialect_telegram import SEED

CODE = ('<pre><code class="language-python">def f(x):\n    return x &lt; 1 and "a"\n\n\n'
        "print(f(0))\n</code></pre>")
RICH = (
    "<h1>Title</h1><h2>Sub</h2><h5>Small</h5>"
    '<p>Hi <strong>b</strong> <em>i</em> <del>d</del> <code>x &lt; y</code> '
    '<a href="https://e.com/a_b">a link</a> <a href="https://e.com/">https://e.com/</a>.'
    '<sup id="fnref:1"><a class="footnote-ref" href="https://b.io/p#fn:1">1</a></sup></p>'
    + CODE +
    "<blockquote><p>Quote</p></blockquote>"
    "<ul><li>one<ul><li>nested</li></ul></li><li><p>two</p></li></ul>"
    '<ol start="3"><li>three</li></ol>'
    "<table><thead><tr><th>名字</th><th>v</th></tr></thead>"
    "<tbody><tr><td>苹果</td><td>1 | 2</td></tr></tbody></table>"
    "<hr/><p>line<br/>break</p>"
    '<figure><img src="https://e.com/i.png" alt="An image"/><figcaption>Cap</figcaption></figure>'
    '<section class="footnotes"><ol><li id="fn:1"><p>Note. '
    '<a class="reversefootnote" href="https://b.io/p#fnref:1">↩</a></p></li></ol></section>'
)


def test_markdown_keeps_headings_code_language_tables_and_links() -> None:
    assert to_markdown(RICH) == (
        "# Title\n\n## Sub\n\n##### Small\n\n"
        "Hi **b** *i* ~~d~~ `x < y` [a link](https://e.com/a_b) <https://e.com/>."
        "[[1]](https://b.io/p#fn:1)\n\n"
        '```python\ndef f(x):\n    return x < 1 and "a"\n\n\nprint(f(0))\n```\n\n'
        "> Quote\n\n* one\n  * nested\n* two\n\n3. three\n\n"
        "| 名字 | v |\n| --- | --- |\n| 苹果 | 1 \\| 2 |\n\n---\n\nline  \nbreak\n\n"
        "![An image](https://e.com/i.png)\n\nCap\n\n"
        "1. Note. [↩](https://b.io/p#fnref:1)\n")


def test_markdown_of_the_seed_post_keeps_byline_images_bold_and_list_links() -> None:
    markdown = to_markdown(SEED)
    assert markdown.startswith("`文/Robin`\n\n---\n\n![](https://cdn.dbarobin.com/4iguirx.png)\n\n")
    assert "我的微信: **Wentasy**" in markdown
    assert "* 币安注册: <https://accounts.binancezh.cc/cn/register/?ref=11190872>\n" in markdown
    assert "<center>" not in markdown and "<div>" not in markdown
    assert to_markdown(SEED) == markdown


def test_plain_text_reads_well() -> None:
    assert to_text(RICH) == (
        "Title\n\nSub\n\nSmall\n\n"
        "Hi b i d x < y a link (https://e.com/a_b) https://e.com/.[1]\n\n"
        'def f(x):\n    return x < 1 and "a"\n\n\nprint(f(0))\n\n'
        "Quote\n\n• one\n  • nested\n• two\n\n3. three\n\n"
        "名字 | v\n-----+------\n苹果 | 1 | 2\n\nline\nbreak\n\nCap\n\n1. Note.")


def test_plain_text_of_the_seed_post() -> None:
    text = to_text(SEED)
    assert text.startswith("文/Robin\n\n1 月 24 号")
    assert "博客 dbarobin.com (https://dbarobin.com/)。" in text
    assert ("• 币安注册: https://accounts.binancezh.cc/cn/register/?ref=11190872\n"
            "• 邀请码: 11190872") in text
    assert "<" not in text


def test_full_html_drops_comments_and_markers_and_is_stable() -> None:
    html = ("<p>a</p>\n<!-- syndicate:off -->\n<p>site only</p>\n<!-- syndicate:on -->\n\n\n\n"
            "<!--more-->\n" + CODE + "\n")
    cleaned = to_full_html(html)
    assert "<!--" not in cleaned
    assert cleaned == "<p>a</p>\n<p>site only</p>\n\n" + CODE + "\n"
    assert to_full_html(cleaned) == cleaned


def walk(nodes: list[object]) -> list[dict[str, object]]:
    found = []
    for node in nodes:
        if isinstance(node, dict):
            found.append(node)
            found.extend(walk(node.get("children", [])))
    return found


def test_telegraph_nodes_use_only_allowed_tags_and_attributes() -> None:
    nodes = to_nodes(RICH + SEED)
    elements = walk(nodes)
    assert {e["tag"] for e in elements} <= TAGS
    assert all(set(e.get("attrs", {})) <= {"href", "src"} for e in elements)
    assert nodes[:3] == [{"tag": "h3", "children": ["Title"]}, {"tag": "h3", "children": ["Sub"]},
                         {"tag": "h4", "children": ["Small"]}]
    assert {"tag": "pre", "children": [{"tag": "code", "children": [
        'def f(x):\n    return x < 1 and "a"\n\n\nprint(f(0))']}]} in nodes
    assert {"tag": "pre", "children": ["名字 | v\n-----+------\n苹果 | 1 | 2"]} in nodes
    assert {"tag": "p", "children": ["本博客开通了 Donate Cafe 打赏"]} in nodes  # center/div


def test_telegraph_content_size_is_utf8_bytes_of_the_json() -> None:
    nodes = to_nodes("<p>小米</p>")
    assert nodes == [{"tag": "p", "children": ["小米"]}]
    assert content_size(nodes) == len(json.dumps(nodes, ensure_ascii=False,
                                                 separators=(",", ":")).encode())
    assert content_size(nodes) == len('[{"tag":"p","children":["小米"]}]'.encode())


def test_every_example_post_converts_to_every_dialect_validly() -> None:
    from adapters.telegram.fake_html import parse
    from syndicate.dialects.telegram import split_messages, to_telegram_html, validate
    from syndicate.sources import open_site
    from tests.conftest import EXAMPLE_BLOG

    posts, errors = open_site(EXAMPLE_BLOG).read_all()
    assert posts and not errors
    for post in posts:
        for part in split_messages(to_telegram_html(post.html), 4096):
            validate(part)
            parse(part)
        assert {e["tag"] for e in walk(to_nodes(post.html))} <= TAGS
        assert to_markdown(post.html).endswith("\n")
        text = to_text(post.html)
        assert text and "\x00" not in text and "\x01" not in text  # placeholders all resolved
        assert to_full_html(post.html) == to_full_html(to_full_html(post.html))


def test_conversions_share_one_parse_and_never_change_it() -> None:
    from syndicate.dialects.telegram import to_telegram_html
    from syndicate.dialects.tree import forget, parse, parse_text

    converters = (to_markdown, to_text, to_nodes, to_telegram_html)
    forget()
    to_markdown.cache_clear()
    tree = str(parse(RICH + SEED))
    first = [convert(RICH + SEED) for convert in converters]
    assert parse_text.cache_info().misses == 1  # one parse served every dialect
    assert str(parse(RICH + SEED)) == tree  # and none of them altered the shared tree
    forget()
    to_markdown.cache_clear()
    assert [convert(RICH + SEED) for convert in converters] == first
