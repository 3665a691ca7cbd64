"""The Telegram and Telegraph fakes enforce the platform rules of telegram.md one by one."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.telegram.fake import NOT_MODIFIED, FakeTelegram, FakeTelegraph
from adapters.telegram.fake_html import ParseError, parse

TOKEN = "123456:sandbox-telegram-bot"
CHAT = "@syndicate_sandbox"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def call(fake: FakeTelegram, method: str, token: str = TOKEN, **params: Any) -> httpx.Response:
    request = httpx.Request("POST", f"http://sandbox/telegram/bot{token}/{method}", json=params)
    return fake.handle(request, f"/bot{token}/{method}")


def send(fake: FakeTelegram, text: str, **params: Any) -> httpx.Response:
    return call(
        fake, "sendMessage", **{"chat_id": CHAT, "text": text, "parse_mode": "HTML", **params}
    )


def error(response: httpx.Response) -> str:
    body = response.json()
    assert body["ok"] is False and response.status_code == body["error_code"]
    return str(body["description"])


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tg(clock: Clock) -> FakeTelegram:
    return FakeTelegram(clock=clock)


def test_envelope_token_and_method(tg: FakeTelegram) -> None:
    assert error(call(tg, "sendMessage", token="1:wrong", chat_id=CHAT, text="x")) == "Unauthorized"
    assert error(call(tg, "sendTelepathy", chat_id=CHAT, text="x")) == "Not Found"
    ok = call(tg, "SENDMESSAGE", chat_id=CHAT, text="hi")
    assert ok.status_code == 200 and ok.json()["ok"] is True
    keys = list(send(tg, "<br>").json())
    assert keys == ["ok", "error_code", "description"]


def test_form_and_query_params_are_accepted(tg: FakeTelegram) -> None:
    url = f"http://sandbox/telegram/bot{TOKEN}/sendMessage"
    form = httpx.Request(
        "POST", url, data={"chat_id": CHAT, "text": "<b>form</b>", "parse_mode": "html"}
    )
    assert (
        tg.handle(form, f"/bot{TOKEN}/sendMessage").json()["result"]["entities"][0]["type"]
        == "bold"
    )
    query = httpx.Request("GET", url, params={"chat_id": CHAT, "text": "query"})
    assert tg.handle(query, f"/bot{TOKEN}/sendMessage").json()["result"]["text"] == "query"
    multi = httpx.Request(
        "POST",
        url.replace("sendMessage", "sendPhoto"),
        data={"chat_id": CHAT, "caption": "up"},
        files={"photo": ("a.jpg", b"\xff\xd8")},
    )
    assert tg.handle(multi, f"/bot{TOKEN}/sendPhoto").json()["result"]["caption"] == "up"


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ("Hello<br>", 'Unsupported start tag "br" at byte offset 5'),
        ("小米<br/>", 'Unsupported start tag "br/" at byte offset 6'),
        ("é <p>x</p>", 'Unsupported start tag "p" at byte offset 3'),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ('a <a href="x', 'Unclosed start tag "a" at byte offset 2'),
        ("<b =x>y</b>", 'Empty attribute name in the tag "b" at byte offset 0'),
        ("<a href=>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("路径 <路徑>", 'Unsupported start tag "路徑" at byte offset 7'),
    ],
)
def test_parse_errors_carry_telegram_wording_and_byte_offsets(
    tg: FakeTelegram, markup: str, detail: str
) -> None:
    response = send(tg, markup)
    assert response.status_code == 400
    assert error(response) == f"Bad Request: can't parse entities: {detail}"


def test_entities_decode_and_unknown_entities_stay_literal() -> None:
    text, entities = parse("&lt;b&gt; &amp; &quot; &#20320;&#x597D; &nbsp; AT&T <b>x</b> a > b")
    assert text == '<b> & " 你好 &nbsp; AT&T x a > b'
    assert entities == [{"type": "bold", "offset": 23, "length": 1}]


def test_entity_offsets_are_utf16_after_trimming(tg: FakeTelegram) -> None:
    result = send(tg, '  😀<b>小米</b> <a href="https://e.x/">link</a><b></b> ').json()["result"]
    assert result["text"] == "😀小米 link"
    assert result["entities"] == [
        {"type": "bold", "offset": 2, "length": 2},
        {"type": "text_link", "url": "https://e.x/", "offset": 5, "length": 4},
    ]


def test_links_without_href_or_with_unusable_urls() -> None:
    _, by_text = parse("<a>https://e.x/p</a>")
    assert by_text == [{"type": "text_link", "url": "https://e.x/p", "offset": 0, "length": 13}]
    assert parse('<a href="javascript:alert(1)">kept</a>') == ("kept", [])


def test_allowed_tags_parse(tg: FakeTelegram) -> None:
    markup = (
        '<strong>a</strong><em>b</em><ins>c</ins><del>d</del><span class="tg-spoiler">e</span>'
        '<tg-spoiler>f</tg-spoiler><code>g</code><pre><code class="language-py">h</code></pre>'
        '<blockquote expandable>i</blockquote><tg-emoji emoji-id="5368324170671202286">j</tg-emoji>'
    )
    types = [e["type"] for e in send(tg, markup).json()["result"]["entities"]]
    assert types == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "expandable_blockquote",
        "custom_emoji",
    ]


def test_parse_mode_must_be_known(tg: FakeTelegram) -> None:
    assert error(send(tg, "x", parse_mode="BBCode")) == "Bad Request: unsupported parse_mode"


@pytest.mark.parametrize("unit", ["a", "😀", "中"])
def test_text_length_counts_code_points_after_parsing(
    tg: FakeTelegram, clock: Clock, unit: str
) -> None:
    assert send(tg, f"<b>{unit * 4096}</b>").status_code == 200
    clock.now += 10
    assert error(send(tg, unit * 4097)) == "Bad Request: message is too long"
    clock.now += 10
    assert send(tg, f"   {unit * 4096}\n\n").status_code == 200


def test_emptiness_and_raw_size_errors(tg: FakeTelegram) -> None:
    assert error(send(tg, "")) == "Bad Request: message text is empty"
    assert error(send(tg, "  <b> </b>\n")) == "Bad Request: text must be non-empty"
    assert error(send(tg, "<i></i>" * 4700)) == "Bad Request: text is too long"


def test_caption_limit(tg: FakeTelegram, clock: Clock) -> None:
    photo = {"chat_id": CHAT, "photo": "https://e.x/a.jpg", "parse_mode": "HTML"}
    assert call(tg, "sendPhoto", **photo, caption="中" * 1024).status_code == 200
    clock.now += 10
    assert (
        error(call(tg, "sendPhoto", **photo, caption="中" * 1025))
        == "Bad Request: message caption is too long"
    )


def test_chat_resolution_and_membership(tg: FakeTelegram, clock: Clock) -> None:
    by_id = call(tg, "sendMessage", chat_id=-1001234567890, text="x").json()["result"]
    assert by_id["chat"] == {
        "id": -1001234567890,
        "title": "Syndicate sandbox",
        "username": "syndicate_sandbox",
        "type": "channel",
    }
    assert (
        error(call(tg, "sendMessage", chat_id="@nowhere", text="x"))
        == "Bad Request: chat not found"
    )
    assert (
        error(call(tg, "sendMessage", chat_id="@not_our_channel", text="x"))
        == "Forbidden: bot is not a member of the channel chat"
    )


def test_flood_control_per_chat(tg: FakeTelegram, clock: Clock) -> None:
    for _ in range(3):
        assert send(tg, "burst").status_code == 200
    limited = send(tg, "one too many")
    assert limited.status_code == 429
    assert limited.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    clock.now += 1
    assert send(tg, "after waiting").status_code == 200
    sent = 4
    while sent < 20:
        clock.now += 1
        assert send(tg, "steady").status_code == 200
        sent += 1
    clock.now += 1
    minute = send(tg, "21st in a minute")
    assert minute.status_code == 429 and minute.json()["parameters"]["retry_after"] > 1
    assert tg.rate_limit_response(35).json()["description"] == "Too Many Requests: retry after 35"


def test_message_ids_increment_and_records(tg: FakeTelegram, clock: Clock) -> None:
    first = send(tg, "<b>小米</b>\nbody").json()["result"]
    clock.now += 5
    second = send(tg, "next").json()["result"]
    assert (first["message_id"], second["message_id"]) == (1, 2)
    assert first["date"] == int(clock.now - 5)
    assert tg.records()[0] == {
        "id": "syndicate_sandbox/1",
        "title": "小米",
        "url": "https://t.me/syndicate_sandbox/1",
    }


def test_edits(tg: FakeTelegram, clock: Clock) -> None:
    send(tg, "<b>v1</b>")
    edit: dict[str, Any] = {"chat_id": CHAT, "message_id": 1, "parse_mode": "HTML"}
    assert (
        error(call(tg, "editMessageText", **edit, text="<b>v1</b>"))
        == f"Bad Request: {NOT_MODIFIED}"
    )
    assert (
        call(tg, "editMessageText", **edit, text="<i>v1</i>").json()["result"]["entities"][0][
            "type"
        ]
        == "italic"
    )
    assert (
        error(call(tg, "editMessageText", **{**edit, "message_id": 99}, text="x"))
        == "Bad Request: message to edit not found"
    )
    clock.now += 10
    call(tg, "sendPhoto", chat_id=CHAT, photo="https://e.x/a.jpg", caption="cap")
    photo: dict[str, Any] = {**edit, "message_id": 2}
    assert (
        error(call(tg, "editMessageText", **photo, text="x"))
        == "Bad Request: there is no text in the message to edit"
    )
    assert (
        error(call(tg, "editMessageCaption", **photo, caption="cap"))
        == f"Bad Request: {NOT_MODIFIED}"
    )
    assert (
        call(tg, "editMessageCaption", **photo, caption="new").json()["result"]["caption"] == "new"
    )


def test_deletes(tg: FakeTelegram, clock: Clock) -> None:
    send(tg, "a")
    send(tg, "b")
    assert call(tg, "deleteMessage", chat_id=CHAT, message_id=1).json() == {
        "ok": True,
        "result": True,
    }
    assert (
        error(call(tg, "deleteMessage", chat_id=CHAT, message_id=1))
        == "Bad Request: message to delete not found"
    )
    clock.now += 48 * 3600 + 1
    assert (
        error(call(tg, "deleteMessage", chat_id=CHAT, message_id=2))
        == "Bad Request: message can't be deleted"
    )


def test_dump_and_load_keep_messages(tg: FakeTelegram) -> None:
    send(tg, "kept")
    other = FakeTelegram()
    other.load(json.loads(json.dumps(tg.dump())))
    assert other.records() == tg.records()
    assert call(other, "sendMessage", chat_id=CHAT, text="x").json()["result"]["message_id"] == 2


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="<&"), max_size=50
    )
)
def test_plain_text_without_markup_round_trips(text: str) -> None:
    assert parse(text) == (text, [])


@given(st.text(max_size=30))
def test_parser_either_parses_or_raises_parse_error(text: str) -> None:
    try:
        plain, _ = parse(text)
    except ParseError as exc:
        assert str(exc)
    else:
        assert len(plain) <= len(text)


# --- Telegraph -----------------------------------------------------------------------------


def tph(fake: FakeTelegraph, method: str, **fields: Any) -> dict[str, Any]:
    response = fake.handle(
        httpx.Request("POST", f"http://sandbox/telegraph/{method}", data=fields), f"/{method}"
    )
    assert response.status_code == 200
    return dict(response.json())


def page(title: str = "Xiaomi", content: Any = None, **extra: Any) -> dict[str, Any]:
    body = content if content is not None else [{"tag": "p", "children": ["小米"]}]
    return {
        "access_token": "sandbox-telegraph-token",
        "title": title,
        "content": json.dumps(body),
        **extra,
    }


@pytest.fixture
def graph(clock: Clock) -> FakeTelegraph:
    return FakeTelegraph(clock=clock)


def test_telegraph_pages_paths_and_list(graph: FakeTelegraph) -> None:
    first = tph(graph, "createPage", **page("Hello World"))["result"]
    second = tph(graph, "createPage", **page("Hello World"))["result"]
    assert first["path"] == "Hello-World-11-14" and second["path"] == "Hello-World-11-14-2"
    assert first["url"] == "https://telegra.ph/Hello-World-11-14" and "content" not in first
    listed = tph(graph, "getPageList", access_token="sandbox-telegraph-token")["result"]
    assert [p["path"] for p in listed["pages"]] == [second["path"], first["path"]]
    got = tph(graph, f"getPage/{first['path']}", return_content="true")["result"]
    assert got["content"] == [{"tag": "p", "children": ["小米"]}]
    edited = tph(graph, f"editPage/{first['path']}", **page("New title"))["result"]
    assert edited["title"] == "New title" and edited["path"] == first["path"]
    assert graph.records()[0] == {"id": first["path"], "title": "New title", "url": first["url"]}


def test_telegraph_rules(graph: FakeTelegraph) -> None:
    def err(**fields: Any) -> str:
        body = tph(graph, "createPage", **fields)
        assert body["ok"] is False
        return str(body["error"])

    assert err(**{**page(), "access_token": "nope"}) == "ACCESS_TOKEN_INVALID"
    assert err(**page("")) == "TITLE_REQUIRED"
    assert err(**page("t" * 257)) == "TITLE_TOO_LONG"
    assert tph(graph, "createPage", **page("t" * 256))["ok"] is True
    assert err(**page(author_name="a" * 129)) == "AUTHOR_NAME_TOO_LONG"
    assert err(**page(author_url="https://e.x/" + "a" * 510)) == "AUTHOR_URL_TOO_LONG"
    assert err(**page(content=[{"tag": "h1", "children": ["x"]}])) == "CONTENT_FORMAT_INVALID"
    assert (
        err(**page(content=[{"tag": "a", "attrs": {"onclick": "x"}}])) == "CONTENT_FORMAT_INVALID"
    )
    fits = ["x" * (65536 - 4)]
    assert len(json.dumps(fits).encode()) == 65536
    assert tph(graph, "createPage", **page(content=fits))["ok"] is True
    assert err(**page(content=["中" * 21846])) == "CONTENT_TOO_BIG"
    other = tph(graph, "createAccount", short_name="other")["result"]["access_token"]
    path = graph.records()[0]["id"]
    assert (
        tph(graph, f"editPage/{path}", **{**page(), "access_token": other})["error"]
        == "PAGE_ACCESS_DENIED"
    )
    assert graph.rate_limit_response(7).json() == {"ok": False, "error": "FLOOD_WAIT_7"}
