"""Length fitting by example: where the cut lands, and how every unit counts."""

from __future__ import annotations

import pytest

from syndicate.adapter import Unit
from syndicate.dialects.fit import count, fit_text

LINK = "https://dbarobin.com/xiaomi/"
CHINESE = ("1 月 24 号笔者写了篇文章夸小米，结果 2 天过后就被打脸。事情缘由是怎么样的呢？"
           "容笔者道来。笔者在 1 月 24 日上午购买了小米小爱音箱 Art 第三代，价格是最贵的。")


def test_text_that_fits_comes_back_unchanged_with_the_link_appended() -> None:
    assert fit_text("短文。", 100, Unit.CODEPOINTS) == "短文。"
    assert fit_text("短文。", 100, Unit.CODEPOINTS, link=LINK) == f"短文。\n\n{LINK}"


def test_chinese_is_cut_after_a_full_stop_not_mid_sentence() -> None:
    result = fit_text(CHINESE, 60, Unit.CODEPOINTS)
    assert result == ("1 月 24 号笔者写了篇文章夸小米，结果 2 天过后就被打脸。"
                      "事情缘由是怎么样的呢？容笔者道来。…")
    assert count(result, Unit.CODEPOINTS) <= 60


def test_english_prefers_a_sentence_end_then_a_word_boundary() -> None:
    text = "The speaker arrived on Monday. It would not play from an iPhone at all, sadly."
    assert fit_text(text, 50, Unit.CODEPOINTS) == "The speaker arrived on Monday.…"
    assert fit_text("one two three four five six", 16, Unit.CODEPOINTS) == "one two three…"


def test_without_any_boundary_the_cut_falls_between_graphemes() -> None:
    family = "👨‍👩‍👧‍👦"
    result = fit_text(family * 5, 20, Unit.CODEPOINTS)
    assert result == family * 2 + "…"  # 7 code points each: a third would not fit
    assert fit_text("🇨🇳🇺🇸🇯🇵", 4, Unit.UTF16, ellipsis="") == "🇨🇳"
    assert fit_text("e\u0301" * 6, 5, Unit.CODEPOINTS) == "e\u0301e\u0301…"


def test_link_back_is_kept_and_the_text_gives_way() -> None:
    result = fit_text(CHINESE, 50, Unit.CODEPOINTS, link=LINK)
    assert result.endswith(f"…\n\n{LINK}")
    assert count(result, Unit.CODEPOINTS) <= 50


def test_link_alone_when_nothing_else_fits_and_error_when_not_even_it_does() -> None:
    assert fit_text(CHINESE, len(LINK) + 1, Unit.CODEPOINTS, link=LINK) == LINK
    with pytest.raises(ValueError, match="link back"):
        fit_text(CHINESE, 10, Unit.CODEPOINTS, link=LINK)


def test_urls_count_as_23_and_are_never_cut() -> None:
    url = "https://example.com/a/very/long/path/that/goes/on/and/on/forever"
    text = f"Read this {url} and tell me what you think about all of it please"
    assert count(text, Unit.GRAPHEMES, url_length=23) == len(text) - len(url) + 23
    result = fit_text(text, 36, Unit.GRAPHEMES, url_length=23)
    assert result == f"Read this {url} …"  # spaced: "…" glued on would join the URL
    short = fit_text(text, 20, Unit.GRAPHEMES, url_length=23)
    assert short == "Read this…"


def test_units_differ_on_astral_and_wide_text() -> None:
    text = "小米👍🏽"
    assert count(text, Unit.CODEPOINTS) == 4
    assert count(text, Unit.UTF16) == 6
    assert count(text, Unit.GRAPHEMES) == 3
    assert count(text, Unit.BYTES) == 14
