"""Properties of the short announcement text (syndicate/dialects/short.py) over hostile
titles, summaries and tags: every limit holds in every unit, the link is always whole,
and Bluesky's facets point at exactly the link and the hashtags in the text as sent."""

from __future__ import annotations

from datetime import UTC, datetime

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.bluesky.record import facets
from syndicate.adapter import Unit
from syndicate.dialects.fit import count
from syndicate.dialects.short import Composer, Measure, hashtag_body

PIECES = ["👨‍👩‍👧‍👦", "🏳️‍🌈", "🇨🇳", "👍🏽", "e\u0301", "한국어", "שלום", "مرحبا", "\u200d", "。", "！",
          "这是一个句子。", "笔者也没啥好说了，既然给笔者退了，事情就到这里吧。", "Hello world. ",
          "https://example.com/a?b=1&c=2", "#hashtag", "#标签", " ", "\n", "word", "(x)", "_*~"]
PLAIN = st.characters(blacklist_categories=("Cs",))
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(PLAIN, max_size=6)), max_size=30).map("".join)
TAGS = st.lists(st.one_of(st.sampled_from(["编程", "machine learning", "2021", "🎉", "c++", "生活随笔",
                                           "a" * 70, "中文标签", "Rust"]),
                          st.text(PLAIN, max_size=10)), max_size=8)
URLS = st.sampled_from(["https://blog.example.com/2021/01/28/xiaomi/",
                        "https://例子.com/文章/一年的长跑记录/", "http://x.io/" + "p" * 120])
BLUESKY = [Measure(300, Unit.GRAPHEMES), Measure(3000, Unit.BYTES)]
EVERY_UNIT = [Measure(280, Unit.GRAPHEMES), Measure(600, Unit.BYTES), Measure(400, Unit.UTF16),
              Measure(300, Unit.CODEPOINTS), Measure(200, Unit.GRAPHEMES, url_length=23)]
TEMPLATES = st.sampled_from(["{title}\n\n{summary}\n\n{canonical_url}\n\n{tags}",
                             "{tags} {title}: {summary}", "{canonical_url}", "{summary}",
                             "New: {title} — {canonical_url} {tags}"])
GRAPHEME = regex.compile(r"\X")


def boundaries(text: str) -> set[int]:
    return {m.end() for m in GRAPHEME.finditer(text)} | {0}


@settings(max_examples=250, deadline=None)
@given(title=TEXT, summary=TEXT, tags=TAGS, url=URLS, template=TEMPLATES,
       measures=st.sampled_from([BLUESKY, EVERY_UNIT, [Measure(500, Unit.GRAPHEMES, 23)]]))
@example(title="🎉🚀✨", summary="", tags=["🎉"], url="https://b.example/p/", template="{title}",
         measures=BLUESKY)
@example(title="小米" * 200, summary="这是一个句子。" * 300, tags=["编程"] * 3 + ["生活"],
         url="https://blog.example.com/2021/01/28/xiaomi/",
         template="{title}\n\n{summary}\n\n{canonical_url}\n\n{tags}", measures=BLUESKY)
def test_fitted_text_is_within_every_limit_and_keeps_the_link_whole(
        title: str, summary: str, tags: list[str], url: str, template: str,
        measures: list[Measure]) -> None:
    short = Composer(template, measures).compose(title=title, summary=summary, url=url, tags=tags)
    for measure in measures:
        assert count(short.text, measure.unit, url_length=measure.url_length) <= measure.maximum
    assert url in short.text
    links = [s for s in short.spans if s.kind == "link" and s.value == url]
    assert links and all(short.text[s.start:s.end] == url for s in links)


@settings(max_examples=250, deadline=None)
@given(title=TEXT, summary=TEXT, tags=TAGS, url=URLS, template=TEMPLATES)
def test_facets_point_at_the_intended_substrings_after_fitting(
        title: str, summary: str, tags: list[str], url: str, template: str) -> None:
    short = Composer(template, BLUESKY).compose(title=title, summary=summary, url=url, tags=tags)
    data = short.text.encode("utf-8")
    wanted_tags = [b for b in (hashtag_body(t) for t in tags) if b]
    seen_tags = []
    last_end = -1
    for facet in sorted(facets(short), key=lambda f: f["index"]["byteStart"]):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert 0 <= start < end <= len(data) and start >= last_end, "facets never overlap"
        last_end = end
        piece = data[start:end].decode("utf-8")  # never splits a UTF-8 sequence
        feature = facet["features"][0]
        if feature["$type"].endswith("#link"):
            assert piece == feature["uri"]
        else:
            assert piece == f"#{feature['tag']}"
            assert count(feature["tag"], Unit.GRAPHEMES) <= 64
            seen_tags.append(feature["tag"])
    assert all(tag in wanted_tags for tag in seen_tags)


@settings(max_examples=200, deadline=None)
@given(title=TEXT, summary=TEXT)
def test_cuts_fall_on_grapheme_boundaries_and_never_inside_a_hashtag(title: str, summary: str) -> None:
    composer = Composer("{summary}", [Measure(40, Unit.GRAPHEMES)], link_required=False)
    short = composer.compose(title=title, summary=summary, url="https://e.org/", tags=[])
    flat = " ".join(summary.split())
    if short.text and short.text != flat:
        head = short.text.removesuffix("…")
        assert flat.startswith(head)
        assert len(head) in boundaries(flat)
        for match in regex.finditer(r"#[\p{L}\p{M}\p{N}_]+", flat):
            assert not match.start() < len(head) < match.end()


def test_deterministic_record_keys_are_valid_tids() -> None:
    from adapters.bluesky.record import tid

    key = tid(datetime(2021, 1, 28, tzinfo=UTC), "https://blog.example.com/a/")
    assert regex.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", key)
    assert key == tid(datetime(2021, 1, 28, tzinfo=UTC), "https://blog.example.com/a/")
    assert key != tid(datetime(2021, 1, 28, tzinfo=UTC), "https://blog.example.com/b/")


@settings(max_examples=150, deadline=None)
@given(title=TEXT, summary=TEXT, tags=TAGS, url=URLS)
def test_escaped_texts_fit_as_sent(title: str, summary: str, tags: list[str], url: str) -> None:
    """LinkedIn and Slack count the text after escaping: the limit holds for what is sent,
    and LinkedIn's parser keeps all of it (nothing unescaped cuts it short)."""
    from adapters.linkedin.adapter import hashtag, little
    from adapters.linkedin.fake import parse_little
    from adapters.slack.adapter import mrkdwn

    linkedin = Composer("{title}\n\n{summary}\n\n{tags}", [Measure(300, Unit.UTF16)],
                        link_required=False, escape=little, tag_text=hashtag)
    sent = linkedin.compose(title=title, summary=summary, url=url, tags=tags).text
    assert count(sent, Unit.UTF16) <= 300
    assert parse_little(sent) == regex.sub(r"\\(.)", r"\1", sent), "LinkedIn keeps all of it"
    slack = Composer("{summary}\n\n{tags}", [Measure(200, Unit.CODEPOINTS)], link_required=False,
                     escape=mrkdwn)
    assert count(slack.compose(title=title, summary=summary, url=url, tags=tags).text,
                 Unit.CODEPOINTS) <= 200
