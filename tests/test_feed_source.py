"""The feed source: entries of RSS, Atom and JSON Feed become posts, keyed by their ids.

Fixtures under tests/feeds/ are written for these tests in the shapes real software
publishes (WordPress's RSS 2 template, JSON Feed 1.1, Atom with xml:base); the real
Jekyll and Hugo feeds are read in test_feed_generators.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from syndicate.cli import app
from syndicate.errors import ConfigError
from syndicate.sources import open_site
from syndicate.sources.feed import FeedSite
from syndicate.sources.feedfetch import read_feed
from syndicate.state import State
from tests.sandboxing import SimClock, make_sandbox, push_once
from tests.sitefiles import write

FEEDS = Path(__file__).parent / "feeds"
runner = CliRunner()


def feed_folder(tmp_path: Path, fixture: str, name: str = "feed.xml") -> Path:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    shutil.copy(FEEDS / fixture, site / name)
    return site


def posts_of(site_dir: Path) -> dict[str, object]:
    posts, errors = open_site(site_dir).read_all()
    assert not errors, errors
    return {p.key: p for p in posts}


def test_a_wordpress_rss_gives_full_content_guid_keys_and_the_enclosure_cover(tmp_path: Path) -> None:
    site = feed_folder(tmp_path, "wordpress-rss2.xml")
    assert isinstance(open_site(site), FeedSite)
    posts = posts_of(site)
    tea = posts["https://wp.example/?p=12"]
    assert tea.title == "泡一壶好茶"  # type: ignore[attr-defined]
    assert tea.canonical_url == "https://wp.example/brew-tea/"  # type: ignore[attr-defined]
    assert tea.author == "林小茶" and tea.tags == ("生活", "茶")  # type: ignore[attr-defined]
    assert tea.language == "zh-CN"  # type: ignore[attr-defined]
    html = tea.html  # type: ignore[attr-defined]
    assert "<script" not in html and "alert" not in html
    assert 'src="https://wp.example/wp-content/uploads/2024/03/pot.png"' in html
    assert 'href="https://wp.example/brew-tea/notes/"' in html  # relative to the entry's link
    assert "if water &gt; 90:\n    wait(30)" in html
    assert tea.cover_image == "https://wp.example/wp-content/uploads/2024/03/cover.jpg"  # type: ignore[attr-defined]
    assert not tea.notices  # type: ignore[attr-defined]
    note = posts["https://wp.example/?p=9"]
    assert [n.message for n in note.notices if "only a summary" in n.message]  # type: ignore[attr-defined]
    assert "Only the excerpt" in note.html  # type: ignore[attr-defined]


def test_a_json_feed_gives_html_text_and_summary_items_and_names_an_item_without_id(
        tmp_path: Path) -> None:
    site = feed_folder(tmp_path, "feed.json", "feed.json")
    posts, errors = open_site(site).read_all()
    assert [e.reason for e in errors] == ["the item has no 'id', which JSON Feed requires; add one"]
    by_key = {p.key: p for p in posts}
    first = by_key["tag:json.example,2024:first"]
    assert first.html.startswith('<p>Hello <a href="https://json.example/posts/about/">')
    assert 'src="https://json.example/posts/first/pic.png"' in first.html
    assert first.cover_image == "https://json.example/posts/first/cover.png"
    assert first.author == "Jay Son" and first.tags == ("hello", "json")
    assert first.date.isoformat() == "2024-04-01T08:00:00+00:00"
    assert first.updated is not None and first.summary == "A hello."
    text = by_key["tag:json.example,2024:text"]
    assert text.html == "<p>One line.</p>\n<p>Two &lt;lines&gt; &amp; more.</p>\n"
    assert text.cover_image == "https://json.example/a.png"  # an image attachment
    summary = by_key["tag:json.example,2024:summary"]
    assert any("only a summary" in n.message for n in summary.notices)


def test_relative_urls_follow_xml_base_and_otherwise_the_entry_link(tmp_path: Path) -> None:
    posts = posts_of(feed_folder(tmp_path, "atom-xmlbase.xml"))
    based = posts["urn:uuid:3f1c2a5e-0000-4000-8000-000000000001"]
    assert 'src="https://cdn.atom.example/2024/based/pic.png"' in based.html  # type: ignore[attr-defined]
    assert based.cover_image == "https://atom.example/img/based.jpg"  # type: ignore[attr-defined]
    # The next entry has no xml:base: its URLs must not inherit the previous entry's.
    unbased = posts["urn:uuid:3f1c2a5e-0000-4000-8000-000000000002"]
    assert 'src="https://atom.example/blog/unbased/pic.png"' in unbased.html  # type: ignore[attr-defined]
    assert 'href="https://atom.example/about/"' in unbased.html  # type: ignore[attr-defined]
    assert unbased.author == "Ada"  # type: ignore[attr-defined]


def reordered(text: str) -> str:
    """The WordPress feed with its two items swapped (a feed rewrite)."""
    head, first, second = text.split("<item>")
    tail_at = second.index("</channel>")
    return head + "<item>" + second[:tail_at] + "<item>" + first + second[tail_at:]


def test_keys_are_the_entry_ids_so_a_reordered_feed_sends_nothing_twice(tmp_path: Path) -> None:
    site = feed_folder(tmp_path, "wordpress-rss2.xml")
    write(site, "syndicate.toml", "[site]\nkind = \"feed\"\nfeed = \"feed.xml\"\n")
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    outcomes, errors = push_once(site, box, clock, ["wordpress"])
    assert not errors and {o.outcome for o in outcomes} == {"created"}
    writes = box.writes()
    feed = site / "feed.xml"
    feed.write_text(reordered(feed.read_text(encoding="utf-8")), encoding="utf-8")
    again, _ = push_once(site, box, clock, ["wordpress"])
    assert {o.outcome for o in again} == {"skipped"} and box.writes() == writes


def test_an_entry_leaving_the_feed_is_not_a_deletion(tmp_path: Path) -> None:
    site = feed_folder(tmp_path, "wordpress-rss2.xml")
    clock = SimClock()
    box = make_sandbox(tmp_path / "fakes", clock)
    push_once(site, box, clock, ["wordpress"])
    feed = site / "feed.xml"
    text = feed.read_text(encoding="utf-8")
    feed.write_text(text[:text.rindex("<item>")] + "</channel>\n</rss>\n", encoding="utf-8")
    outcomes, errors = push_once(site, box, clock, ["wordpress"])
    assert not errors
    assert [o.key for o in outcomes] == ["https://wp.example/?p=12"]
    state = State.load(site)
    assert state.get("https://wp.example/?p=9", "wordpress") is not None
    assert len(box.posts()["wordpress"]) == 2


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_init_records_the_current_entries_as_the_baseline(tmp_path: Path) -> None:
    site = feed_folder(tmp_path, "feed.json", "feed.json")
    code, out, _err = invoke("init", "--site", str(site))
    assert "baseline" in out
    code, out, _err = invoke("plan", "--sandbox", "--site", str(site), "--json")
    actions = json.loads(out)["actions"]
    assert actions and not [a for a in actions if a["action"] in ("create", "update")]
    from datetime import UTC, datetime, timedelta

    doc = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    just_now = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    doc["items"].insert(0, {"id": "tag:json.example,new", "url": "https://json.example/new/",
                            "title": "New", "content_html": "<p>new</p>",
                            "date_published": just_now})
    (site / "feed.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out, _err = invoke("plan", "--sandbox", "--site", str(site), "--json")
    fresh = {(a["post"], a["action"]) for a in json.loads(out)["actions"]
             if a["action"] in ("create", "update")}
    assert {post for post, _ in fresh} == {"tag:json.example,new"}


def test_preview_of_a_folder_holding_only_a_feed_works_end_to_end(tmp_path: Path) -> None:
    site = feed_folder(tmp_path, "wordpress-rss2.xml")
    code, out, err = invoke("preview", "--site", str(site), "--json")
    assert code == 0, err
    items = json.loads(out)
    assert {i["post"] for i in items} == {"https://wp.example/?p=12", "https://wp.example/?p=9"}
    assert {i["platform"] for i in items} >= {"wordpress", "telegram", "medium"}
    html_dir = tmp_path / "preview"
    code, _out, err = invoke("preview", "--site", str(site), "--html", str(html_dir))
    assert code == 0, err
    assert "泡一壶好茶" in (html_dir / "index.html").read_text(encoding="utf-8")


def test_a_sandbox_push_of_a_feed_site_goes_out_once(tmp_path: Path) -> None:
    site = feed_folder(tmp_path, "wordpress-rss2.xml")
    code, out, err = invoke("push", "--site", str(site), "--sandbox", "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert results and {r["outcome"] for r in results} == {"created"}
    code, out, err = invoke("push", "--site", str(site), "--sandbox", "--json")
    assert code == 0, err
    assert {r["outcome"] for r in json.loads(out)["results"]} == {"skipped"}


# --- the remote fetch ------------------------------------------------------------------

ATOM = (FEEDS / "atom-xmlbase.xml").read_bytes()


class FeedServer:
    """A tiny feed host: answers conditional requests, records what it was asked."""

    def __init__(self, body: bytes = ATOM, etag: str = '"v1"') -> None:
        self.body = body
        self.etag = etag
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.headers.get("If-None-Match") == self.etag:
            return httpx.Response(304, headers={"ETag": self.etag})
        return httpx.Response(200, content=self.body, headers={
            "ETag": self.etag, "Last-Modified": "Wed, 01 May 2024 12:00:00 GMT",
            "Content-Type": "application/atom+xml"})


def test_a_remote_feed_is_fetched_conditionally_and_the_validators_kept(tmp_path: Path) -> None:
    server = FeedServer()
    transport = httpx.MockTransport(server)
    first = read_feed("https://atom.example/feed.xml", tmp_path, transport=transport)
    assert first.data == ATOM and not first.not_modified
    assert "If-None-Match" not in server.seen[0].headers
    second = read_feed("https://atom.example/feed.xml", tmp_path, transport=transport)
    assert second.not_modified and second.data == ATOM
    assert server.seen[1].headers["If-None-Match"] == '"v1"'
    assert server.seen[1].headers["If-Modified-Since"] == "Wed, 01 May 2024 12:00:00 GMT"
    assert not (tmp_path / ".syndicate" / "state.json").exists()
    server.etag, server.body = '"v2"', ATOM.replace(b"Based", b"Rebased")
    third = read_feed("https://atom.example/feed.xml", tmp_path, transport=transport)
    assert b"Rebased" in third.data and not third.not_modified


def test_a_cached_body_that_was_tampered_with_is_not_trusted(tmp_path: Path) -> None:
    server = FeedServer()
    transport = httpx.MockTransport(server)
    read_feed("https://atom.example/feed.xml", tmp_path, transport=transport)
    for body in (tmp_path / ".syndicate" / "cache" / "feed").glob("*.body"):
        body.write_bytes(b"<rss>not it</rss>")
    again = read_feed("https://atom.example/feed.xml", tmp_path, transport=transport)
    assert again.data == ATOM and "If-None-Match" not in server.seen[1].headers


@pytest.mark.parametrize(("handler", "expected"), [
    (lambda r: httpx.Response(500), "HTTP 500"),
    (lambda r: httpx.Response(404), "HTTP 404"),
    (lambda r: httpx.Response(200, content=b"x" * 2048), "byte cap"),
    (lambda r: httpx.Response(200, content=b"x" * 2048, headers={"Content-Length": "2048"}),
     "byte cap"),
])
def test_a_bad_answer_is_a_config_error_naming_the_feed(tmp_path: Path, handler: object,
                                                       expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        read_feed("https://atom.example/feed.xml", tmp_path,
                  transport=httpx.MockTransport(handler), max_bytes=1024)  # type: ignore[arg-type]
    assert expected in str(caught.value) and "https://atom.example/feed.xml" in str(caught.value)


def test_a_timeout_and_a_refused_connection_are_config_errors(tmp_path: Path) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    for handler, word in ((slow, "timed out"), (refused, "ConnectError")):
        with pytest.raises(ConfigError, match=word):
            read_feed("https://atom.example/feed.xml", tmp_path, transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("spec", ["file:///etc/passwd", "ftp://atom.example/feed.xml",
                                  "gopher://x/feed"])
def test_only_http_and_https_are_fetched(tmp_path: Path, spec: str) -> None:
    with pytest.raises(ConfigError, match="only http"):
        read_feed(spec, tmp_path)


def test_not_a_feed_is_a_config_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "feed.xml", "<html><body>a web page</body></html>")
    write(site, "syndicate.toml", "[site]\nkind = \"feed\"\n")
    with pytest.raises(ConfigError, match="not an RSS, Atom or JSON feed"):
        open_site(site).discover()


def test_an_unreachable_feed_exits_2_and_leaves_the_state_untouched(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    site = tmp_path / "site"
    write(site, "syndicate.toml",
          f"[site]\nkind = \"feed\"\nfeed = \"http://127.0.0.1:{port}/feed.xml\"\n")
    state = site / ".syndicate" / "state.json"
    write(site, ".syndicate/state.json", '{"version": 1, "posts": {}}\n')
    before = state.read_bytes()
    wordpress = {"SYNDICATE_WORDPRESS__BASE_URL": f"http://127.0.0.1:{port}",
                 "SYNDICATE_WORDPRESS__USERNAME": "u", "SYNDICATE_WORDPRESS__APP_PASSWORD": "p" * 24}
    for command in (["plan"], ["push", "--sandbox"], ["push", "--platform", "wordpress"]):
        code, _out, err = invoke(*command, "--site", str(site), env=wordpress)
        assert code == 2, err
        assert f"http://127.0.0.1:{port}/feed.xml could not be read" in err
    assert state.read_bytes() == before
    code, _out, _err = invoke("status", "--site", str(site))
    assert code == 0  # status reads only the state file: no network


def test_a_remote_feed_over_loopback_plans_and_then_answers_304(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            asked.append(self.headers.get("If-None-Match"))
            if self.headers.get("If-None-Match") == '"e1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", '"e1"')
            self.send_header("Content-Length", str(len(ATOM)))
            self.end_headers()
            self.wfile.write(ATOM)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        site = tmp_path / "site"
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        write(site, "syndicate.toml", f"[site]\nkind = \"feed\"\nfeed = \"{url}\"\n")
        for _ in range(2):
            code, out, err = invoke("plan", "--sandbox", "--site", str(site), "--json",
                                    "--platform", "wordpress")
            assert code == 0, err
            creates = {a["post"] for a in json.loads(out)["actions"] if a["action"] == "create"}
            assert len(creates) == 3
        assert asked == [None, '"e1"']
    finally:
        server.shutdown()
        server.server_close()


def test_feed_needs_kind_feed_and_kind_feed_needs_a_feed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "syndicate.toml", "[site]\nfeed = \"feed.xml\"\n")
    with pytest.raises(ConfigError, match="kind"):
        open_site(site)
    write(site, "syndicate.toml", "[site]\nkind = \"feed\"\n")
    with pytest.raises(ConfigError, match="site.feed"):
        open_site(site)


def test_a_folder_with_markdown_posts_and_a_feed_file_stays_a_folder_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "feed.xml", ATOM)
    write(site, "posts/2024-01-01-hello.md", "---\ntitle: Hello\n---\nhi\n")
    write(site, "syndicate.toml", "[site]\nurl = \"https://x.example\"\n")
    assert open_site(site).kind == "folder"
