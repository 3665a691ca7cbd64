"""Property tests over hostile posts: odd front matter and bodies never crash a run, and
whatever renders fits every platform's limits, with Telegram markup accepted by both
syndicate's validator and the Telegram fake's own parser; rendering is deterministic.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from adapters.telegram.fake_html import ParseError, parse
from syndicate.adapter import Payload
from syndicate.dialects.fit import count
from syndicate.dialects.telegram import validate
from syndicate.errors import SourceError
from syndicate.sources import open_site
from syndicate.workflow import load_adapters, payload_for

NAMES = ["medium", "wordpress", "telegram"]
ODD = ["\u202e", "\u200f", "\u0301", "\u200b", "\u200d", "👩‍👩‍👧‍👦", "שלום", "مرحبا", "中文",
       "<", ">", "&", "&#0;", "`", "```", "~~~", "*", "[", "](", "{{", "{%", "<b>", "</i>",
       "<pre>", "<![", "<!--", "\\", "> ", "- ", "1. ", "|", "\t", "\r\n", "\ufeff"]
ODD_TEXT = st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=5)), max_size=30).map("".join)
QUOTED = ODD_TEXT.map(lambda t: json.dumps(t, ensure_ascii=False))
SCALAR = st.one_of(
    QUOTED, QUOTED, QUOTED, QUOTED,
    st.sampled_from(["~", "true", "2021-13-45", "1e309", "[1, [2, [3]]]", "{a: {b: c}}", "*x",
                     "&a v", "!!binary aGk=", "2021-01-28 10:00:00 +0800"]),
    ODD_TEXT)
KEY = st.sampled_from(["title", "date", "tags", "categories", "summary", "image", "published",
                       "syndicate", "canonical_url", "slug", "author"])


@st.composite
def yaml_front(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(KEY, SCALAR), max_size=4, unique_by=lambda kv: kv[0]))
    nested = draw(st.integers(0, 40))
    title = json.dumps(draw(st.text("ae中 ", min_size=1)) + draw(ODD_TEXT), ensure_ascii=False)
    lines = [f"title: {title}", *(f"{k}: {v}" for k, v in pairs if k != "title")]
    if nested:
        lines.append("tags:\n" + "\n".join("  " * d + "- t" for d in range(nested)))
    close = "" if draw(st.integers(0, 9)) == 0 else "---\n"
    return "---\n" + "\n".join(lines) + "\n" + close


@st.composite
def toml_front(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(KEY, st.sampled_from(
        ['"x"', "1", "true", "[1, 2]", "{ a = 1 }", "1979-05-27T07:32:00Z", "x"])), max_size=5))
    return "+++\n" + "\n".join(f"{k} = {v}" for k, v in pairs) + "\n+++\n"


BLOCK = st.one_of(
    ODD_TEXT,
    st.integers(1000, 6000).map(lambda n: "long " * n),
    st.integers(1, 50).map(lambda d: "\n".join("  " * i + "- deep" for i in range(d))),
    st.integers(1, 60).map(lambda d: ">" * d + " quoted"),
    ODD_TEXT.map(lambda t: "```python\n" + t),
    ODD_TEXT.map(lambda t: "<div><b>" + t),
    st.just("| a | b |\n|---|---|\n| 1 | 2 |"),
)
POST = st.tuples(st.one_of(yaml_front(), yaml_front(), yaml_front(), yaml_front(), toml_front()),
                 st.lists(BLOCK, max_size=6).map("\n\n".join)).map("".join)


@pytest.fixture(scope="module")
def site_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "_posts").mkdir()
        (root / "_config.yml").write_text('url: "https://stress.example.org"\n', encoding="utf-8")
        (root / "syndicate.toml").write_text(
            '[platforms.telegram]\nfooter = "via {canonical_url}"\n', encoding="utf-8")
        yield root


def problems(adapter: Any, data: Any) -> list[str]:
    found = []
    for limit, value in adapter.measured(Payload(adapter.name, "k", data)):
        if count(value, limit.unit, url_length=limit.url_length) > limit.maximum:
            found.append(f"{limit.field} over {limit.maximum}")
    for message in data.get("messages", ()) or ():
        params = message["params"]
        field = "caption" if "caption" in params else "text"
        markup = params[field]
        validate(markup)  # raises ValueError if syndicate's own rules refuse it
        try:
            plain, _ = parse(markup)
        except ParseError as exc:
            found.append(f"the Telegram fake refuses it: {exc}")
            continue
        limit = next(lim for lim in adapter.capabilities.limits
                     if lim.field == f"messages[].params.{field}")
        if count(plain, limit.unit) > limit.maximum:
            found.append(f"{field} is {count(plain, limit.unit)} > {limit.maximum}")
    return found


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=POST)
def test_any_post_is_a_reported_error_or_a_valid_payload_everywhere(site_root: Path,
                                                                   text: str) -> None:
    target = site_root / "_posts" / "2021-01-28-stress.md"
    target.write_bytes(text.encode("utf-8", "surrogatepass"))
    site = open_site(site_root)
    [source] = site.discover()
    try:
        post = site.read(source)
    except SourceError as exc:
        event("reported: " + str(exc).split(": ", 1)[-1][:50])
        assert str(exc)  # a per-post error, with a message for the author
        return
    event("rendered")
    adapters = load_adapters(site.root, site.config, NAMES)
    full = load_adapters(site.root, site.config, ["telegram"],
                         overrides={"telegram": {"mode": "full"}})["telegram"]
    for adapter in [*adapters.values(), full]:
        payload = payload_for(adapter, post, site.config)
        again = payload_for(adapter, open_site(site_root).read(source), site.config)
        assert again.digest == payload.digest, "same input must render to the same bytes"
        assert problems(adapter, payload.data) == []
        adapter.requests(payload)


def test_the_judge_can_fail(site_root: Path) -> None:
    """The fake's parser and syndicate's validator both refuse broken Telegram markup."""
    with pytest.raises(ValueError):
        validate("<b>open")
    with pytest.raises(ParseError):
        parse("<b>open")
    with pytest.raises(ValueError):
        validate("<div>x</div>")


def test_a_nul_byte_is_a_per_post_error(site_root: Path) -> None:
    (site_root / "_posts" / "2021-01-28-stress.md").write_bytes(b"---\ntitle: x\n---\nNUL \x00\n")
    site = open_site(site_root)
    with pytest.raises(SourceError):
        site.read(site.discover()[0])
