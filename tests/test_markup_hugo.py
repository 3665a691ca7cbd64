"""The built-in renderer's Hugo paths checked against what Hugo 0.111.3 writes for the same
text (learnt on the corpus sites in tests/corpus/hugo-*, quoted beside each test)."""

from __future__ import annotations

from syndicate.markup import MarkupContext, render_body


def ctx(**site: object) -> MarkupContext:
    return MarkupContext(
        path="content/posts/p.md", generator="hugo", site_url="https://h.org", baseurl="",
        page_url="https://h.org/posts/p/", body_line=5, site_vars=site,
        page_vars={"title": "P", "math": True})


INLINE = ("Before\n\n{{< math.inline >}}\n{{ if .Page.Params.math }}\n<link rel=\"x\">\n{{ end }}\n"
          "{{</ math.inline >}}\n\n{{< math.inline >}}\n<p>\nInline math: \\(x_{i}\\)\n</p>\n"
          "{{< /math.inline >}}\n\nAfter\n")


def test_inline_shortcode_is_left_out_without_enable_inline_shortcodes() -> None:
    # hugo-coder (no enableInlineShortcodes): Hugo prints "Before" and "After" only
    result = render_body(INLINE, ctx())
    assert "Before" in result.html and "After" in result.html
    assert "Inline math" not in result.html and "{{" not in result.html
    assert [(n.line, "enableInlineShortcodes" in n.message) for n in result.notices] == [
        (7, True), (13, True)]


def test_inline_shortcode_keeps_its_text_when_enabled_and_drops_template_actions() -> None:
    # hugo-papermod (enableInlineShortcodes: true): "Inline math: \(x_{i}\)" as HTML, and
    # nothing of the {{ if }} action
    result = render_body(INLINE, ctx(enableinlineshortcodes=True))
    assert "<p>\nInline math: \\(x_{i}\\)\n</p>" in result.html
    assert "{{" not in result.html and ".Params" not in result.html
    assert [n.line for n in result.notices] == [7]
    assert "template actions were not run" in result.notices[0].message


def test_display_maths_keeps_its_line_breaks_as_typed() -> None:
    # Goldmark has no maths: "$$\n \varphi = 1\n$$" stays a paragraph with its line breaks,
    # which the site's KaTeX reads; the source reaches the cross-post the same way
    html = render_body("$$\n \\varphi = 1+\\frac{1}{2}\n$$\n", ctx()).html
    assert "$$\n \\varphi = 1+\\frac{1}{2}\n$$" in html


def test_a_link_like_theme_shortcode_keeps_its_link() -> None:
    # hugo-congo: {{< button href="https://github.com/…/releases/latest" >}}Download{{< /button >}}
    # is an <a> on the live site; it was its text alone
    html = render_body('a {{< button href="https://x.org/dl?a=1&b=2" target="_blank" >}}Download'
                       "{{< /button >}} b\n", ctx()).html
    assert '<a href="https://x.org/dl?a=1&amp;b=2">Download</a>' in html and "{{" not in html


def test_a_chart_is_left_out_with_a_notice_and_later_lines_stay_right() -> None:
    # hugo-congo: the page shows a drawn chart, never its Chart.js settings as text
    body = "{{< chart >}}\ntype: 'bar',\ndata: {}\n{{< /chart >}}\n\n{{< alert >}}\nKept\n{{< /alert >}}\n"
    result = render_body(body, ctx())
    assert "type:" not in result.html and "Kept" in result.html
    assert [(n.line, n.message.split(":")[0]) for n in result.notices] == [
        (5, "theme shortcode chart left out"), (10, "theme shortcode alert")]
    assert "kept the text inside it" in result.notices[1].message


def test_an_escaped_shortcode_is_printed_as_written_and_lines_after_it_stay_right() -> None:
    # Hugo drops only /* and */: the line break before '>}}' stays in the code block
    body = '```md\n{{</* figure src="a.jpg"\n    */>}}\n```\n\n{{< nosuch >}}\n'
    result = render_body(body, ctx())
    assert '{{&lt; figure src="a.jpg"\n    &gt;}}' in result.html
    assert [n.line for n in result.notices] == [10]


def test_a_screenshot_alt_text_stays_alt_text_not_a_caption() -> None:
    # hugo-congo: {{< screenshot src=… alt="Screen capture of …" >}} shows no caption
    html = render_body('{{< screenshot src="https://x.org/s.jpg" alt="Screen capture" >}}\n', ctx()).html
    assert 'alt="Screen capture"' in html and "figcaption" not in html


def test_an_image_shortcode_inside_a_sentence_stays_in_it() -> None:
    # hugo-papermod: "1. **Follow … to install {{< inTextImg url=… >}}.**" is one bold
    # sentence with an inline <img>; a <figure> there broke the bold and the paragraph
    html = render_body('1. **Install {{< inTextImg url="https://x.org/logo.png" height="14" >}}.**\n',
                       ctx()).html
    assert '<strong>Install <img alt="" src="https://x.org/logo.png"/>.</strong>' in html
    alone = render_body('{{< inTextImg url="https://x.org/logo.png" >}}\n', ctx()).html
    assert "<figure>" in alone


def test_a_collapsed_section_keeps_its_summary() -> None:
    # hugo-papermod: {{< collapse summary="**Expand Method 1**" >}} shows the summary
    html = render_body('{{< collapse summary="**Expand Method 1**" >}}\n\nInside\n\n{{< /collapse >}}\n',
                       ctx()).html
    assert "<strong>Expand Method 1</strong>" in html and "Inside" in html and "{{" not in html


def test_a_youtube_or_vimeo_player_becomes_a_link_to_its_video_page() -> None:
    # Hugo's youtube/vimeo shortcodes (and raw iframes) embed /embed/ID and
    # player.vimeo.com/video/ID: the copy links the video's own page, as for an id
    html = render_body('<iframe src="https://www.youtube.com/embed/w7Ft2ymGmfc" title="YouTube Video">'
                       '</iframe>\n\n<iframe src="https://player.vimeo.com/video/146022717"></iframe>\n\n'
                       '<video src="https://x.org/a.mp4"></video>\n', ctx()).html
    assert '<a href="https://www.youtube.com/watch?v=w7Ft2ymGmfc">YouTube Video</a>' in html
    assert '<a href="https://vimeo.com/146022717">' in html and '<a href="https://x.org/a.mp4">' in html


def test_a_fence_with_only_highlighting_options_has_no_language() -> None:
    # hugo-papermod: ```{hl_lines=[2,8]} is a block without a language; ```html {…} is HTML
    html = render_body("```{hl_lines=[2,8]}\n<p>x</p>\n```\n\n```html {linenos=true}\n<b>\n```\n",
                       ctx()).html
    assert "<pre><code>&lt;p&gt;x" in html and 'class="language-html"' in html
    assert "hl_lines" not in html


def test_a_link_like_shortcode_inside_another_pair_keeps_its_link() -> None:
    body = ('{{< alert >}}\nSee {{< button href="https://x.org/a" >}}A{{< /button >}}\n{{< /alert >}}\n\n'
            '{{< alert >}}\n{{< chart >}}\ntype: 1\n{{< /chart >}}\n{{< /alert >}}\n')
    html = render_body(body, ctx()).html
    assert '<a href="https://x.org/a">A</a>' in html and "type:" not in html and "{{" not in html


def test_emoji_shorthand_becomes_emoji_only_with_enable_emoji() -> None:
    # hugo-coder (enableEmoji = true): Hugo 0.111.3 writes "Hi 😄" and, inside code too,
    # <code>🙈</code>; a site without the setting keeps the shorthand as typed
    text = "Hi :smile: and `:see_no_evil:`, not :no_such_emoji_here:\n"
    on = render_body(text, ctx(enableEmoji=True)).html
    assert "Hi 😄" in on and "<code>🙈</code>" in on and ":no_such_emoji_here:" in on
    off = render_body(text, ctx()).html
    assert ":smile:" in off and "😄" not in off
