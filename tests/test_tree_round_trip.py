"""A shared tree stands for a text only when that text parses back to it.

``syndicate.tailor`` serialises each post's tree and the dialects parse the result again;
``syndicate.dialects.tree.serialise`` lets them share the tree instead, guarded by
``round_trips``. The markup stage's edited tree stands for the canonical HTML written from
it once ``adopt`` has made it what that HTML parses to. These tests parse the text for
real and compare node by node, over generated HTML full of what trips parsers (stray end
tags, void elements closed twice, entities, raw text elements, odd attribute spellings)
and edited as the markup stage edits its tree.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.dialects.markdown import to_markdown
from syndicate.dialects.tree import adopt, forget, parse, parse_text, round_trips, serialise


def shape(node: Any) -> Any:
    """Everything a dialect can see of a node: its kind, name, attributes in order,
    text, and its children's shapes."""
    if isinstance(node, Tag):
        return ("tag", node.name, list(node.attrs.items()), [shape(c) for c in node.children])
    return (type(node).__name__, str(node))


def fresh(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


TEXT = st.lists(st.sampled_from([*"ab <>&;#x\n\t 中-\"'=/", "&amp;", "&lt;", "&nbsp;", "&#169;",
                                 "&notit;", "&bogus;", "\r\n"]), max_size=12).map("".join)
NAMES = st.sampled_from(["p", "div", "pre", "code", "a", "span", "em", "li", "ul", "td", "tr",
                         "table", "script", "style", "textarea", "img", "br", "hr", "input",
                         "sup", "blockquote", "h2"])
ATTRS = st.lists(st.tuples(st.sampled_from(["href", "class", "id", "src", "alt", "Title", "data-x",
                                            "colspan"]),
                           st.one_of(st.none(), TEXT)), max_size=3)


def attributes(pairs: list[tuple[str, str | None]]) -> str:
    out = []
    for name, value in pairs:
        if value is None:
            out.append(f" {name}")
        else:
            quote = "'" if '"' in value else '"'
            out.append(f" {name}={quote}{value.replace(quote, '')}{quote}")
    return "".join(out)


@st.composite
def fragments(draw: Any, depth: int = 0) -> str:
    pieces = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "element", "element", "stray", "void", "comment"]))
        if kind == "text":
            pieces.append(draw(TEXT))
        elif kind == "element" and depth < 3:
            name = draw(NAMES)
            inner = draw(fragments(depth + 1))
            closed = draw(st.booleans())
            pieces.append(f"<{name}{attributes(draw(ATTRS))}>{inner}" + (f"</{name}>" if closed else ""))
        elif kind == "stray":
            pieces.append(f"</{draw(NAMES)}>")
        elif kind == "void":
            pieces.append(draw(st.sampled_from(["<br>", "<br/>", "<br></br>", "<img src=x>",
                                                "<img src='a.png' alt=\"b\"></img>", "<hr>"])))
        else:
            pieces.append(draw(st.sampled_from(["<!-- c -->", "<!--x--->", "<!---->"])))
    return "".join(pieces)


@settings(max_examples=400, deadline=None)
@given(fragments())
def test_a_tree_said_to_round_trip_is_what_its_serialisation_parses_to(html: str) -> None:
    tree = fresh(html)
    if round_trips(tree):
        assert shape(fresh(str(tree))) == shape(tree)


@settings(max_examples=200, deadline=None)
@given(fragments())
def test_the_serialisation_of_a_serialisation_always_round_trips(html: str) -> None:
    # What tailor hands over is a post's canonical HTML, itself bs4's serialisation of a
    # tree: those are the trees the guard must admit, or nothing is saved.
    written = str(fresh(str(fresh(html))))
    tree = fresh(written)
    if round_trips(tree):
        assert shape(fresh(str(tree))) == shape(tree)


def test_what_does_not_round_trip_is_refused() -> None:
    for html in ("<!DOCTYPE html><p>x</p>", "a</div>b", "<p>one</span>two</p>",
                 '<a title="t" href="h">x</a>', "<![CDATA[x]]>y"):
        tree = fresh(html)
        assert not round_trips(tree), html
    # and the refusals are needed: each of these reads back differently
    for html in ("<!DOCTYPE html><p>x</p>", "a</div>b", '<a title="t" href="h">x</a>'):
        assert shape(fresh(str(fresh(html)))) != shape(fresh(html)), html


def test_serialise_shares_the_tree_only_when_it_round_trips() -> None:
    forget()
    clean = parse("<p>Hello <em>there</em> &amp; you</p>\n<pre><code>a\n\n b</code></pre>\n")
    written = serialise(clean)
    assert parse(written) is clean
    assert parse_text.cache_info().misses == 1  # the serialisation was never parsed

    split = parse("<p>a</div>b</p>")
    written = serialise(split)
    assert parse(written) is not split
    assert shape(parse(written)) == shape(fresh("<p>ab</p>"))
    forget()


def test_a_shared_serialisation_converts_as_a_fresh_parse_would() -> None:
    html = ('<h2 id="t">Title</h2>\n<p>Text with <a href="https://x.org/a_b">a link</a> and '
            '<code>x &lt; y</code>.</p>\n<table><tr><td>1 | 2</td></tr></table>\n')
    forget()
    to_markdown.cache_clear()
    written = serialise(parse(html))
    shared = to_markdown(written)
    forget()
    to_markdown.cache_clear()
    assert to_markdown(written) == shared
    forget()
    to_markdown.cache_clear()


EDITS = st.lists(st.sampled_from(["keep", "decompose", "unwrap", "text", "attribute", "append",
                                  "drop-comment", "blank"]), max_size=30)


def edit(tree: BeautifulSoup, edits: list[str]) -> None:
    """What the markup stage does to its tree: comments and elements removed, elements
    unwrapped, new text, attributes set, new elements added."""
    nodes = [n for n in tree.descendants if isinstance(n, (Tag, Comment))]
    for node, what in zip(nodes, edits, strict=False):
        if vars(node).get("_decomposed") or node.parent is None:
            continue  # inside something removed already
        if isinstance(node, Comment):
            if what == "drop-comment":
                node.extract()
            continue
        if what == "decompose":
            node.decompose()
        elif what == "unwrap":
            node.unwrap()
        elif what == "text":
            node.replace_with(NavigableString(" a & <b> "))
        elif what == "blank":
            node.replace_with(NavigableString("\n \t"))
        elif what == "attribute":
            node["alt"] = 'x "y"'
            node["href"] = "https://x.org/?a=1&b=2"
        elif what == "append":
            link = tree.new_tag("a", href="https://x.org")
            link.string = "x"
            node.append(link)
            node.append(NavigableString(""))


@settings(max_examples=400, deadline=None)
@given(fragments(), EDITS)
def test_an_adopted_tree_is_what_the_html_written_from_it_parses_to(html: str, edits: list[str]) -> None:
    forget()
    tree = fresh(html)
    edit(tree, edits)
    written = str(tree).strip() + "\n"
    adopt(tree, written)
    if parse(written) is tree:
        assert shape(tree) == shape(fresh(written))
    forget()


def test_the_markup_stage_tree_is_adopted_and_reads_as_its_html() -> None:
    forget()
    tree = fresh('\n <p title="t" class="c">One<!--more--> two</p>\n<!-- x -->\n<div><span></span></div>'
                 "<pre>  \n  </pre>\n")
    for comment in [n for n in tree.descendants if isinstance(n, Comment)]:
        comment.extract()
    span = tree.find("span")
    assert isinstance(span, Tag)
    span.decompose()
    written = str(tree).strip() + "\n"
    adopt(tree, written)
    assert parse(written) is tree
    assert parse_text.cache_info().misses == 0
    assert shape(tree) == shape(fresh(written))
    forget()
