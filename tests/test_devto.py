"""dev.to: the adapter against the Forem fake, which enforces Forem's rules and throttles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

import adapters.devto.adapter as devto_module
from adapters.devto import DevtoAdapter, DevtoSettings
from adapters.devto.fake import API_KEY, FakeDevto
from syndicate.adapter import Attempt
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.post import Post
from tests.sandboxing import SimClock, make_sandbox, push_once


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        self.now += 2.0  # every request a little later: the 1-write-a-second throttle stays quiet
        return self.now


def setup(key: str = API_KEY, **fake_args: Any) -> tuple[DevtoAdapter, FakeDevto, httpx.AsyncClient]:
    fake = FakeDevto(site="https://dev.fake", clock=Clock(), **fake_args)
    adapter = DevtoAdapter(DevtoSettings(base_url="https://dev.fake/api", api_key=SecretStr(key)))
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: fake.handle(r, r.url.path)))
    return adapter, fake, client


def post(n: int = 1, **changes: Any) -> Post:
    base = Post(key=f"_posts/p{n}.md", source_path=f"_posts/p{n}.md", source_hash=str(n),
                title=f"Post {n}", date=datetime(2024, 1, n, tzinfo=UTC),
                canonical_url=f"https://blog.example/p{n}/", html=f"<p>Body {n}</p>",
                summary="Summary.", tags=("python",))
    return replace(base, **changes)


def test_tags_are_fitted_to_forems_rules_and_every_change_is_said() -> None:
    adapter, _fake, _client = setup()
    payload = adapter.render(post(tags=("Web-Dev", "跑步", "python", "PYTHON", "a", "b", "c")))
    assert payload.data["tags"] == ["webdev", "python", "a", "b"]
    said = " ".join(payload.notices)
    for hint in ("'Web-Dev' sent as 'webdev'", "'跑步' dropped", "'PYTHON' dropped",
                 "'c' dropped: only 4"):
        assert hint in said


async def test_forem_refuses_what_the_adapter_would_never_send() -> None:
    _adapter, fake, client = setup()
    headers = {"api-key": API_KEY}
    bad = await client.post("https://dev.fake/api/articles", headers=headers, json={"article": {
        "title": "x", "body_markdown": "y", "tags": ["web-dev", "a", "b", "c", "d"]}})
    assert bad.status_code == 422
    assert bad.json() == {"status": 422, "error": 'Tag list exceed the maximum of 4 tags and '
                          'Tag "web-dev" contains non-ASCII characters'}
    assert not fake.articles


async def test_a_leading_rule_is_never_read_as_front_matter() -> None:
    adapter, fake, client = setup()
    trap = "---\ntitle: Hijacked\n---\n"
    raw = await client.post("https://dev.fake/api/articles", headers={"api-key": API_KEY},
                            json={"article": {"title": "Mine", "body_markdown": trap + "text"}})
    assert raw.json()["title"] == "Hijacked", "Forem reads a leading --- block as front matter"
    payload = adapter.render(post(2, html="<hr><p>title: Hijacked</p><hr><p>text</p>"))
    assert not str(payload.data["body_markdown"]).startswith("---")
    ref = await adapter.create(client, payload, Attempt("a"))
    assert fake.by_id(int(ref.id))["title"] == "Post 2"  # type: ignore[index]


async def test_a_repeated_create_adopts_our_article_and_a_strangers_url_is_refused() -> None:
    adapter, fake, client = setup(others=[{"id": 1, "canonical_url": "https://blog.example/p9/",
                                           "title": "theirs", "body_markdown": ""}])
    payload = adapter.render(post(1))
    first = await adapter.create(client, payload, Attempt("a"))
    again = await adapter.create(client, payload, Attempt("b"))  # e.g. after a lost answer
    assert again.id == first.id and len(fake.articles) == 1
    with pytest.raises(Rejected, match="another account"):
        await adapter.create(client, adapter.render(post(9)), Attempt("c"))


async def test_find_pages_through_all_my_articles_drafts_included(
        monkeypatch: pytest.MonkeyPatch) -> None:
    adapter, fake, client = setup()
    monkeypatch.setattr(devto_module, "PER_PAGE", 2)
    adapter.settings.published = False
    refs = [await adapter.create(client, adapter.render(post(n)), Attempt(str(n)))
            for n in range(1, 6)]
    assert not any(a["published"] for a in fake.articles)
    found = await adapter.find(client, adapter.render(post(1)))
    assert found is not None and found.id == refs[0].id
    same_slug_other_url = adapter.render(post(1, canonical_url="https://blog.example/other/"))
    assert await adapter.find(client, same_slug_other_url) is None


async def test_update_resends_the_whole_article_and_errors_are_classified() -> None:
    adapter, fake, client = setup()
    payload = adapter.render(post(1, tags=("python", "bash")))
    ref = await adapter.create(client, payload, Attempt("a"))
    changed = adapter.render(post(1, title="Post 1, revised", tags=("python", "bash")))
    await adapter.update(client, changed, ref, Attempt("b"))
    article = fake.by_id(int(ref.id))
    assert article is not None
    assert (article["title"], article["tag_list_array"]) == ("Post 1, revised", ["python", "bash"])
    with pytest.raises(Rejected, match="404"):
        await adapter.update(client, changed, replace(ref, id="999999"), Attempt("c"))
    wrong, _fake, wrong_client = setup(key="not-the-key")
    with pytest.raises(AuthFailed, match="SYNDICATE_DEVTO__API_KEY"):
        await wrong.create(wrong_client, payload, Attempt("d"))


def test_both_429_shapes_become_rate_limited_with_their_wait() -> None:
    adapter, fake, _client = setup(window_limit=0)
    text = fake.rate_limit_response(1)
    assert text.text.startswith("Retry later")
    with pytest.raises(RateLimited) as first:
        adapter.check_response(text)
    assert first.value.retry_after == 1
    window = fake.window_full()
    assert window is not None and window.json()["error"].startswith("Rate limit reached")
    with pytest.raises(RateLimited) as second:
        adapter.check_response(window)
    assert second.value.retry_after == 30


def test_the_engine_paces_dev_to_under_both_throttles(example_blog: Path, tmp_path: Path) -> None:
    """The declared pacing, not 429s, keeps a push inside Forem's limits."""
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    statuses: list[int] = []
    fake = box.fakes["devto"]
    original = fake.handle

    def watched(request: httpx.Request, path: str) -> httpx.Response:
        response = original(request, path)
        statuses.append(response.status_code)
        return response

    fake.handle = watched  # type: ignore[method-assign]
    outcomes, _ = push_once(example_blog, box, clock, ["devto"])
    assert {o.outcome for o in outcomes if o.outcome != "skipped"} == {"created"}
    assert statuses and 429 not in statuses


async def test_a_title_over_128_characters_is_cut_with_a_notice_not_refused() -> None:
    adapter, fake, client = setup()
    payload = adapter.render(post(3, title="长" * 200))
    assert len(str(payload.data["title"])) == 128 and str(payload.data["title"]).endswith("…")
    assert any("title cut" in n for n in payload.notices)
    await adapter.create(client, payload, Attempt("a"))
    assert fake.articles[0]["title"] == payload.data["title"]


async def test_delete_unpublishes_since_forem_has_no_delete() -> None:
    adapter, fake, client = setup()
    ref = await adapter.create(client, adapter.render(post(1)), Attempt("a"))
    assert fake.articles[0]["published"]
    await adapter.delete(client, ref)
    assert not fake.articles[0]["published"]
    gone = await client.delete(f"https://dev.fake/api/articles/{ref.id}", headers={"api-key": API_KEY})
    assert gone.status_code == 404, "there is no DELETE route"


def test_a_series_in_front_matter_reaches_devto_from_jekyll_and_hugo(tmp_path: Path) -> None:
    """Jekyll themes write ``series: name``; Hugo's series taxonomy is a list."""
    from syndicate.sources import open_site

    jekyll = tmp_path / "jekyll"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("url: https://e.com\n", encoding="utf-8")
    (jekyll / "_posts" / "2024-02-03-one.md").write_text(
        "---\ntitle: One\nseries: Rust from scratch\n---\nHi\n", encoding="utf-8")
    (jekyll / "_posts" / "2024-02-04-two.md").write_text("---\ntitle: Two\n---\nHi\n", encoding="utf-8")
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://h.org/"\n', encoding="utf-8")
    (hugo / "content" / "posts" / "a.md").write_text(
        "+++\ntitle = 'A'\ndate = 2024-05-06\nseries = ['Go notes']\n+++\nBody\n", encoding="utf-8")
    adapter, _fake, _client = setup()
    sent = {}
    for root in (jekyll, hugo):
        posts, errors = open_site(root).read_all()
        assert not errors, errors
        sent.update({p.title: adapter.render(p).data.get("series") for p in posts})
    assert sent == {"One": "Rust from scratch", "Two": None, "A": "Go notes"}
