"""Properties of length fitting over hostile text: emoji sequences, flags, combining
marks, URLs, Chinese, RTL and zero-width characters, in every unit platforms count in."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.adapter import Unit
from syndicate.dialects.fit import URL, count, fit_text

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
