"""Canonical HTML → Telegram's HTML subset, by example; and validate(), split, fit."""

from __future__ import annotations

import pytest

from adapters.telegram.fake_html import parse
from syndicate.dialects.telegram import (
    fit_telegram,
    plain,
    split_messages,
    to_telegram_html,
    validate,
    visible_length,
)

# The seed post's features, as the markup stage hands them over — plus a <center> and a
# <div> that slipped through, which Telegram would refuse as tags.
SEED = (
    "<p><code>文/Robin</code></p>\n<hr/>\n"
    '<p><img alt="" src="https://cdn.dbarobin.com/4iguirx.png"/></p>\n'
    "<p>1 月 24 号笔者写了篇文章夸小米，结果 2 天过后就被打脸。</p>\n"
    "<center><div>本博客开通了 Donate Cafe 打赏</div></center>\n"
    '<p>我是区块链罗宾，博客 <a href="https://dbarobin.com/">dbarobin.com</a>。'
    "我的微信: <strong>Wentasy</strong></p>\n<ul>\n"
    '<li>币安注册: <a href="https://accounts.binancezh.cc/cn/register/?ref=11190872">'
    "https://accounts.binancezh.cc/cn/register/?ref=11190872</a></li>\n"
    "<li>邀请码: <strong>11190872</strong></li>\n</ul>\n<hr/>\n"
    '<p>版权声明：<a href="http://creativecommons.org/licenses/by-nc-nd/4.0/deed.zh">'
    "自由转载-非商用-非衍生-保持署名（创意共享4.0许可证）</a></p>"
)


def test_seed_post_features_convert_to_the_subset() -> None:
    markup = to_telegram_html(SEED)
    validate(markup)
    parse(markup)
    assert markup == (
        "<code>文/Robin</code>\n\n———\n\n"
        '<a href="https://cdn.dbarobin.com/4iguirx.png">🖼 Image</a>\n\n'
        "1 月 24 号笔者写了篇文章夸小米，结果 2 天过后就被打脸。\n\n"
        "本博客开通了 Donate Cafe 打赏\n\n"
        '我是区块链罗宾，博客 <a href="https://dbarobin.com/">dbarobin.com</a>。'
        "我的微信: <b>Wentasy</b>\n\n"
        '• 币安注册: <a href="https://accounts.binancezh.cc/cn/register/?ref=11190872">'
        "https://accounts.binancezh.cc/cn/register/?ref=11190872</a>\n"
        "• 邀请码: <b>11190872</b>\n\n———\n\n"
        '版权声明：<a href="http://creativecommons.org/licenses/by-nc-nd/4.0/deed.zh">'
        "自由转载-非商用-非衍生-保持署名（创意共享4.0许可证）</a>"
    )
    assert "<center" not in markup and "<div" not in markup and "<p>" not in markup


def test_headings_become_bold_lines_and_inline_styles_map_to_the_subset() -> None:
    html = ("<h1>Title &amp; more</h1><h3>Sub</h3><p><strong>b</strong> <em>i</em> <del>s</del> "
            "<ins>u</ins> <span class=\"tg-spoiler\">hidden</span> <code>x &lt; y</code></p>")
    assert to_telegram_html(html) == (
        "<b>Title &amp; more</b>\n\n<b>Sub</b>\n\n<b>b</b> <i>i</i> <s>s</s> <u>u</u> "
        "<tg-spoiler>hidden</tg-spoiler> <code>x &lt; y</code>")


def test_code_block_keeps_language_indentation_and_blank_lines() -> None:
    html = ('<pre><code class="language-python">def f(x):\n    return x &lt; 1 &amp; "a"\n\n\n'
            "print(f(0))\n</code></pre>")
    assert to_telegram_html(html) == (
        '<pre><code class="language-python">def f(x):\n    return x &lt; 1 &amp; "a"\n\n\n'
        "print(f(0))</code></pre>")


def test_nested_lists_are_indented_and_ordered_lists_keep_their_start() -> None:
    html = ("<ul><li>one<ol start=\"3\"><li>three</li><li><p>four</p><ul><li>deep</li></ul></li>"
            "</ol></li><li>two</li></ul>")
    assert to_telegram_html(html) == "• one\n  3. three\n  4. four\n    • deep\n• two"


def test_tables_become_aligned_preformatted_text_counting_wide_characters() -> None:
    html = ("<table><thead><tr><th>名字</th><th>Value</th></tr></thead><tbody>"
            "<tr><td>苹果</td><td>1</td></tr><tr><td>kiwi</td><td>22</td></tr></tbody></table>")
    assert to_telegram_html(html) == (
        "<pre>名字 | Value\n-----+------\n苹果 | 1\nkiwi | 22</pre>")


def test_images_become_links_with_their_alt_and_figcaptions_italic() -> None:
    html = ('<figure><img src="https://e.com/i.png" alt="A &quot;cat&quot;"/>'
            "<figcaption>Caption</figcaption></figure>"
            '<p><a href="https://e.com/"><img src="https://e.com/b.png" alt=""/></a></p>')
    assert to_telegram_html(html) == (
        '<a href="https://e.com/i.png">🖼 A &quot;cat&quot;</a>\n<i>Caption</i>\n\n'
        '<a href="https://e.com/">Image</a>')


def test_nested_blockquotes_are_flattened_and_breaks_are_newlines() -> None:
    html = "<blockquote><p>outer<br/>line</p><blockquote><p>inner</p></blockquote></blockquote>"
    assert to_telegram_html(html) == "<blockquote>outer\nline\n\ninner</blockquote>"


def test_footnotes_and_embeds_stay_reachable_as_links() -> None:
    html = ('<p>Claim<sup><a class="footnote-ref" href="https://b.io/p#fn:1">1</a></sup></p>'
            '<iframe src="https://www.youtube.com/embed/xyz"></iframe>'
            '<section class="footnotes"><ol><li><p>Source.</p></li></ol></section>')
    assert to_telegram_html(html) == (
        'Claim[<a href="https://b.io/p#fn:1">1</a>]\n\n'
        '<a href="https://www.youtube.com/embed/xyz">https://www.youtube.com/embed/xyz</a>\n\n'
        "1. Source.")


def test_block_entities_never_land_inside_inline_ones() -> None:
    html = ('<strong><pre>code</pre><blockquote>q</blockquote></strong>'
            '<a href="https://a.io"><a href="https://b.io">x</a></a>')
    markup = to_telegram_html(html)
    validate(markup)
    assert "<pre>" not in markup and "<blockquote>" not in markup


@pytest.mark.parametrize(("markup", "message"), [
    ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
    ("文<p>x</p>", 'Unsupported start tag "p" at byte offset 3'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ("<b", "Unclosed start tag at byte offset 0"),
    ("<b x", 'Unclosed start tag "b" at byte offset 0'),
    ("<code><b>x</b></code>", 'Entity "b" cannot be nested in "code" at byte offset 6'),
    ("<blockquote><blockquote>x</blockquote></blockquote>", "Blockquotes cannot be nested"),
    ("<b><pre>x</pre></b>", 'Block entity "pre" cannot be inside "b"'),
])
def test_validate_rejects_with_telegrams_wording(markup: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        validate(markup)


def test_validate_accepts_the_whole_subset() -> None:
    validate('<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>'
             '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span>'
             '<tg-spoiler>t</tg-spoiler><a href="https://x.io">a</a><code>c</code>'
             '<pre><code class="language-go">x</code></pre><blockquote>q <b>b</b></blockquote>'
             "&lt; &gt; &amp; &quot; &#128512; AT&T &bogus; 1 > 0")


def test_visible_length_counts_code_points_after_parsing_and_trimming() -> None:
    assert visible_length("  <b>小米</b> &lt;3 &#128077;\n\n") == 7
    assert visible_length('<a href="https://very.long/url">x</a>') == 1
    assert plain("AT&T &bogus; &amp;") == "AT&T &bogus; &"


def test_split_cuts_between_blocks_first() -> None:
    markup = "\n\n".join(f"<b>Block {i}</b> " + "字" * 30 for i in range(6))
    parts = split_messages(markup, 100)
    assert parts == ["\n\n".join(f"<b>Block {i}</b> " + "字" * 30 for i in (j, j + 1))
                     for j in (0, 2, 4)]


def test_split_cuts_long_code_blocks_between_lines_into_several_pre_blocks() -> None:
    code = "\n".join(f"line {i} &lt; {i + 1}" for i in range(60))
    markup = f'<pre><code class="language-python">{code}</code></pre>'
    parts = split_messages(markup, 200)
    assert len(parts) > 1
    for part in parts:
        validate(part)
        assert part.startswith('<pre><code class="language-python">line ')
        assert part.endswith("</code></pre>")
        assert visible_length(part) <= 200
    assert "\n".join(plain(p) for p in parts) == plain(markup)


def test_split_cuts_a_long_chinese_paragraph_after_full_stops_reopening_tags() -> None:
    markup = "<i>" + "笔者开启退货申请后，没多久京东客服就打来电话。" * 20 + "</i>"
    parts = split_messages(markup, 100)
    assert all(p.startswith("<i>") and p.endswith("。</i>") for p in parts)
    assert "".join(plain(p) for p in parts) == plain(markup)


def test_fit_shortens_a_caption_keeping_the_link_and_closing_tags() -> None:
    markup = "<b>小米</b>\n\n<i>" + "这次退货的过程，笔者也进行了反思。" * 80 + "</i>"
    fitted = fit_telegram(markup, 1024, link="https://dbarobin.com/xiaomi/?a=1&b=2")
    validate(fitted)
    assert visible_length(fitted) <= 1024
    assert fitted.endswith('。…</i>\n\n<a href="https://dbarobin.com/xiaomi/?a=1&amp;b=2">'
                           "https://dbarobin.com/xiaomi/?a=1&amp;b=2</a>")
    assert fit_telegram("<b>short</b>", 1024) == "<b>short</b>"
