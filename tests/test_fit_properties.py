"""Properties of length fitting over hostile text: emoji sequences, flags, combining
marks, URLs, Chinese, RTL and zero-width characters, in every unit platforms count in."""

from __future__ import annotations

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.telegram.fake_html import parse
from syndicate.adapter import Unit
from syndicate.dialects.fit import URL, count, fit_text
from syndicate.dialects.telegram import (
    PRE_BLOCK as PRE,
)
from syndicate.dialects.telegram import (
    fit_telegram,
    plain,
    split_messages,
    to_telegram_html,
    validate,
    visible_length,
)

PIECES = [
    "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇨🇳", "🇺🇸", "👍🏽", "e\u0301", "a\u0308\u0323", "한국어", "ก์", "שלום עולם",
    "مرحبا", "\u200b", "\u200d", "\u202e", "。", "！", "？", ". ", "! ", "\n\n", "\r\n", " ", "…",
    "这是一个句子。", "笔者也没啥好说了，既然给笔者退了，事情就到这里吧。", "Hello world. ",
    "https://example.com/a/b?c=1&d=2", "https://例子.测试/路径", "http://x.io", "(https://e.org/x)",
    "word", "longerword", "3.14", "e.g. this",
]
PLAIN = st.characters(blacklist_categories=("Cs",))
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(PLAIN, max_size=8)),
                max_size=40).map("".join)
LINKS = st.sampled_from([None, "https://blog.example.com/2021/01/28/xiaomi/",
                         "https://例子.com/文章/一年的长跑记录/"])
UNITS = st.sampled_from(list(Unit))
URL_LENGTHS = st.sampled_from([None, 23])
GRAPHEMES = regex.compile(r"\X")


def boundaries(text: str) -> set[int]:
    return {m.end() for m in GRAPHEMES.finditer(text)} | {0}


def head_of(result: str, text: str, link: str | None, ellipsis: str = "…") -> str | None:
    """The part of ``result`` taken from ``text``, or None when ``result`` is the link alone
    or text unchanged."""
    tail = f"\n\n{link}" if link else ""
    body = result[: len(result) - len(tail)] if tail else result
    if body == text:
        return None
    assert body.endswith(ellipsis), result
    return body[: -len(ellipsis)].removesuffix(" ")


@settings(max_examples=300, deadline=None)
@given(text=TEXT, maximum=st.integers(0, 200), unit=UNITS, link=LINKS, url_length=URL_LENGTHS)
def test_fitted_text_respects_limit_keeps_link_and_cuts_cleanly(
    text: str, maximum: int, unit: Unit, link: str | None, url_length: int | None
) -> None:
    try:
        result = fit_text(text, maximum, unit, link=link, url_length=url_length)
    except ValueError:
        # only allowed when not even the link back (or the ellipsis) fits
        assert count(link or "…", unit, url_length=url_length) > maximum
        return
    assert count(result, unit, url_length=url_length) <= maximum
    if link:
        assert result.endswith(link)
    if result == link:
        return
    head = head_of(result, text, link)
    if head is None:
        return
    assert text.startswith(head)
    assert len(head) in boundaries(text), "a grapheme cluster was split"
    for match in URL.finditer(head):
        whole = URL.match(text, match.start())
        assert whole is not None and whole.end() == match.end(), "a URL was cut"


@settings(max_examples=200, deadline=None)
@given(text=TEXT, maximum=st.integers(60, 200), unit=UNITS, link=LINKS, url_length=URL_LENGTHS)
def test_fitting_is_idempotent_and_deterministic(
    text: str, maximum: int, unit: Unit, link: str | None, url_length: int | None
) -> None:
    once = fit_text(text, maximum, unit, link=link, url_length=url_length)
    assert fit_text(text, maximum, unit, link=link, url_length=url_length) == once
    assert fit_text(once, maximum, unit, link=link, url_length=url_length) == once


@given(text=TEXT)
def test_units_agree_with_their_definitions(text: str) -> None:
    assert count(text, Unit.CODEPOINTS) == len(text)
    assert count(text, Unit.UTF16) == len(text.encode("utf-16-le")) // 2
    assert count(text, Unit.BYTES) == len(text.encode("utf-8"))
    assert count(text, Unit.GRAPHEMES) == len(GRAPHEMES.findall(text))
    assert count(text, Unit.GRAPHEMES) <= count(text, Unit.CODEPOINTS) <= count(text, Unit.UTF16)


@given(text=TEXT, url_length=st.integers(1, 40))
def test_every_url_counts_as_url_length(text: str, url_length: int) -> None:
    urls = URL.findall(text)
    rest = URL.sub("", text)
    assert count(text, Unit.CODEPOINTS, url_length=url_length) == len(rest) + url_length * len(urls)


# --- Telegram: arbitrary canonical-looking HTML in, valid markup out, within limits ---

TEXT_BITS = ["a < b", "x & y", "AT&T", "&amp;", "&bogus;", "&#128512;", "1 > 0", '"quoted"',
             "مرحبا بالعالم", "\u200b", "\u200f", "\u202e", "👨‍👩‍👧‍👦", "🇨🇳", "e\u0301",
             "这是一个句子。", "文/Robin", "Hello world. ", " ", "\n", "\t",
             "https://example.com/x?a=1&b=2"]
SAFE_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Mn", "Mc", "Me"))
RAW_TEXT = st.lists(st.one_of(st.sampled_from(TEXT_BITS), st.text(SAFE_CHARS, max_size=12)),
                    min_size=1, max_size=6).map("".join)
HTML_TEXT = RAW_TEXT.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;")) | \
    st.sampled_from(["a < b", "x &amp; y", "AT&T", "&bogus;", "3 <4"])
LEAVES = st.one_of(
    HTML_TEXT, HTML_TEXT, HTML_TEXT,
    st.just("<br>"), st.just("<br/>"), st.just("<hr/>"),
    RAW_TEXT.map(lambda alt: '<img src="https://cdn.example.com/i.png" alt="{}"/>'.format(
        alt.replace('"', ""))),
    st.just('<img src="https://cdn.example.com/i.png"/>'),
    st.just('<iframe src="https://www.youtube.com/embed/xyz"></iframe>'),
    st.just('<sup><a href="https://b.example/p#fn:1" class="footnote-ref">1</a></sup>'),
)
WRAPPERS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s", "u",
            "code", "blockquote", "figure", "figcaption", "center", "div", "span", "sup", "section",
            "pre", "table", "td"]


def wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(draw_tag: str, inner: list[str]) -> str:
        body = "".join(inner)
        if draw_tag == "a":
            return f'<a href="https://example.com/p?q=1&amp;r=2">{body}</a>'
        if draw_tag == "pre-code":
            return f'<pre><code class="language-python">{body}</code></pre>'
        if draw_tag in ("ul", "ol"):
            items = "".join(f"<li>{item}</li>" for item in inner)
            return f"<{draw_tag}>{items}</{draw_tag}>"
        if draw_tag == "table":
            cells = "".join(f"<td>{item}</td>" for item in inner)
            return f"<table><thead><tr><th>名字</th><th>v</th></tr></thead><tr>{cells}</tr></table>"
        if draw_tag == "spoiler":
            return f'<span class="tg-spoiler">{body}</span>'
        return f"<{draw_tag}>{body}</{draw_tag}>"

    tags = st.sampled_from([*WRAPPERS, "a", "pre-code", "ul", "ol", "spoiler"])
    return st.builds(build, tags, st.lists(children, min_size=1, max_size=4))


HTML = st.recursive(LEAVES, wrap, max_leaves=25).map(str) | \
    st.lists(st.recursive(LEAVES, wrap, max_leaves=12), max_size=6).map("".join)


def fake_accepts(markup: str) -> str:
    """The sandbox's independent reading of Telegram HTML must accept it too."""
    text, _entities = parse(markup)
    return text


@settings(max_examples=300, deadline=None)
@given(html=HTML)
def test_telegram_output_is_always_valid_markup(html: str) -> None:
    markup = to_telegram_html(html)
    validate(markup)
    fake_accepts(markup)
    outside = PRE.split(markup)[::2]
    assert not any("\n\n\n" in piece for piece in outside), "a blank-line run outside <pre>"
    assert to_telegram_html(html) == markup


def visible_graphemes(text: str) -> list[str]:
    """Graphemes with their blanks taken off: a message's edges lose their spaces (Telegram
    trims them), so " ำ" (a space carrying a mark) may rightly begin a message as "ำ"."""
    return [g.strip() for g in GRAPHEMES.findall(text) if g.strip()]


@settings(max_examples=300, deadline=None)
@given(html=HTML, limit=st.integers(40, 400))
@example(html="<p>a &lt; ba &lt; ba &lt; ba &lt; b&amp;#128512;&amp;#128512;0 \u0e33</p>", limit=40)
@example(html="<p>" + "x" * 39 + "e\u0301</p>", limit=40)
def test_split_messages_are_valid_within_the_limit_and_lose_nothing(html: str, limit: int) -> None:
    markup = to_telegram_html(html)
    parts = split_messages(markup, limit)
    for part in parts:
        validate(part)
        fake_accepts(part)
        assert 0 < visible_length(part) <= limit
    whole = "".join(plain(markup).split())
    joined = [GRAPHEMES.findall("".join(plain(part).split())) for part in parts]
    assert "".join(g for part in joined for g in part) == whole, "text lost or reordered"
    split = [g for part in parts for g in visible_graphemes(plain(part))]
    assert split == visible_graphemes(plain(markup)), "grapheme split"


@settings(max_examples=200, deadline=None)
@given(html=HTML, limit=st.integers(80, 1024))
def test_fit_telegram_is_valid_within_the_limit_and_keeps_the_link(html: str, limit: int) -> None:
    link = "https://dbarobin.com/2021/01/28/xiaomi/?a=1&b=2"
    markup = to_telegram_html(html)
    fitted = fit_telegram(markup, limit, link=link)
    validate(fitted)
    fake_accepts(fitted)
    assert visible_length(fitted) <= limit
    assert plain(fitted).rstrip().endswith(link)
    assert fit_telegram(fitted, limit, link=link) == fitted
