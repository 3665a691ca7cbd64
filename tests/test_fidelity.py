"""The differential fidelity suite: every corpus post, built-in renderer against the site's
own generator (tests/fidelity.py). Needs Debian's jekyll and hugo: tests/servers/generators.sh
installs them when missing (system packages). The corpus is compared once per session."""

from __future__ import annotations

import pytest

from tests import fidelity
from tests.generators import ensure_generators


@pytest.fixture(scope="session")
def results() -> tuple[fidelity.SiteResult, ...]:
    ensure_generators()
    return fidelity.compare_corpus()


def test_every_corpus_site_is_compared(results: tuple[fidelity.SiteResult, ...]) -> None:
    names = {r.name for r in results}
    assert len([n for n in names if "synthetic" not in n]) >= 8
    assert {"jekyll", "hugo"} <= {r.generator for r in results}
    for r in results:
        assert r.compared > 0, f"{r.name}: no post compared ({r.errors[:3]})"


@pytest.mark.parametrize("cls", fidelity.CLASSES)
def test_no_unexplained_difference(results: tuple[fidelity.SiteResult, ...], cls: str) -> None:
    found = [d for d in fidelity.unexplained(results) if d.cls == cls]
    assert not found, "unexplained differences (fix, or explain in tests/fidelity_allow.toml):\n" + "\n".join(
        f"{d.key}\n  builtin:   {fidelity.clip(d.builtin)}\n  generator: {fidelity.clip(d.generator)}"
        for d in found[:10])


def test_every_explained_difference_has_a_reason() -> None:
    for key, reason in fidelity.allowed().items():
        assert "#" in key and len(reason) > 20, key


def test_every_explanation_is_still_needed(results: tuple[fidelity.SiteResult, ...]) -> None:
    """An explanation whose difference is gone would excuse the next, different regression."""
    seen = {d.key for r in results for d in r.differences}
    stale = [key for key in fidelity.allowed() if "*" not in key and key not in seen]
    assert not stale, f"remove from tests/fidelity_allow.toml: {stale}"


def test_the_comparison_sees_a_difference_when_there_is_one() -> None:
    code = '<pre><code class="language-{}">x=1</code></pre>'
    a = fidelity.features('<p>Hi <a href="https://x.org/a">a</a></p>' + code.format("py"))
    b = fidelity.features('<p>Hi <a href="https://x.org/b">a</a></p>' + code.format("rb"))
    assert a.values["text"] == b.values["text"]
    assert a.values["links"] != b.values["links"]
    assert a.values["code"] != b.values["code"]
    maths = fidelity.features(r"<p>$$a_{i} \\ b$$ and \(x_{j}\)</p>")
    assert maths.values["maths"] == [r"a_{i} \\ b", "x_{j}"]


def test_a_diagram_is_code_whichever_element_holds_it() -> None:
    fenced = fidelity.features('<pre><code class="language-mermaid">graph LR;\nA-->B</code></pre>')
    for theme in ('<div class="mermaid">graph LR;\nA-->B</div>',
                  '<pre class="mermaid">graph LR;\nA-->B</pre>'):
        code = fidelity.features(theme).values["code"]
        assert code == fenced.values["code"] == ["[mermaid] graph LR;\nA-->B"]
    other = fidelity.features('<div class="mermaid">graph LR;\nA-->C</div>')
    assert other.values["code"] != fenced.values["code"]


def test_kramdown_footnotes_are_read_from_their_box_not_from_the_note_mark() -> None:
    box = ('<p>A<sup role="doc-noteref"><a class="footnote" href="#fn:1">1</a></sup></p>'
           '<div class="footnotes" role="doc-endnotes"><ol><li><p>{}</p></li></ol></div>')
    ours = '<p>A<sup class="footnote-ref"><a href="#fn1">[1]</a></sup></p>' \
           '<section class="footnotes"><ol><li><p>{}</p></li></ol></section>'
    kramdown = fidelity.features(box.format("The note."))
    assert kramdown.values["footnotes"] == ["The note."]
    assert kramdown.values["footnotes"] == fidelity.features(ours.format("The note.")).values["footnotes"]
    assert kramdown.values["text"] == fidelity.features(ours.format("The note.")).values["text"]
    assert kramdown.values["footnotes"] != fidelity.features(ours.format("Another.")).values["footnotes"]


def test_rouge_plaintext_is_no_language_but_a_language_still_counts() -> None:
    plain = fidelity.features(
        '<div class="language-plaintext highlighter-rouge"><pre><code>x</code></pre></div>')
    assert plain.values["code"] == fidelity.features("<pre><code>x</code></pre>").values["code"]
    assert plain.values["code"] == fidelity.features(
        '<pre><code class="language-plaintext" data-lang="plaintext">x</code></pre>').values["code"]
    assert plain.values["code"] != fidelity.features(
        '<pre><code class="language-sh">x</code></pre>').values["code"]


def test_maths_delimiters_do_not_count_in_text_but_the_maths_and_the_words_do() -> None:
    kramdown = fidelity.features(r"<p>Say \(x_{i} \\ y\) and \[a=b\] now</p>")
    typed = fidelity.features(r"<p>Say $$x_{i} \\ y$$ and $$a=b$$ now</p>")
    assert kramdown.values["text"] == typed.values["text"]
    assert kramdown.values["maths"] == typed.values["maths"]
    changed = fidelity.features(r"<p>Say $$x_{j} \\ y$$ and $$a=b$$ later</p>")
    assert changed.values["maths"] != kramdown.values["maths"]
    assert fidelity.features(r"<p>Say \(x_{i} \\ y\) and \[a=b\] later</p>").values["text"] != \
        kramdown.values["text"]


def test_a_percent_encoded_link_is_the_same_link() -> None:
    raw = fidelity.features('<a href="https://x.org/a#sign-原码">a</a>')
    assert raw.values["links"] == fidelity.features(
        '<a href="https://x.org/a#sign-%E5%8E%9F%E7%A0%81">a</a>').values["links"]
    assert raw.values["links"] != fidelity.features('<a href="https://x.org/a#sign-反码">a</a>').values["links"]


def test_a_youtube_player_and_its_watch_page_are_the_same_video_but_not_another() -> None:
    player = fidelity.features('<p><a href="https://www.youtube.com/embed/abc?rel=0">'
                               "https://www.youtube.com/embed/abc?rel=0</a></p>")
    watch = fidelity.features('<p><a href="https://www.youtube.com/watch?v=abc">'
                              "https://www.youtube.com/watch?v=abc</a></p>")
    other = fidelity.features('<p><a href="https://www.youtube.com/watch?v=xyz">'
                              "https://www.youtube.com/watch?v=xyz</a></p>")
    assert player.values == watch.values
    assert other.values["links"] != watch.values["links"] and other.values["text"] != watch.values["text"]
