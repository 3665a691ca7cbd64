"""Markup: Liquid, shortcodes, Markdown, URL absolutizing, cleanup, notices, the seed body."""

from __future__ import annotations

from pathlib import Path

from syndicate.markup import MarkupContext, render_body

SEED = Path(__file__).parent.parent / "examples/blog/_posts/想法/2021-01-28-xiaomi.md"


def links(kind: str, target: str) -> str | None:
    table = {("post_url", "2021-01-28-xiaomi"): "/2021/01/28/xiaomi/",
             ("link", "_posts/a.md"): "/a/", ("ref", "x"): "/x/", ("relref", "y"): "/y/"}
    return table.get((kind, target))


def ctx(generator: str = "jekyll", **kw: object) -> MarkupContext:
    base: dict[str, object] = dict(
        path="_posts/p.md", generator=generator, site_url="https://dbarobin.com", baseurl="",
        page_url="https://dbarobin.com/2024/01/02/p/", body_line=5, resolve_link=links,
        site_vars={"url": "https://dbarobin.com", "baseurl": "", "title": "Robin"},
        page_vars={"title": "P"})
    base.update(kw)
    return MarkupContext(**base)  # type: ignore[arg-type]


def test_site_and_page_variables() -> None:
    html = render_body("{{ site.title }} / {{ page.title }} / {{ site.url }}", ctx()).html
    assert "Robin / P / https://dbarobin.com" in html and "{{" not in html


def test_relative_url_filter_and_baseurl() -> None:
    c = ctx(baseurl="/blog", site_vars={"baseurl": "/blog", "url": "https://dbarobin.com"})
    html = render_body('![a]({{ "/assets/a.png" | relative_url }})', c).html
    assert 'src="https://dbarobin.com/blog/assets/a.png"' in html


def test_post_url_and_link() -> None:
    html = render_body("[x]({% post_url 2021-01-28-xiaomi %}) [y]({% link _posts/a.md %})",
                       ctx()).html
    assert 'href="https://dbarobin.com/2021/01/28/xiaomi/"' in html
    assert 'href="https://dbarobin.com/a/"' in html


def test_highlight_becomes_fenced_code() -> None:
    html = render_body("{% highlight ruby linenos %}\nputs 1 < 2\n{% endhighlight %}", ctx()).html
    assert '<code class="language-ruby">puts 1 &lt; 2' in html


def test_raw_is_literal_and_liquid_runs_in_fences() -> None:
    body = "```\n{{ site.title }}\n{% raw %}{{ x }}{% endraw %}\n```"
    html = render_body(body, ctx()).html
    assert "Robin" in html and "{{ x }}" in html and "raw" not in html


def test_comment_removed() -> None:
    html = render_body("a {% comment %}secret{% endcomment %} b", ctx()).html
    assert "secret" not in html and "comment" not in html


def test_unknown_tag_removed_with_line_notice() -> None:
    result = render_body("one\n\ntwo {% include ad.html %}\n", ctx())
    assert "include" not in result.html and "ad.html" not in result.html
    assert result.notices and result.notices[0].line == 7
    assert result.notices[0].path == "_posts/p.md"


def test_hugo_figure_highlight_ref_and_escape() -> None:
    body = ('{{< figure src="/img/a.png" alt="A" caption="Cap" >}}\n\n'
            '{{< highlight go >}}\nfmt.Println(1)\n{{< /highlight >}}\n\n'
            '[r]({{< ref "x" >}}) [s]({{% relref "y" %}}) `{{</* foo */>}}`\n')
    html = render_body(body, ctx("hugo")).html
    assert 'src="https://dbarobin.com/img/a.png"' in html and "Cap" in html
    assert 'class="language-go"' in html
    assert 'href="https://dbarobin.com/x/"' in html and 'href="https://dbarobin.com/y/"' in html
    assert "{{&lt; foo &gt;}}" in html or "{{< foo >}}" in html


def test_unknown_shortcode_notice() -> None:
    result = render_body("a\n{{< donate-button 123 >}}\n", ctx("hugo"))
    assert "donate" not in result.html
    assert [n.line for n in result.notices] == [6]


def test_urls_absolute_and_fragments() -> None:
    html = render_body("[a](/x) [b](../y.png) [m](mailto:a@b.c) ![i](img/z.png)", ctx()).html
    assert 'href="https://dbarobin.com/x"' in html
    assert 'href="https://dbarobin.com/2024/01/02/y.png"' in html
    assert 'href="mailto:a@b.c"' in html
    assert 'src="https://dbarobin.com/2024/01/02/p/img/z.png"' in html


def test_cleanup_and_markers_kept() -> None:
    body = ("<script>x()</script><style>p{}</style>\n\n<!-- note -->\n\n"
            "<!-- syndicate:off -->\n\nsite only\n\n<!-- syndicate:on -->\n\n"
            '<center><div class="--donate-button"></div></center>\n\ntext {: .c}\n')
    html = render_body(body, ctx()).html
    assert "script" not in html and "p{}" not in html and "note" not in html
    assert "<!-- syndicate:off -->" in html and "donate" not in html and "{:" not in html


def test_gfm_footnotes_and_code_language() -> None:
    body = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~s~~ x[^1]\n\n[^1]: n\n\n```python\nx = 1\n```\n"
    html = render_body(body, ctx()).html
    assert "<table>" in html and "<s>s</s>" in html and "footnote" in html
    assert '<code class="language-python">' in html


def test_excerpt_first_image_and_paragraph() -> None:
    body = "Hello **world**.\n\n<!--more-->\n\n![a](/a.png)\n"
    result = render_body(body, ctx(excerpt_separator="<!--more-->"))
    assert result.excerpt_html is not None and "world" in result.excerpt_html
    assert "a.png" not in result.excerpt_html
    assert result.first_image == "https://dbarobin.com/a.png"
    assert result.first_paragraph == "Hello world ."or result.first_paragraph.startswith("Hello")
    assert render_body("x", ctx(excerpt_separator="<!--more-->")).excerpt_html is None


def test_seed_body() -> None:
    text = SEED.read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    result = render_body(body, ctx(path="_posts/想法/2021-01-28-xiaomi.md"))
    html = result.html
    assert "https://cdn.dbarobin.com/4iguirx.png" in html
    assert "https://cdn.dbarobin.com/v4yywe2.png" in html
    assert "donate" not in html
    assert "<code>文/Robin</code>" in html
    assert "<hr" in html
    assert "{{" not in html and "{%" not in html


EXAMPLES = Path(__file__).parent.parent / "examples/blog/_posts"


def test_example_posts_render_without_leaks_or_notices() -> None:
    posts = [p for p in EXAMPLES.rglob("*.md") if "xiaomi" not in p.name]
    assert len(posts) >= 6
    for path in posts:
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        result = render_body(body, ctx(path=str(path), body_line=front.count("\n") + 3,
                                       excerpt_separator="<!--more-->"))
        assert "{{" not in result.html.replace("{{ user.name }}", "").replace(
            "{{ site.title }}", ""), path
        assert "{%" not in result.html and "{:" not in result.html, path
        assert result.notices == (), path


def test_fragment_links_point_at_the_canonical_page() -> None:
    html = render_body("[a](#x)", ctx()).html
    assert 'href="https://dbarobin.com/2024/01/02/p/#x"' in html


def test_unknown_variable_removed_with_notice() -> None:
    result = render_body("a {{ site.nope }} b", ctx())
    assert "nope" not in result.html and result.notices[0].line == 5


def test_hugo_escaped_percent_form_and_definition_list() -> None:
    assert "{{% bar %}}" in render_body("x {{%/* bar */%}}", ctx("hugo")).html
    assert "<dl>" in render_body("Term\n: definition\n", ctx()).html
