"""The built-in renderer on tiny Jekyll sites, checked against what Jekyll 4.3 really writes.

Each expectation was learnt by running ``jekyll build`` on the same files with a layout
of ``{{ content }}`` (Debian's jekyll 4.3.1); what it printed is quoted beside the test.
"""

from __future__ import annotations

from pathlib import Path

from syndicate.post import Post
from syndicate.sources import open_site
from tests.sitefiles import write


def read(root: Path) -> dict[str, Post]:
    posts, errors = open_site(root).read_all()
    assert not errors, errors
    return {p.source_path.rsplit("/", 1)[-1]: p for p in posts}


def post_a(root: Path, body: str, config: str = "") -> Post:
    """Post A of a small blog (``blog``), its body ``body``, as the built-in renderer reads it."""
    blog(root, config)
    write(root, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n" + body)
    return read(root)["2019-01-01-a.md"]


def blog(root: Path, config: str = "") -> None:
    write(root, "_config.yml", "url: https://x.org\nbaseurl: /blog\n" + config)
    write(root, "_posts/2019-01-02-b.md", "---\ntitle: B\n---\nb\n")
    write(root, "assets/x.png", b"\x89PNG")
    write(root, "about.md", "---\ntitle: About\n---\nme\n")


LINKS = ("[pu]({{ site.baseurl }}{% post_url 2019-01-02-b %}) [pu2]({% post_url 2019-01-02-b %})\n"
         "[lk]({% link _posts/2019-01-02-b.md %}) ![im]({% link assets/x.png %}) "
         "[ab]({% link about.md %})\n")


def test_post_url_and_link_follow_jekyll_4_by_default(tmp_path: Path) -> None:
    # jekyll 4.3: <a href="/blog/blog/2019/01/02/b.html">pu</a> <a href="/blog/2019/01/02/b.html">pu2</a>
    #             <a href="/blog/2019/01/02/b.html">lk</a> <img src="/blog/assets/x.png">
    #             <a href="/blog/about.html">ab</a>
    post = post_a(tmp_path, LINKS)
    assert 'href="https://x.org/blog/blog/2019/01/02/b.html">pu<' in post.html
    assert 'href="https://x.org/blog/2019/01/02/b.html">pu2<' in post.html
    assert 'href="https://x.org/blog/2019/01/02/b.html">lk<' in post.html
    assert 'src="https://x.org/blog/assets/x.png"' in post.html
    assert 'href="https://x.org/blog/about.html">ab<' in post.html
    assert "https://x.orghttps" not in post.html and "/bloghttps" not in post.html
    assert any("base path twice" in n.message for n in post.notices)


def test_post_url_and_link_follow_jekyll_3_on_github_pages(tmp_path: Path) -> None:
    # GitHub Pages (jekyll 3.9): post_url and link do not add baseurl, so the idiom
    # {{ site.baseurl }}{% post_url %} is how such a site links, and it is right there.
    blog(tmp_path)
    write(tmp_path, "Gemfile", 'source "https://rubygems.org"\ngem "github-pages", group: :jekyll_plugins\n')
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n" + LINKS)
    post = read(tmp_path)["2019-01-01-a.md"]
    assert 'href="https://x.org/blog/2019/01/02/b.html">pu<' in post.html
    assert 'href="https://x.org/2019/01/02/b.html">pu2<' in post.html  # a dead link on Pages too
    assert 'src="https://x.org/assets/x.png"' in post.html
    assert not any("base path twice" in n.message for n in post.notices)


def test_an_unknown_link_target_never_leaves_an_empty_url(tmp_path: Path) -> None:
    # jekyll 4.3 stops the build ("Could not find post"); we send the text, with a notice
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md",
          "---\ntitle: A\n---\n[gone]({% post_url 2000-01-01-nope %}) ![pic]({% link nope.png %})\n")
    post = read(tmp_path)["2019-01-01-a.md"]
    assert 'href=""' not in post.html and 'src=""' not in post.html and "<img" not in post.html
    assert "gone" in post.html
    assert [n.line for n in post.notices if "could not resolve" in n.message] == [4, 4]


def test_include_figure_keeps_image_and_caption(tmp_path: Path) -> None:
    # a theme's _includes/figure.html printed <figure><img src="/blog/assets/x.png" alt="Alt">
    # <figcaption>Cap</figcaption></figure>; the template itself is the theme's, so the
    # built-in renderer reads the include's parameters instead
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\npic: /assets/x.png\n---\n"
          '{% include figure.html src="/assets/x.png" caption="Cap" alt="Alt" %}\n\n'
          "{% include image.html url=page.pic description='Second' %}\n\n"
          "{% include toc.html %}\n")
    post = read(tmp_path)["2019-01-01-a.md"]
    assert post.html.count('<img alt="Alt" src="https://x.org/assets/x.png"/>') == 1
    assert "<figcaption>Cap</figcaption>" in post.html
    assert "<figcaption>Second</figcaption>" in post.html
    notices = [str(n) for n in post.notices]
    assert notices == ["_posts/2019-01-01-a.md:9: removed unknown Liquid include "
                       "'{% include toc.html %}'"]


def test_embed_tags_become_links(tmp_path: Path) -> None:
    html = post_a(
        tmp_path,
        "{% youtube w7Ft2ymGmfc %}\n\n{% gist parkr/931c1c8d465a04042403 %}\n\n"
        '{% include youtube.html id="abc123" %}\n\n'
        '<figure><video src="/assets/v.mp4" controls></video><figcaption>Run</figcaption></figure>\n',
    ).html
    assert '<a href="https://www.youtube.com/watch?v=w7Ft2ymGmfc">' in html
    assert '<a href="https://gist.github.com/parkr/931c1c8d465a04042403">' in html
    assert '<a href="https://www.youtube.com/watch?v=abc123">' in html
    assert '<a href="https://x.org/assets/v.mp4">' in html and "<figcaption>Run</figcaption>" in html
    assert "<video" not in html


def test_kramdown_options_and_cjk_emphasis(tmp_path: Path) -> None:
    # jekyll 4.3 with kramdown: {hard_wrap: true}:
    #   <p>line one<br />\nline two</p>
    #   <p><strong>粗体：</strong>中文 and <strong>“引号”</strong>中文</p>
    #   <h2 id="hello-world-你好">Hello World 你好</h2>
    blog(tmp_path, "kramdown:\n  hard_wrap: true\n")
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\nline one\nline two\n\n"
          "**粗体：**中文 and **“引号”**中文\n\n## Hello World 你好\n")
    html = read(tmp_path)["2019-01-01-a.md"].html
    assert "line one<br/>\nline two" in html
    assert "<strong>粗体：</strong>中文 and <strong>“引号”</strong>中文" in html
    assert '<h2 id="hello-world-你好">Hello World 你好</h2>' in html


def test_kramdown_defaults_keep_single_line_breaks_soft(tmp_path: Path) -> None:
    # jekyll 4.3, no kramdown options: <p>line one\nline two</p>
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\nline one\nline two\n")
    assert "<p>line one\nline two</p>" in read(tmp_path)["2019-01-01-a.md"].html


def test_maths_is_never_markdown(tmp_path: Path) -> None:
    # jekyll 4.3: <p>\(a_{i} * b_{j}\) …</p> and \[a_{i} + b_{j} \\\nc\] — kramdown keeps the
    # source; we keep it with its dollars, which the site's MathJax reads the same way
    post = post_a(
        tmp_path,
        "see $$a_{i} * b_{j}$$ and $\\mathbf{p}_{i}$ or $\\mathbf{x}_{j}$ (costs $5 and $6)\n\n"
        "$$\na_{i} + b_{j} \\\\\nc\n$$\n",
    )
    assert "<em>" not in post.html
    assert "$$a_{i} * b_{j}$$" in post.html and "$\\mathbf{p}_{i}$" in post.html
    assert "$$a_{i} + b_{j} \\\\\nc$$" in post.html
    assert "costs $5 and $6" in post.html


def test_relative_image_paths_resolve_against_the_source_folder(tmp_path: Path) -> None:
    # jekyll 4.3 writes src="../assets/x.png" as it is; under /2019/01/01/a.html a browser
    # asks for /blog/2019/01/assets/x.png, which does not exist: the file the author meant
    # is assets/x.png beside _posts, served at /blog/assets/x.png
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\ncover: x.png\n---\n"
          "![rel](../assets/x.png) ![gone](../nope.png)\n")
    post = read(tmp_path)["2019-01-01-a.md"]
    assert 'src="https://x.org/blog/assets/x.png"' in post.html
    assert any("'../nope.png' is not a file of the site" in n.message and n.line == 5
               for n in post.notices), post.notices
    assert post.cover_image == "https://x.org/blog/assets/x.png"


def test_a_cover_that_is_no_file_is_left_out_with_a_notice(tmp_path: Path) -> None:
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\nimage: missing.jpg\n---\ntext\n")
    post = read(tmp_path)["2019-01-01-a.md"]
    assert post.cover_image is None
    assert any("cover image 'missing.jpg'" in n.message for n in post.notices)


def test_slug_with_a_space_is_what_jekyll_makes_of_it(tmp_path: Path) -> None:
    # jekyll 4.3: _posts/2019-01-03-how- to-spend.md → /2019/01/03/how-to-spend.html, and
    # slug: "how- to-spend" in front matter → /2019/01/02/how-to-spend.html
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-03-how- to-spend.md", "---\ntitle: C\n---\nc\n")
    write(tmp_path, "_posts/2019-01-04-d.md", '---\ntitle: D\nslug: "how- to-spend"\n---\nd\n')
    posts = read(tmp_path)
    assert posts["2019-01-03-how- to-spend.md"].canonical_url == \
        "https://x.org/blog/2019/01/03/how-to-spend.html"
    assert posts["2019-01-04-d.md"].canonical_url == "https://x.org/blog/2019/01/04/how-to-spend.html"


def test_dates_the_generators_accept(tmp_path: Path) -> None:
    blog(tmp_path)
    write(tmp_path, "_posts/2019-04-09-a.md",
          "---\ntitle: A\ndate: 2019-04-09T8:09:26-07:00\nlast_modified_at:\n---\nx\n")
    post = read(tmp_path)["2019-04-09-a.md"]
    assert post.date.isoformat() == "2019-04-09T08:09:26-07:00"
    assert post.updated is None


def test_a_title_with_entities_is_text(tmp_path: Path) -> None:
    # jekyll themes print {{ page.title }} unescaped: the browser shows "AT&T"
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: \"AT&amp;T &lt;3\"\n---\nx\n")
    assert read(tmp_path)["2019-01-01-a.md"].title == "AT&T <3"


def test_markdown_inside_html_blocks_as_kramdown_parses_it(tmp_path: Path) -> None:
    # jekyll 4.3: <div markdown="1"> is parsed always (<div><p><em>md</em> here</p></div>),
    # a plain <section> only with parse_block_html: true; markdown="0" keeps it raw
    body = ('<div markdown="1">\n*md* here\n</div>\n\n<section>\n*raw*\n</section>\n\n'
            '<div class="note" markdown="0">\n*kept*\n</div>\n')
    html = post_a(tmp_path, body).html
    assert "<div>\n<p><em>md</em> here</p>\n</div>" in html
    assert "<section>\n*raw*\n</section>" in html
    write(tmp_path, "_config.yml",
          "url: https://x.org\nbaseurl: /blog\nkramdown:\n  parse_block_html: true\n")
    html = read(tmp_path)["2019-01-01-a.md"].html
    assert "<section>\n<p><em>raw</em></p>\n</section>" in html
    assert '<div class="note">\n*kept*\n</div>' in html


def test_quotes_and_dashes_set_as_kramdown_sets_them(tmp_path: Path) -> None:
    # jekyll 4.3: <p>Say “hi” – it’s — fine… and <code>"code"</code></p>
    html = post_a(tmp_path, "Say \"hi\" -- it's --- fine... and `\"code\"`\n").html
    assert "Say “hi” – it’s — fine… and <code>\"code\"</code>" in html


def test_liquid_is_read_left_to_right(tmp_path: Path) -> None:
    # jekyll-contrast's post prints a tag's text with an output of a string:
    # `{{ "{% highlight language " }}%}` shows as <code>{% highlight language %}</code>
    html = post_a(
        tmp_path,
        'Put `{{ "{% highlight language " }}%}` `{{ "{% endhighlight " }}%}` around it.\n\n'
        "{% highlight c %}\nint x;\n{% endhighlight %}\n",
    ).html
    assert "<code>{% highlight language %}</code> <code>{% endhighlight %}</code> around it" in html
    assert '<code class="language-c">int x;' in html


def test_backslashes_kramdown_does_not_escape_stay(tmp_path: Path) -> None:
    # jekyll 4.3: <p>( \int_a^b f(x)\,dx. ) and *star* and a\b and \; and C#</p> — kramdown
    # escapes only its own set, so MathJax's \, and \; survive (jekyll-yat's maths post)
    html = post_a(tmp_path, "\\( \\int_a^b f(x)\\,dx. \\) and \\*star\\* and a\\\\b and \\; and C\\#\n").html
    assert "<p>( \\int_a^b f(x)\\,dx. ) and *star* and a\\b and \\; and C#</p>" in html


def test_a_site_include_is_read_for_its_hints(tmp_path: Path) -> None:
    # jekyll-synthetic's _includes/figure.html pipes src through relative_url and the caption
    # through markdownify: jekyll 4.3 writes src="/blog/assets/x.png" and "The harbour at
    # <em>dawn</em>"
    blog(tmp_path)
    write(tmp_path, "_includes/figure.html",
          '<figure><img src="{{ include.src | relative_url }}"><figcaption>'
          "{{ include.caption | markdownify }}</figcaption></figure>\n")
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n"
          '{% include figure.html src="/assets/x.png" caption="The harbour at *dawn*" %}\n')
    html = read(tmp_path)["2019-01-01-a.md"].html
    assert 'src="https://x.org/blog/assets/x.png"' in html
    assert "<figcaption>The harbour at <em>dawn</em></figcaption>" in html


def test_an_html_block_is_raw_up_to_its_closing_tag(tmp_path: Path) -> None:
    # jekyll 4.3 keeps <div class="x">\n\n*x* here\n\n</div> and a table cell's **b** as
    # written; CommonMark would end the HTML block at the blank line and emphasise them
    html = post_a(
        tmp_path,
        '<div class="x">\n\n*x* here\n\n</div>\n\n<table>\n<tr><td>\n\n**b**\n\n</td></tr>\n'
        "</table>\n\nafter *y*\n",
    ).html
    assert '<div class="x">\n\n*x* here\n\n</div>' in html and "**b**" in html
    assert "<p>after <em>y</em></p>" in html


def test_a_post_without_a_title_is_refused_naming_the_title_jekyll_shows(tmp_path: Path) -> None:
    # jekyll-yat's 2016-08-12-my-example-post.md has no title: Jekyll 4.3 titles it
    # "My Example Post" (Utils.titleize_slug); syndicate will not invent a public title, but
    # the error gives that one as the fix
    blog(tmp_path)
    write(tmp_path, "_posts/2016-08-12-my-example-post.md", "---\nlayout: post\n---\nx\n")
    write(tmp_path, "_posts/2016-08-13-empty.md", "---\ntitle: ''\n---\nx\n")
    write(tmp_path, "_posts/2016-08-14-fine.md", "---\ntitle: Fine\n---\nx\n")
    posts, errors = open_site(tmp_path).read_all()
    assert "Fine" in [p.title for p in posts] and len(errors) == 2
    by_path = {e.path: e for e in errors}
    assert {e.field for e in errors} == {"title"}
    untitled = str(by_path["_posts/2016-08-12-my-example-post.md"])
    assert "'My Example Post'" in untitled and "add 'title: My Example Post'" in untitled
    assert "_posts/2016-08-13-empty.md" in by_path


def test_a_markdown_include_captured_and_markdownified_is_the_post(tmp_path: Path) -> None:
    # jekyll-hux's bilingual post: jekyll 4.3 writes <div class="zh post-container">
    # <h2 id="标题">标题</h2>\n<p>正文 <a href="https://x.org/z">链接</a></p></div>
    blog(tmp_path)
    write(tmp_path, "_includes/posts/a/zh.md", "## 标题\n\n正文 [链接](https://x.org/z)\n")
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n"
          '<div class="zh post-container">\n'
          "    {% capture about_zh %}{% include posts/a/zh.md %}{% endcapture %}\n"
          "    {{ about_zh | markdownify }}\n</div>\n")
    post = read(tmp_path)["2019-01-01-a.md"]
    assert "<h2" in post.html and "标题</h2>" in post.html
    assert '正文 <a href="https://x.org/z">链接</a>' in post.html
    assert "about_zh" not in post.html and not post.notices


def test_html_written_in_a_fenced_code_block_stays_code(tmp_path: Path) -> None:
    # jekyll-hux's React post: jekyll 4.3 writes <pre><code>&lt;ul&gt;\n  &lt;li&gt;{{hero.name}}…
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n{% raw %}\n```hbs\n<ul>\n"
          "  <li>{{hero.name}}</li>\n</ul>\n```\n{% endraw %}\n\nafter\n")
    html = read(tmp_path)["2019-01-01-a.md"].html
    assert '<code class="language-hbs">&lt;ul&gt;\n  &lt;li&gt;{{hero.name}}&lt;/li&gt;\n&lt;/ul&gt;' in html


def test_emphasis_opens_and_closes_by_kramdown_rules(tmp_path: Path) -> None:
    # jekyll-hux: jekyll 4.3 writes 。<strong>很不幸。</strong>Angular, Google<strong>「让」</strong>而,
    # and keeps 参数化_的：也即_项 with its underscores (an _ after a letter never opens)
    html = post_a(
        tmp_path,
        "区别。**很不幸。**Angular 2 和 Google**「让」**而准备\n\n参数化_的：也即_项 and *x* a * b\n",
    ).html
    assert "区别。<strong>很不幸。</strong>Angular 2 和 Google<strong>「让」</strong>而准备" in html
    assert "参数化_的：也即_项 and <em>x</em> a * b" in html


def test_kramdown_marks_act_outside_code_and_stay_inside_it(tmp_path: Path) -> None:
    # jekyll-text's images and code-blocks posts: jekyll 4.3 keeps ![i](p){:width="64px"} in an
    # indented code block as written, ends a code block at a line of ^, and gives
    # ~~~ … ~~~ followed by {: .language-ruby} the class language-ruby
    html = post_a(
        tmp_path,
        "![i](https://x.org/i.png){:width=\"64px\"}\n\n    ![i](p){:width=\"64px\"}\n\n"
        "    first code\n\n^\n    second code\n\n~~~\ndef what?\n~~~\n{: .language-ruby}\n",
    ).html
    assert '<img alt="i" src="https://x.org/i.png"/>' in html
    assert '![i](p){:width="64px"}\n\nfirst code\n</code></pre>' in html
    assert "<pre><code>second code\n</code></pre>" in html and "^" not in html
    assert '<code class="language-ruby">def what?' in html and "{:" not in html.split("first code")[1]


def test_html_lines_as_kramdown_reads_them(tmp_path: Path) -> None:
    # jekyll-hux: jekyll 4.3 reads "<br>\n**惊讶。**" as one paragraph (<br> is a span element:
    # <p><br />\n<strong>惊讶。</strong></p>), and keeps "<p>a\n\n    <ul>\n        <li>b</li>\n
    # </ul>\n</p>" as HTML where CommonMark made the indented lines a code block
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n<br>\n**惊讶。**\n\n"
          "<p>a\n\n    <ul>\n        <li>b</li>\n    </ul>\n</p>\n\nafter\n")
    html = read(tmp_path)["2019-01-01-a.md"].html
    assert "<strong>惊讶。</strong>" in html
    assert "<pre>" not in html and "<li>b</li>" in html and "<p>after</p>" in html


def test_code_spans_as_kramdown_reads_them(tmp_path: Path) -> None:
    # jekyll-hux's Software Foundations notes: jekyll 4.3 writes
    # 先 ` fold_constants<code> 再 </code>optimize (a lone ` between spaces is text, a
    # one-backtick span keeps its spaces) and no need for <code>value</code>`
    html = post_a(tmp_path, "先 ` fold_constants` 再 `optimize\n\nno need for `value``\n").html
    assert "先 ` fold_constants<code> 再 </code>optimize" in html
    assert "no need for <code>value</code>`" in html


def test_single_dollar_maths_gets_kramdowns_backslash_escapes(tmp_path: Path) -> None:
    # jekyll-hux's uncomputable-functions post: $\Sigma = \\{0, 1\\}$ is no maths to kramdown;
    # jekyll 4.3 writes $\Sigma = \{0, 1\}$, which the site's MathJax shows as a set
    html = post_a(tmp_path, "alphabet $\\Sigma = \\\\{0, 1\\\\}$ and $$a \\\\ b$$\n").html
    assert "$\\Sigma = \\{0, 1\\}$" in html and "$$a \\\\ b$$" in html


def test_tables_as_kramdown_reads_them(tmp_path: Path) -> None:
    # jekyll-hux, jekyll-text and jekyll-yat: jekyll 4.3 makes tables of "BU | 2008\n-- | ---\n
    # 天猫 | x<br>y|", of |---+---| bodies with an |===| footer, and of "| Line one" alone;
    # a Pandoc rule line after text stays text (<p>Name Size\n——- —–\nx y</p>), as does $$…|…$$
    html = post_a(
        tmp_path,
        "BU | 2008\n-- | ---\n天猫 | x<br>y|\n\n|---+---|\n| A | B |\n|---|:-:|\n| 1 | **s** |\n"
        "|===+===|\n| F | |\n\n| Line one\n\nName Size\n------- -----\nx y\n\n$$ |a| $$\n",
    ).html
    assert "<th>BU</th>\n<th>2008</th>" in html and "<td>x<br/>y</td>" in html
    assert '<th style="text-align:center">B</th>' in html and "<strong>s</strong></td>" in html
    assert "<tfoot>\n<tr>\n<td>F</td>" in html and "<td>Line one</td>" in html
    assert "<hr" not in html and "Name Size\n" in html
    assert "$$ |a| $$" in html


def test_a_gist_script_and_an_embed_include_travel_as_links(tmp_path: Path) -> None:
    # jekyll-contrast: the raw <script src="https://gist.github.com/ID.js"> and
    # {% include embed.html url="https://www.youtube.com/embed/X" %} (its template wraps an
    # iframe) were dropped; the generator path sends both as links
    post = post_a(
        tmp_path,
        '<script src="https://gist.github.com/fb5e.js"> </script>\n\n'
        '{% include embed.html url="https://www.youtube.com/embed/_C0A5zX-iqM" %}\n',
    )
    assert '<a href="https://gist.github.com/fb5e">' in post.html
    assert '<a href="https://www.youtube.com/embed/_C0A5zX-iqM">' in post.html
    assert "<script" not in post.html and not post.notices


def test_liquid_assign_arithmetic_and_capitalize(tmp_path: Path) -> None:
    # jekyll-yat's another-test-markdown: jekyll 4.3 writes "Here is a liquid filter." and
    # "100 / 3 = 33"
    post = post_a(
        tmp_path,
        '{{ "here is a liquid filter." | capitalize }}\n\n'
        "{% assign x = 100 %} {% assign x = x | divided_by: 3 %}\n100 / 3 = {{ x }}\n",
    )
    assert "Here is a liquid filter." in post.html and "100 / 3 = 33" in post.html
    assert not post.notices


def test_no_emphasis_inside_emphasis_of_the_same_kind(tmp_path: Path) -> None:
    # jekyll-text's emphasis post: jekyll 4.3 writes <em>does _not_ work</em>,
    # <strong>does __not__ work</strong> and <strong>is <em>emphasized</em> as well</strong>
    html = post_a(
        tmp_path,
        "This *does _not_ work*. This **does __not__ work**. This **is _emphasized_ as well**.\n",
    ).html
    assert "<em>does _not_ work</em>" in html and "<strong>does __not__ work</strong>" in html
    assert "<strong>is <em>emphasized</em> as well</strong>" in html


def test_no_empty_heading_and_no_unclosed_fence_on_kramdown(tmp_path: Path) -> None:
    # jekyll-hux's Software Foundations notes: jekyll 4.3 writes <p>###</p> for "###" alone,
    # and a ```coq fence closed by only `` is text (CommonMark made the rest of the post code)
    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n###\n\n## D\n\n"
          "```coq\nInductive tm\n``\n\nas a *list*\n\n- item\n\n    ```py\n    x = 1\n    ```\n")
    html = read(tmp_path)["2019-01-01-a.md"].html
    assert "<p>###</p>" in html and "<h3" not in html
    assert "Inductive tm" in html and "<p>as a <em>list</em></p>" in html
    assert '<code class="language-py">x = 1' in html


def test_a_definition_indented_by_its_first_line(tmp_path: Path) -> None:
    # jekyll-text's definition post: jekyll 4.3 writes <dd>Another Markdown-superset
    # converter</dd> for "Maruku\n:     Another Markdown-superset converter"
    html = post_a(tmp_path, "Maruku\n:     Another Markdown-superset converter\n").html
    assert "<dt>Maruku</dt>" in html and "<pre>" not in html
    assert "Another Markdown-superset converter" in html.split("<dd>")[1]


def test_a_site_include_wrapping_a_player_becomes_a_link_to_it(tmp_path: Path) -> None:
    # jekyll-text's _includes/extensions/*.html wrap an <iframe>; the generator path sends
    # each player as a link (https://embed.ted.com/talks/ID, //codepen.io/… made https:)
    blog(tmp_path)
    write(tmp_path, "_includes/extensions/ted.html",
          '<div><iframe src="https://embed.ted.com/talks/{{ include.id }}" allowfullscreen></iframe></div>\n')
    write(tmp_path, "_includes/extensions/codepen.html",
          '<div><iframe src="//codepen.io/{{ include.user }}/embed/{{ include.hash }}/?tab='
          "{{ include.tab | default: 'html,result' }}\"></iframe></div>\n")
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n"
          "<div>{%- include extensions/ted.html id='a_talk' -%}</div>\n\n"
          "{% include extensions/codepen.html user='k' hash='aQ' %}\n\n{% include extensions/ted.html %}\n")
    post = read(tmp_path)["2019-01-01-a.md"]
    assert '<a href="https://embed.ted.com/talks/a_talk">' in post.html
    assert '<a href="https://codepen.io/k/embed/aQ/?tab=html,result">' in post.html
    assert [n.line for n in post.notices] == [8]  # the talk with no id: removed, with a warning


def test_markdown_asked_for_inside_a_raw_block_is_read(tmp_path: Path) -> None:
    # jekyll-text's additional-styles post: jekyll 4.3 renders the image inside
    # <div class="grid"><div class="cell" markdown="1">![Image](…)</div></div>
    html = post_a(
        tmp_path,
        '<div class="grid">\n<div class="cell" markdown="1">\n![Image](https://x.org/i.jpg)\n</div>\n'
        "<div>*raw*</div>\n</div>\n",
    ).html
    assert '<img alt="Image" src="https://x.org/i.jpg"/>' in html and "![Image]" not in html
    assert "<div>*raw*</div>" in html and "markdown=" not in html


def test_a_task_list_keeps_its_ticks_as_text(tmp_path: Path) -> None:
    # jekyll 4.3 (kramdown GFM) writes <input type="checkbox" checked disabled/>first: no
    # platform keeps a form input (the Markdown dialect below drops it, and the tick with it),
    # so the built-in renderer keeps "[x]" and "[ ]" as the text a reader sees
    from syndicate.dialects.markdown import to_markdown

    blog(tmp_path)
    write(tmp_path, "_posts/2019-01-01-a.md", "---\ntitle: A\n---\n- [ ] open\n- [x] done\n")
    html = read(tmp_path)["2019-01-01-a.md"].html
    assert "<li>[ ] open</li>" in html and "<li>[x] done</li>" in html
    assert "x" not in to_markdown('<ul><li><input type="checkbox" checked disabled/>done</li></ul>'
                                  ).replace("done", "")


def test_attribute_lists_in_a_list_items_paragraph_still_go(tmp_path: Path) -> None:
    # an indented paragraph of a list item is not code: its {:…} goes, as kramdown reads it
    html = post_a(
        tmp_path,
        "1. item\n\n    ![i](https://x.org/i.png){: .wide}\n\nafter\n\n    code {: .kept}\n",
    ).html
    assert '<img alt="i" src="https://x.org/i.png"/>' in html and ".wide" not in html
    assert "<pre><code>code {: .kept}" in html
