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


def test_every_explained_or_known_difference_has_a_reason() -> None:
    for key, reason in {**fidelity.allowed(), **fidelity.baseline()}.items():
        assert "#" in key and len(reason) > 20, key


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


def test_a_link_is_the_same_address_percent_encoded_or_not() -> None:
    encoded = fidelity.features('<a href="https://x.org/a/#%E5%9B%BE%E6%A0%87">i</a>')
    assert encoded.values["links"] == fidelity.features('<a href="https://x.org/a/#图标">i</a>').values["links"]
    assert encoded.values["links"] != fidelity.features('<a href="https://x.org/b/#图标">i</a>').values["links"]
