"""The built-in renderer on tiny Hugo sites, checked against what Hugo 0.111 really writes.

Each expectation was learnt by running ``hugo`` on the same files with a
``_default/single.html`` of ``{{ .Content }}`` (Debian's hugo 0.111.3); what it printed is
quoted beside the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate.errors import ConfigError
from syndicate.post import Post
from syndicate.sources import open_site
from tests.sitefiles import write


def read(root: Path) -> dict[str, Post]:
    posts, errors = open_site(root).read_all()
    assert not errors, errors
    return {p.source_path: p for p in posts}


def site(root: Path) -> None:
    write(root, "hugo.toml", 'baseURL = "https://h.org/sub/"\n[params]\nauthorName = "Ann"\n')
    write(root, "static/img/x.png", b"\x89PNG")
    write(root, "content/posts/bun/pic.png", b"\x89PNG")
    write(root, "content/posts/other.md", "---\ntitle: Other\ndate: 2019-04-10\n---\nother\n")


BUNDLE = "content/posts/bun/index.md"


def test_bundle_images_figures_and_refs(tmp_path: Path) -> None:
    # hugo 0.111 (page at /sub/posts/bun/, pic.png published beside it):
    #   <figure><img src="pic.png" alt="A cap"/><figcaption><p>A <em>cap</em></p></figcaption>
    #   <a href="https://h.org/sub/posts/other/">r</a> <a href="/sub/posts/other/">rr</a>
    #   <a href="https://h.org/sub/posts/bun/">b</a>
    site(tmp_path)
    write(tmp_path, BUNDLE, "---\ntitle: Bun\ndate: 2019-04-09\ncover: pic.png\n---\n"
          '{{< figure src="pic.png" caption="A *cap*" >}}\n\n'
          '{{< img src="pic.png" alt="theme shortcode" >}}\n\n'
          '[r]({{< ref "other" >}}) [rr]({{< relref "/posts/other.md" >}}) '
          '[b]({{< ref "posts/bun/" >}}) [c]({{< relref "bun#part" >}})\n\n'
          "![rel](pic.png) ![up](../../img/x.png) by {{< param authorName >}}\n")
    post = read(tmp_path)[BUNDLE]
    html = post.html
    assert html.count('src="https://h.org/sub/posts/bun/pic.png"') == 3
    assert "<figcaption>A <em>cap</em></figcaption>" in html
    assert 'href="https://h.org/sub/posts/other/">r<' in html
    assert 'href="https://h.org/sub/posts/other/">rr<' in html
    assert 'href="https://h.org/sub/posts/bun/">b<' in html
    assert 'href="https://h.org/sub/posts/bun/#part">c<' in html
    assert 'src="https://h.org/sub/img/x.png"' in html
    assert "by Ann" in html
    assert 'src=""' not in html and 'href=""' not in html
    assert post.cover_image == "https://h.org/sub/posts/bun/pic.png"
    assert post.notices == ()


def test_embeds_become_links_and_closing_tags_never_leak(tmp_path: Path) -> None:
    # hugo 0.111: youtube/vimeo are iframes of /embed/w7Ft2ymGmfc and /video/146022717, gist
    # a <script src="https://gist.github.com/spf13/7896402.js">
    site(tmp_path)
    write(tmp_path, BUNDLE, "---\ntitle: Bun\ndate: 2019-04-09\n---\n"
          "{{< youtube w7Ft2ymGmfc >}}\n\n{{< vimeo id=\"146022717\" title=\"Talk\" >}}\n\n"
          "{{< gist spf13 7896402 >}}\n\n"
          "{{< highlight go >}}\nx := 1\n{{</ highlight >}}\n\n"
          "{{< notice >}}\nInside\n{{</ notice >}}\n")
    post = read(tmp_path)[BUNDLE]
    html = post.html
    assert '<a href="https://www.youtube.com/watch?v=w7Ft2ymGmfc">' in html
    assert '<a href="https://vimeo.com/146022717">Talk</a>' in html
    assert '<a href="https://gist.github.com/spf13/7896402">' in html
    assert '<code class="language-go">x := 1' in html
    assert "{{" not in html and "Inside" in html
    # one notice for the pair, at its opening tag, saying what was kept and what was lost
    assert [n.line for n in post.notices] == [15]
    assert "notice" in post.notices[0].message and "kept the text inside it" in post.notices[0].message


def test_html_content_files_are_posts(tmp_path: Path) -> None:
    # hugo 0.111 publishes content/posts/page.html at /sub/posts/page/, its body as written
    site(tmp_path)
    write(tmp_path, "content/posts/page.html",
          "---\ntitle: Page\ndate: 2019-04-10\n---\n<p>html <b>content</b></p>\n\n    <p>indented</p>\n")
    post = read(tmp_path)["content/posts/page.html"]
    assert post.canonical_url == "https://h.org/sub/posts/page/"
    assert "<b>content</b>" in post.html and "<pre>" not in post.html


def test_bundle_resources_are_not_pages(tmp_path: Path) -> None:
    # hugo 0.111 publishes nothing for content/posts/bun/notes.md: it is a resource of the bundle
    site(tmp_path)
    write(tmp_path, BUNDLE, "---\ntitle: Bun\ndate: 2019-04-09\n---\nx\n")
    write(tmp_path, "content/posts/bun/notes.md", "just notes\n---\nbroken: [\n")
    write(tmp_path, "content/posts/bun/more/deep.md", "---\ntitle: [\n---\n")
    assert set(read(tmp_path)) == {BUNDLE, "content/posts/other.md"}


def test_dates_and_slugs_as_hugo_reads_them(tmp_path: Path) -> None:
    # hugo 0.111: date 2019-04-09T8:09:26-07:00 builds; slug "how- to-spend" → /posts/how-to-spend/,
    # "a - b" → /posts/a-b/, "x--y" → /posts/x--y/
    site(tmp_path)
    for name, slug in (("one", "how- to-spend"), ("two", "a - b"), ("three", "x--y")):
        write(tmp_path, f"content/posts/{name}.md",
              f'---\ntitle: T\ndate: 2019-04-09T8:09:26-07:00\nslug: "{slug}"\n---\nx\n')
    posts = read(tmp_path)
    assert posts["content/posts/one.md"].canonical_url == "https://h.org/sub/posts/how-to-spend/"
    assert posts["content/posts/two.md"].canonical_url == "https://h.org/sub/posts/a-b/"
    assert posts["content/posts/three.md"].canonical_url == "https://h.org/sub/posts/x--y/"
    assert posts["content/posts/one.md"].date.isoformat() == "2019-04-09T08:09:26-07:00"


def test_maths_reaches_the_html_as_source(tmp_path: Path) -> None:
    # hugo 0.111's Goldmark has no maths: it would print $$a_{i} + b_{j} \ c$$ (one
    # backslash lost) and may turn _…_ into <em>; the site's KaTeX needs the source as typed
    site(tmp_path)
    write(tmp_path, BUNDLE, "---\ntitle: Bun\ndate: 2019-04-09\n---\n"
          "$$a_{i} + b_{j} \\\\ c$$ and $\\mathbf{p}_{i} = \\mathbf{x}_{j}$\n")
    html = read(tmp_path)[BUNDLE].html
    assert "$$a_{i} + b_{j} \\\\ c$$" in html and "$\\mathbf{p}_{i} = \\mathbf{x}_{j}$" in html
    assert "<em>" not in html


def test_a_title_entity_stays_text_as_hugo_escapes_it(tmp_path: Path) -> None:
    site(tmp_path)
    write(tmp_path, "content/posts/t.md", '---\ntitle: "AT&amp;T"\ndate: 2019-04-09\n---\nx\n')
    assert read(tmp_path)["content/posts/t.md"].title == "AT&amp;T"


def test_quotes_and_dashes_set_as_goldmark_sets_them(tmp_path: Path) -> None:
    # hugo 0.111: <p>Say &ldquo;hi&rdquo; &ndash; it&rsquo;s &mdash; fine&hellip;
    # and <code>&quot;code&quot;</code></p>; with the Typographer off, the quotes stay straight
    site(tmp_path)
    body = "Say \"hi\" -- it's --- fine... and `\"code\"`\n"
    write(tmp_path, "content/posts/q.md", "---\ntitle: Q\ndate: 2020-01-01\n---\n" + body)
    assert "Say “hi” – it’s — fine… and <code>\"code\"</code>" in \
        read(tmp_path)["content/posts/q.md"].html
    write(tmp_path, "hugo.toml", 'baseURL = "https://h.org/sub/"\n'
          "[markup.goldmark.extensions]\ntypographer = false\n")
    assert "Say \"hi\" -- it's" in read(tmp_path)["content/posts/q.md"].html


def test_theme_shortcodes_read_from_their_parameters(tmp_path: Path) -> None:
    # theme shortcodes seen in the corpus (hugo-papermod, hugo-congo): relref with path=,
    # an audio player with a caption, a mermaid diagram's source
    site(tmp_path)
    write(tmp_path, BUNDLE, "---\ntitle: Bun\ndate: 2019-04-09\n---\n"
          '[o]({{< relref path="/posts/other.md" >}})\n\n'
          '{{< audio src="https://upload.example/a.ogg" caption="Liftoff" >}}\n\n'
          "{{< mermaid >}}\ngraph TD;\n  A-->B;\n{{< /mermaid >}}\n")
    post = read(tmp_path)[BUNDLE]
    assert 'href="https://h.org/sub/posts/other/">o<' in post.html
    assert '<a href="https://upload.example/a.ogg">Liftoff</a>' in post.html
    assert '<code class="language-mermaid">graph TD;\n  A--&gt;B;' in post.html
    assert post.notices == ()


def test_title_slugs_and_section_refs_as_hugo_makes_them(tmp_path: Path) -> None:
    # hugo-synthetic: permalink /:year/:month/:slug/ with no slug, title "TOML front matter &
    # CRLF" → /2021/07/toml-front-matter-crlf/; hugo-izdwuut: relref path="/tutorials" is the
    # section's list page, /tutorials/
    write(tmp_path, "hugo.toml",
          'baseURL = "https://h.org/sub/"\n[permalinks]\nposts = "/:year/:month/:slug/"\n')
    write(tmp_path, "content/posts/toml-post.md",
          '+++\r\ntitle = "TOML front matter & CRLF"\r\ndate = 2021-07-03T10:00:00+02:00\r\n+++\r\nx\r\n')
    write(tmp_path, "content/tutorials/_index.md", "---\ntitle: Tutorials\n---\n")
    write(tmp_path, "content/tutorials/one.md", "---\ntitle: One\ndate: 2021-01-01\n---\n"
          '[all]({{< relref path="/tutorials" >}})\n')
    posts = read(tmp_path)
    assert posts["content/posts/toml-post.md"].canonical_url == \
        "https://h.org/sub/2021/07/toml-front-matter-crlf/"
    assert 'href="https://h.org/sub/tutorials/">all<' in posts["content/tutorials/one.md"].html


def test_bare_urls_are_links_as_goldmark_linkify_makes_them(tmp_path: Path) -> None:
    # hugo 0.111: see <a href="https://www.example.com">www.example.com</a> and
    # <a href="https://x.org/a?b=1">https://x.org/a?b=1</a>. and example.com and
    # <a href="mailto:a@b.org">a@b.org</a>
    site(tmp_path)
    write(tmp_path, "content/posts/q.md", "---\ntitle: Q\ndate: 2020-01-01\n---\n"
          "see www.example.com and https://x.org/a?b=1. and example.com and a@b.org\n")
    html = read(tmp_path)["content/posts/q.md"].html
    assert ('see <a href="https://www.example.com">www.example.com</a> and <a href="https://x.org/a?b=1">'
            'https://x.org/a?b=1</a>. and example.com and <a href="mailto:a@b.org">a@b.org</a>') in html


def test_a_page_hugo_never_renders_is_held_not_published(tmp_path: Path) -> None:
    # hugo-congo's external-link post: "_build: {render: never}" (hugo 0.111 writes no page);
    # a headless bundle neither; "render: always" is an ordinary post
    site(tmp_path)
    write(tmp_path, "content/posts/ext.md", "---\ntitle: Ext\ndate: 2019-01-24\n"
          "externalUrl: https://x.org/a\n_build:\n  render: never\n  list: local\n---\nx\n")
    write(tmp_path, "content/posts/head/index.md",
          "---\ntitle: H\ndate: 2019-01-24\nheadless: true\n---\nx\n")
    write(tmp_path, "content/posts/on.md",
          "---\ntitle: On\ndate: 2019-01-24\n_build:\n  render: always\n---\nx\n")
    posts = read(tmp_path)
    assert "render never" in (posts["content/posts/ext.md"].hold or "")
    assert "headless" in (posts["content/posts/head/index.md"].hold or "")
    assert posts["content/posts/on.md"].hold is None


def test_raw_html_hugo_omits_is_carried_with_a_notice(tmp_path: Path) -> None:
    # hugo 0.111 with the default renderer.unsafe = false prints "<!-- raw HTML omitted -->"
    # for the <div> and the <kbd>; the copy keeps them and says so once, at the first one.
    # A shortcode written without spaces ({{<youtube x>}}) and code are not HTML.
    site(tmp_path)
    write(tmp_path, "content/posts/raw.md", "---\ntitle: Raw\ndate: 2019-04-09\n---\n"
          "{{<youtube w7Ft2ymGmfc>}}\n\n`<b>` in code\n\n<div>Boxed</div>\n\nPress <kbd>Q</kbd>\n\n"
          "{{< highlight apache >}}\n<VirtualHost *:80>\n</VirtualHost>\n{{< / highlight >}}\n")
    post = read(tmp_path)["content/posts/raw.md"]
    assert "<div>Boxed</div>" in post.html and "<kbd>Q</kbd>" in post.html
    assert [(n.line, n.message.split(" is ")[0]) for n in post.notices] == [(9, "raw HTML (2 places)")]
    write(tmp_path, "hugo.toml",
          'baseURL = "https://h.org/sub/"\n[markup.goldmark.renderer]\nunsafe = true\n')
    assert read(tmp_path)["content/posts/raw.md"].notices == ()


def test_every_file_of_the_config_folder_is_read(tmp_path: Path) -> None:
    # hugo-congo: config/_default/markup.toml turns renderer.unsafe on and params.toml holds
    # the params; Hugo reads each file as its key, so the raw HTML is on the live page
    write(tmp_path, "config/_default/hugo.toml", 'baseURL = "https://h.org/"\ntitle = "T"\n')
    write(tmp_path, "config/_default/markup.toml", "[goldmark.renderer]\nunsafe = true\n")
    write(tmp_path, "config/_default/params.toml", 'tagline = "From params.toml"\n')
    write(tmp_path, "content/posts/a.md", "---\ntitle: A\ndate: 2019-04-09\n---\n"
          "<div>Boxed</div>\n\n{{< param tagline >}}\n")
    post = read(tmp_path)["content/posts/a.md"]
    assert "<div>Boxed</div>" in post.html and "From params.toml" in post.html
    assert post.notices == ()


def test_a_broken_file_of_the_config_folder_is_a_config_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'baseURL = "https://h.org/"\n')
    write(tmp_path, "config/_default/markup.toml", "[goldmark\nx = 1\n")
    write(tmp_path, "content/posts/a.md", "---\ntitle: A\ndate: 2019-04-09\n---\nx\n")
    with pytest.raises(ConfigError, match="cannot be parsed") as raised:
        open_site(tmp_path)
    assert raised.value.source is not None and raised.value.source.endswith("config/_default/markup.toml")
