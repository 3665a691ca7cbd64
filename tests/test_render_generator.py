"""render = "generator": post bodies from the site's own Jekyll or Hugo, built content-only
in a temporary folder (syndicate/render/)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndicate.cli import app
from syndicate.errors import ConfigError, SourceError
from syndicate.render.codeblocks import plain_code
from syndicate.render.generator import record_render_choice
from syndicate.sources import open_site
from tests.generators import ensure_generators
from tests.sandboxing import SimClock, make_sandbox, push_once
from tests.sitefiles import write

CORPUS = Path(__file__).parent / "corpus"
runner = CliRunner()


@pytest.fixture(autouse=True)
def generators() -> None:
    ensure_generators()


def copy_site(name: str, tmp_path: Path) -> Path:
    """A private copy of a corpus site (one without a syndicate.toml) set to the generator."""
    site = tmp_path / name
    shutil.copytree(CORPUS / name, site)
    assert not (site / "syndicate.toml").exists()
    (site / "syndicate.toml").write_text('[site]\nrender = "generator"\n', encoding="utf-8")
    return site


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def post_by_path(root: Path, rel: str) -> str:
    site = open_site(root)
    source = next(s for s in site.discover() if s.rel_path == rel)
    post = site.read(source)
    assert post.renderer == "generator"
    return post.html


def test_a_jekyll_include_runs_as_on_the_live_site_and_the_tree_is_untouched(tmp_path: Path) -> None:
    site = copy_site("jekyll-synthetic", tmp_path)
    before = tree(site)
    html = post_by_path(site, "_posts/2020-02-02-figures.md")
    assert "<figcaption>" in html and "The harbour at <em>dawn</em>" in html
    assert 'src="https://synthetic.example.org/blog/assets/img/harbour.png"' in html
    # the include's YouTube iframe becomes a link to the video's page, not to the bare player
    assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">' in html
    assert tree(site) == before, "the content-only build must not write into the site"


def test_a_hugo_theme_shortcode_runs_and_bundle_images_are_absolute(tmp_path: Path) -> None:
    site = copy_site("hugo-synthetic", tmp_path)
    before = tree(site)
    html = post_by_path(site, "content/posts/harbour-walk/index.md")
    assert '<aside class="note"><strong>Heads up</strong>' in html
    assert "{{" not in html
    assert 'src="https://synthetic.example.org/site/2021/05/harbour-walk/images/map.png"' in html
    assert 'src="https://synthetic.example.org/site/2021/05/harbour-walk/harbour.png"' in html
    assert '<a href="https://gist.github.com/spf13/7896402">' in html
    assert '<code class="language-go" data-lang="go">package main' in html
    assert tree(site) == before



def test_a_ref_to_a_section_links_its_list_page_as_on_the_live_site(tmp_path: Path) -> None:
    # hugo-congo's "[samples section]({{< ref "samples" >}})": with section pages switched
    # off in the content-only build, Hugo found no page and printed an empty link
    site = copy_site("hugo-synthetic", tmp_path)
    write(site, "content/posts/to-section.md", '---\ntitle: S\ndate: 2021-05-02\n---\n'
          '[all posts]({{< ref "posts" >}}) and [again]({{< relref "/posts" >}})\n')
    html = post_by_path(site, "content/posts/to-section.md")
    assert '<a href="https://synthetic.example.org/site/posts/">all posts</a>' in html
    assert '<a href="https://synthetic.example.org/site/posts/">again</a>' in html
    # a theme's list template now runs for sections: only pages with a file are collected
    write(site, "themes/plain/layouts/_default/list.html", "<ul>{{ range .Pages }}<li>x</li>{{ end }}</ul>")
    from syndicate.render.hugo import build_hugo

    pages = build_hugo(site, "https://synthetic.example.org/site/").pages
    assert "content/posts/to-section.md" in pages and all(rel.endswith((".md", ".html")) for rel in pages)

def test_a_post_the_generator_fails_on_is_that_posts_error_quoting_it(tmp_path: Path) -> None:
    site = copy_site("jekyll-synthetic", tmp_path)
    write(site, "_posts/2020-05-05-broken.md",
          "---\ntitle: Broken\n---\n\n{% include no-such-include.html %}\n")
    opened = open_site(site)
    by_rel = {s.rel_path: s for s in opened.discover()}
    with pytest.raises(SourceError) as caught:
        opened.read(by_rel["_posts/2020-05-05-broken.md"])
    assert "no-such-include.html" in str(caught.value) and "jekyll" in str(caught.value)
    assert opened.read(by_rel["_posts/2020-01-01-hard-wrap.md"]).html.strip()


def test_a_hugo_post_with_an_unknown_shortcode_fails_alone(tmp_path: Path) -> None:
    site = copy_site("hugo-synthetic", tmp_path)
    write(site, "content/posts/broken.md", "---\ntitle: Broken\ndate: 2021-01-01\n---\n\n{{< nosuch >}}\n")
    opened = open_site(site)
    by_rel = {s.rel_path: s for s in opened.discover()}
    with pytest.raises(SourceError) as caught:
        opened.read(by_rel["content/posts/broken.md"])
    assert "nosuch" in str(caught.value) and "hugo" in str(caught.value)
    assert "Heads up" in opened.read(by_rel["content/posts/harbour-walk/index.md"]).html


def test_without_the_generator_the_run_stops_with_one_line(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_site("hugo-synthetic", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ConfigError) as caught:
        open_site(site)
    assert "apt-get install hugo" in str(caught.value) and 'render = "builtin"' in str(caught.value)
    result = runner.invoke(app, ["plan", "--site", str(site)])
    assert result.exit_code == 2
    assert "not on PATH" in result.output


def test_plan_json_names_the_renderer(tmp_path: Path) -> None:
    site = copy_site("hugo-synthetic", tmp_path)
    result = runner.invoke(app, ["plan", "--sandbox", "--site", str(site), "--json"])
    actions = json.loads(result.stdout)["actions"]
    assert actions and {a["renderer"] for a in actions} == {"generator"}


def test_init_writes_generator_when_it_builds_and_builtin_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "s"
    shutil.copytree(CORPUS / "jekyll-synthetic", site)
    (site / "syndicate.toml").write_text("since = 2000-01-01\n", encoding="utf-8")
    assert record_render_choice(site / "syndicate.toml") == "generator"
    assert open_site(site).config.site.render == "generator"
    (site / "syndicate.toml").write_text("since = 2000-01-01\n", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert record_render_choice(site / "syndicate.toml") == "builtin"
    assert open_site(site).config.site.render == "builtin"


@pytest.mark.parametrize(("name", "rel", "live"), [
    ("hugo-synthetic", "content/posts/harbour-walk/index.md",
     ['<aside class="note"><strong>Heads up</strong>', "From the theme's img shortcode",
      "https://synthetic.example.org/site/2021/05/harbour-walk/images/map.png"]),
    ("jekyll-synthetic", "_posts/2020-02-02-figures.md",
     ["<figcaption>", "The harbour at <em>dawn</em>",
      "https://synthetic.example.org/blog/assets/img/harbour.png"]),
])
def test_sandbox_push_sends_what_the_live_site_shows(tmp_path: Path, name: str, rel: str,
                                                      live: list[str]) -> None:
    site = copy_site(name, tmp_path)
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes, errors = push_once(site, box, clock, ["wordpress"])
    assert not errors and {o.outcome for o in outcomes} == {"created"}
    title = open_site(site).read(next(s for s in open_site(site).discover() if s.rel_path == rel)).title
    pushed = next(p for p in box.fakes["wordpress"].posts.values() if p["title"]["raw"] == title)
    body = pushed["content"]["raw"]
    for piece in live:
        assert piece.replace("'", "&#39;") in body or piece in body, piece


def test_highlighted_code_keeps_its_text_and_language_only() -> None:
    hugo = ('<div class="highlight"><table><tr><td><pre><code><span style="user-select:none">1\n'
            '</span></code></pre></td><td><pre tabindex="0"><code class="language-go" data-lang="go">'
            '<span style="display:flex;"><span style="color:#f92672">package</span> main\n</span>'
            '</code></pre></td></tr></table></div>')
    assert plain_code(hugo) == ('<div class="highlight"><pre><code class="language-go" data-lang="go">'
                                'package main\n</code></pre></div>')
    rouge = ('<pre class="highlight"><code><table class="rouge-table"><tbody><tr>'
             '<td class="rouge-gutter gl"><pre class="lineno">1\n</pre></td><td class="rouge-code">'
             '<pre><span class="k">a</span> &lt; b\n</pre></td></tr></tbody></table></code></pre>')
    assert plain_code(rouge) == "<pre><code>a &lt; b\n</code></pre>"


def test_a_theme_diagram_stays_code_marked_as_mermaid() -> None:
    # hugo-coder's mermaid shortcode writes <pre class="mermaid">: the diagram's source
    assert plain_code('<pre class="mermaid">\ngraph LR;\nA --&gt; B\n</pre><pre class="x">y</pre>') == (
        '<pre><code class="language-mermaid">graph LR;\nA --&gt; B</code></pre><pre>y</pre>')


def test_the_sites_own_layouts_and_theme_templates_never_reach_the_body(tmp_path: Path) -> None:
    jekyll = copy_site("jekyll-synthetic", tmp_path)
    write(jekyll, "_layouts/post.html", "<nav>SITE MENU</nav>{{ content }}<footer>COMMENTS</footer>")
    write(jekyll, "_layouts/fancy.html", "---\nlayout: post\n---\n<div>SIDEBAR</div>{{ content }}")
    write(jekyll, "_posts/2020-06-06-fancy.md", "---\ntitle: Fancy\nlayout: fancy\n---\n\nJust this.\n")
    html = post_by_path(jekyll, "_posts/2020-06-06-fancy.md")
    assert "Just this." in html and "MENU" not in html and "SIDEBAR" not in html and "COMMENTS" not in html
    hugo = copy_site("hugo-synthetic", tmp_path)
    write(hugo, "themes/plain/layouts/posts/single.html", "<nav>THEME MENU</nav>{{ .Content }}")
    write(hugo, "layouts/_default/custom.html", "<aside>SITE SIDEBAR</aside>{{ .Content }}")
    write(hugo, "content/posts/custom.md",
          "---\ntitle: Custom\ndate: 2021-02-02\nlayout: custom\n---\n\nJust that.\n")
    html = post_by_path(hugo, "content/posts/custom.md")
    assert "Just that." in html and "MENU" not in html and "SIDEBAR" not in html
    assert "THEME MENU" not in post_by_path(hugo, "content/posts/maths/index.md")


def test_preview_says_which_renderer_made_each_body(tmp_path: Path) -> None:
    site = copy_site("hugo-synthetic", tmp_path)
    shown = runner.invoke(app, ["preview", "--site", str(site), "--platform", "wordpress", "--json"])
    items = json.loads(shown.stdout)
    assert items and {item["renderer"] for item in items} == {"generator"}
    text = runner.invoke(app, ["preview", "--site", str(site), "--platform", "wordpress"])
    assert text.output.count("body rendered by: generator") == len(items)


def test_a_site_that_pins_its_gems_builds_under_bundler_without_writing_its_lock(tmp_path: Path) -> None:
    from syndicate.render.generator import site_build

    site = copy_site("jekyll-synthetic", tmp_path)
    write(site, "Gemfile", 'source "https://rubygems.org"\ngem "jekyll"\n')
    locked = subprocess.run(["bundle", "lock", "--local"], cwd=site, capture_output=True, text=True,
                            check=False)
    assert locked.returncode == 0, locked.stderr
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    opened = open_site(site)
    html = opened.read(next(s for s in opened.discover() if s.rel_path.endswith("figures.md"))).html
    assert "The harbour at <em>dawn</em>" in html
    built = site_build(opened)
    assert getattr(built, "version", "") == "bundle exec jekyll"
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_hugo_config_folder_is_honoured_and_the_overlay_still_wins(tmp_path: Path) -> None:
    site = tmp_path / "cfg"
    write(site, "config/_default/hugo.toml", 'title = "t"\nbaseURL = "https://default.example/"\n')
    write(site, "config/_default/params.toml", 'who = "default"\n')
    write(site, "config/production/params.toml", 'who = "production"\n')
    write(site, "config/production/hugo.toml", 'baseURL = "https://prod.example/"\n')
    write(site, "layouts/_default/single.html", "<nav>SITE MENU</nav>{{ .Content }}")
    write(site, "layouts/shortcodes/who.html", "<b>{{ .Site.Params.who }}</b>")
    write(site, "content/posts/a.md",
          '---\ntitle: A\ndate: 2020-01-01\n---\n\n{{< who >}} [a]({{< relref "a" >}})\n')
    write(site, "syndicate.toml", '[site]\nurl = "https://prod.example"\nrender = "generator"\n')
    html = post_by_path(site, "content/posts/a.md")
    assert "<b>production</b>" in html and "MENU" not in html
    assert 'href="https://prod.example/posts/a/"' in html
