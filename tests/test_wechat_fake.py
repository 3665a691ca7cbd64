"""The WeChat fake enforces the documented rules, so a wrong adapter fails against it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from adapters.wechat.fake import APP_ID, APP_SECRET, DEFAULT_THUMB, FakeWeChat

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
GIF = b"GIF89a" + b"\0" * 64


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def call(fake: FakeWeChat, path: str, body: Any = None, *, token: str | None = None,
         query: str = "", files: dict[str, Any] | None = None, method: str = "POST") -> dict[str, Any]:
    params = f"?access_token={token}" if token else "?"
    url = f"https://api.weixin.qq.com{path}{params}{'&' if token and query else ''}{query}"
    if files is not None:
        request = httpx.Request(method, url, files=files)
    elif body is not None:
        request = httpx.Request(method, url, content=json.dumps(body, ensure_ascii=False).encode())
    else:
        request = httpx.Request(method, url)
    request.read()  # as the sandbox does before a fake sees the request
    response = fake.handle(request, path)
    assert response.status_code == 200  # WeChat answers 200 and puts the outcome in errcode
    result: dict[str, Any] = response.json()
    return result


def token_of(fake: FakeWeChat) -> str:
    answer = call(fake, "/cgi-bin/stable_token", {"grant_type": "client_credential",
                                                  "appid": APP_ID, "secret": APP_SECRET})
    return str(answer["access_token"])


def article(**changes: Any) -> dict[str, Any]:
    return {"title": "标题", "author": "作者", "digest": "摘要", "content": "<p>正文</p>",
            "content_source_url": "https://blog.example/p/", "thumb_media_id": DEFAULT_THUMB,
            **changes}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeWeChat:
    return FakeWeChat(clock=clock)


def test_credentials_are_checked_and_errors_carry_the_hint_suffix(fake: FakeWeChat) -> None:
    wrong = call(fake, "/cgi-bin/stable_token", {"appid": APP_ID, "secret": "nope"})
    assert wrong["errcode"] == 40001 and " hint: [" in wrong["errmsg"] and "rid:" in wrong["errmsg"]
    assert call(fake, "/cgi-bin/stable_token", {"appid": "wxother", "secret": APP_SECRET})["errcode"] == 40013
    assert call(fake, "/cgi-bin/stable_token", {"appid": APP_ID})["errcode"] == 41004


def test_a_machine_off_the_ip_whitelist_gets_40164_everywhere(fake: FakeWeChat) -> None:
    token = token_of(fake)
    fake.blocked_ip = "203.0.113.7"
    for path in ("/cgi-bin/stable_token", "/cgi-bin/draft/count"):
        answer = call(fake, path, {"appid": APP_ID, "secret": APP_SECRET}, token=token)
        assert answer["errcode"] == 40164 and "203.0.113.7" in answer["errmsg"]


def test_tokens_expire_and_the_classic_endpoint_invalidates_the_previous_one(
        fake: FakeWeChat, clock: Clock) -> None:
    token = token_of(fake)
    assert token_of(fake) == token  # stable_token hands out the current one
    assert call(fake, "/cgi-bin/draft/count", {}, token=token)["errcode"] == 0
    clock.now += 7200
    assert call(fake, "/cgi-bin/draft/count", {}, token=token)["errcode"] == 42001
    fresh = token_of(fake)
    assert fresh != token
    classic = call(fake, "/cgi-bin/token", query=f"grant_type=client_credential&appid={APP_ID}"
                   f"&secret={APP_SECRET}", method="GET")["access_token"]
    assert call(fake, "/cgi-bin/draft/count", {}, token=fresh)["errcode"] == 0  # 5 minutes' grace
    clock.now += 301
    assert call(fake, "/cgi-bin/draft/count", {}, token=fresh)["errcode"] == 42001
    assert call(fake, "/cgi-bin/draft/count", {}, token=classic)["errcode"] == 0
    assert call(fake, "/cgi-bin/draft/count", {}, token="forged")["errcode"] == 40001
    assert call(fake, "/cgi-bin/draft/count", {})["errcode"] == 41001


def test_uploadimg_takes_jpg_and_png_under_1_mb_only(fake: FakeWeChat) -> None:
    token = token_of(fake)
    ok = call(fake, "/cgi-bin/media/uploadimg", token=token, files={"media": ("a.png", PNG)})
    assert ok["url"].startswith("http://mmbiz.qpic.cn/")
    assert call(fake, "/cgi-bin/media/uploadimg", token=token,
                files={"media": ("a.gif", GIF)})["errcode"] == 40005
    assert call(fake, "/cgi-bin/media/uploadimg", token=token,
                files={"media": ("a.png", JPEG)})["errcode"] == 0  # the bytes decide, and .png is allowed
    big = PNG + b"\0" * (1024 * 1024)
    assert call(fake, "/cgi-bin/media/uploadimg", token=token,
                files={"media": ("a.png", big)})["errcode"] == 40009


def test_permanent_thumbs_are_small_jpgs_and_images_may_be_larger(fake: FakeWeChat) -> None:
    token = token_of(fake)
    def add(kind: str, name: str, data: bytes) -> dict[str, Any]:
        return call(fake, "/cgi-bin/material/add_material", token=token, query=f"type={kind}",
                    files={"media": (name, data)})
    assert add("thumb", "t.png", PNG)["errcode"] == 40005
    assert add("thumb", "t.jpg", JPEG + b"\0" * 70_000)["errcode"] == 40009
    assert add("image", "i.jpg", JPEG + b"\0" * 70_000)["media_id"]
    assert add("image", "i.txt", b"hello")["errcode"] == 40005


@pytest.mark.parametrize(("changes", "code"), [
    ({"title": "字" * 33}, 45003),
    ({"author": "作" * 17}, 45110),
    ({"digest": "摘" * 129}, 45004),
    ({"content": "x" * 20_000}, 45002),
    ({"thumb_media_id": "temporary-id"}, 40007),
    ({"title": ""}, 40227),
    ({"content": ""}, 44003),
])
def test_draft_limits(fake: FakeWeChat, changes: dict[str, Any], code: int) -> None:
    answer = call(fake, "/cgi-bin/draft/add", {"articles": [article(**changes)]}, token=token_of(fake))
    assert answer["errcode"] == code
    assert not fake.drafts


def test_external_images_links_and_scripts_are_filtered_or_refused_in_strict_mode(
        fake: FakeWeChat, clock: Clock) -> None:
    token = token_of(fake)
    uploaded = call(fake, "/cgi-bin/media/uploadimg", token=token, files={"media": ("a.png", PNG)})["url"]
    content = (f'<p><img src="{uploaded}"><img src="https://cdn.example/x.png"><script>x()</script>'
               '<a href="https://a.example">out</a> <a href="https://mp.weixin.qq.com/s/1">in</a></p>')
    media_id = call(fake, "/cgi-bin/draft/add", {"articles": [article(content=content)]},
                    token=token)["media_id"]
    kept = fake.drafts[media_id]["articles"][0]["content"]
    assert uploaded in kept and "cdn.example" not in kept and "script" not in kept
    assert "out" in kept and 'href="https://a.example"' not in kept and "mp.weixin.qq.com/s/1" in kept
    strict = FakeWeChat(clock=clock, strict=True)
    answer = call(strict, "/cgi-bin/draft/add", {"articles": [article(content=content)]},
                  token=token_of(strict))
    assert answer["errcode"] == 45166


def test_bad_json_and_unknown_drafts(fake: FakeWeChat) -> None:
    token = token_of(fake)
    request = httpx.Request("POST", f"https://api.weixin.qq.com/cgi-bin/draft/add?access_token={token}",
                            content=b"{not json")
    assert fake.handle(request, "/cgi-bin/draft/add").json()["errcode"] == 47001
    assert call(fake, "/cgi-bin/draft/update", {"media_id": "nope", "index": 0,
                                                "articles": article()}, token=token)["errcode"] == 40007


def test_publishing_runs_then_removes_the_draft(fake: FakeWeChat) -> None:
    token = token_of(fake)
    media_id = call(fake, "/cgi-bin/draft/add", {"articles": [article()]}, token=token)["media_id"]
    job = call(fake, "/cgi-bin/freepublish/submit", {"media_id": media_id}, token=token)["publish_id"]
    first = call(fake, "/cgi-bin/freepublish/get", {"publish_id": job}, token=token)
    assert first["publish_status"] == 1 and "article_id" not in first
    done = call(fake, "/cgi-bin/freepublish/get", {"publish_id": job}, token=token)
    assert done["publish_status"] == 0
    assert done["article_detail"]["item"][0]["article_url"].startswith("https://mp.weixin.qq.com/s/")
    assert media_id not in fake.drafts and len(fake.articles) == 1
    fake.can_publish = False
    other = call(fake, "/cgi-bin/draft/add", {"articles": [article()]}, token=token)["media_id"]
    assert call(fake, "/cgi-bin/freepublish/submit", {"media_id": other}, token=token)["errcode"] == 48001


def test_daily_quotas_and_clear_quota(fake: FakeWeChat, clock: Clock) -> None:
    token = token_of(fake)
    for _ in range(100):
        assert call(fake, "/cgi-bin/freepublish/submit", {"media_id": "x"}, token=token)["errcode"] == 40007
    assert call(fake, "/cgi-bin/freepublish/submit", {"media_id": "x"}, token=token)["errcode"] == 45009
    for _ in range(10):
        assert call(fake, "/cgi-bin/clear_quota", {"appid": APP_ID})["errcode"] == 0
    assert call(fake, "/cgi-bin/clear_quota", {"appid": APP_ID})["errcode"] == 48006
    assert call(fake, "/cgi-bin/freepublish/submit", {"media_id": "x"}, token=token)["errcode"] == 40007
    for _ in range(99):
        call(fake, "/cgi-bin/freepublish/submit", {"media_id": "x"}, token=token)
    assert call(fake, "/cgi-bin/freepublish/submit", {"media_id": "x"}, token=token)["errcode"] == 45009
    clock.now += 86_400  # a new day in Beijing: the quota is back
    assert call(fake, "/cgi-bin/freepublish/submit", {"media_id": "x"},
                token=token_of(fake))["errcode"] == 40007


def test_state_survives_a_restart(fake: FakeWeChat, clock: Clock) -> None:
    token = token_of(fake)
    call(fake, "/cgi-bin/draft/add", {"articles": [article()]}, token=token)
    again = FakeWeChat(clock=clock)
    again.load(json.loads(json.dumps(fake.dump())))
    assert again.records() == fake.records()
    assert call(again, "/cgi-bin/draft/count", {}, token=token)["total_count"] == 1
