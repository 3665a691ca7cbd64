"""Canonical HTML → WeChat's restricted HTML: what WeChat would strip is done first, and said."""

from __future__ import annotations

from syndicate.dialects.wechat import to_wechat_html

PAGE = "https://blog.example/2024/post/"


def test_links_elsewhere_become_numbered_footnotes_and_wechat_links_stay() -> None:
    html = ('<p>See <a href="https://a.example/x">A</a>, <a href="https://mp.weixin.qq.com/s/abc">'
            'our article</a> and <a href="https://a.example/x">A again</a>.</p>')
    out = to_wechat_html(html, lambda _u: False, PAGE)
    assert '<a href="https://mp.weixin.qq.com/s/abc">our article</a>' in out.html
    assert "A<sup>[1]</sup>" in out.html and "A again<sup>[1]</sup>" in out.html
    assert "[1] https://a.example/x" in out.html and "[2]" not in out.html
    assert out.html.count("<a ") == 1
    assert any("footnotes" in n for n in out.notices)


def test_footnote_references_keep_their_text_and_back_links_go() -> None:
    html = (f'<p>Claim<sup><a href="{PAGE}#fn1" id="fnref1">[1]</a></sup></p>'
            f'<ol><li>Source. <a class="footnote-backref" href="{PAGE}#fnref1">↩</a></li></ol>')
    out = to_wechat_html(html, lambda _u: False, PAGE)
    assert "Claim<sup>[1]</sup>" in out.html and "↩" not in out.html and "<a" not in out.html
    assert not [n for n in out.notices if "footnote" in n]


def test_uploadable_images_get_placeholders_in_order_and_others_their_alt_text() -> None:
    html = ('<p><img src="https://blog.example/a.png" alt="a"><img src="https://cdn.example/b.png" '
            'alt="远程图"><img src="https://blog.example/c.jpg" alt=""></p>')
    out = to_wechat_html(html, lambda u: u.startswith("https://blog.example/"), PAGE)
    assert out.images == ["https://blog.example/a.png", "https://blog.example/c.jpg"]
    assert 'src="https://blog.example/a.png"' in out.html and 'src="https://blog.example/c.jpg"' in out.html
    assert "[图片：远程图]" in out.html and "cdn.example" not in out.html
    assert any("alt text" in n and "cdn.example/b.png" in n for n in out.notices)


def test_scripts_media_classes_and_comments_go_and_code_gets_inline_styles() -> None:
    html = ('<!-- note --><div class="x" id="y"><script>alert(1)</script><iframe src="https://v.example">'
            '</iframe><pre class="language-py"><code class="language-py">a &lt; b\n  c</code></pre></div>')
    out = to_wechat_html(html, lambda _u: False, PAGE)
    assert "script" not in out.html and "iframe" not in out.html and "note" not in out.html
    assert "class=" not in out.html and 'id="y"' not in out.html
    assert "<pre style=" in out.html and "a &lt; b\n  c</code></pre>" in out.html
    assert sorted(n.split(" ")[1] for n in out.notices if "removed" in n) == ["<iframe>", "<script>"]


def test_uploaded_images_are_swapped_in_by_their_site_url() -> None:
    from syndicate.dialects.wechat import swap_images

    html = '<p><img alt="a" src="https://blog.example/a.png?x=1&amp;y=2"/><img src="https://o.example/b.png"/></p>'
    swapped = swap_images(html, {"https://blog.example/a.png?x=1&y=2": "http://mmbiz.qpic.cn/a/0?wx_fmt=png"})
    assert 'src="http://mmbiz.qpic.cn/a/0?wx_fmt=png"' in swapped and "o.example/b.png" in swapped


def test_the_same_input_gives_the_same_bytes() -> None:
    html = '<p>x <a href="https://a.example">y</a> <img src="https://blog.example/a.png" alt="a"></p>'
    first = to_wechat_html(html, lambda _u: True, PAGE)
    assert first.html == to_wechat_html(html, lambda _u: True, PAGE).html
