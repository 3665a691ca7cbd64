"""Speaking to the Official Account API: its access token and its ``errcode`` answers.

WeChat answers HTTP 200 for almost everything and puts the outcome in ``errcode``
(absent or 0: success). ``classify`` turns a code into one of syndicate's error classes;
``Session`` holds the access token for one run (from ``/cgi-bin/stable_token``, which
hands out the current token instead of invalidating it the way ``/cgi-bin/token``
does), registers it with the secret mask at once — it travels in every URL's query —
and fetches a fresh one when WeChat says it is expired or invalid.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from syndicate import redact
from syndicate.errors import AuthFailed, RateLimited, Rejected, Transient
from syndicate.http import json_or_none, raise_for_status, send

PLATFORM = "wechat"
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
"""The token is invalid, not the latest, or expired: fetch a new one and send again."""
CONFIG_ERRORS = {
    40013: "the AppID is not valid; check SYNDICATE_WECHAT__APP_ID",
    40125: "the AppSecret is not valid; check SYNDICATE_WECHAT__APP_SECRET",
    41002: "the AppID is missing; set SYNDICATE_WECHAT__APP_ID",
    41004: "the AppSecret is missing; set SYNDICATE_WECHAT__APP_SECRET",
    40164: ("this machine's IP address is not on the account's IP whitelist; add it under "
            "Settings and Development → Basic Configuration → IP whitelist"),
    48001: ("this account is not allowed to use this API (from July 2025 personal and "
            "unverified accounts lose the publish API); keep 'publish = false' and publish "
            "the drafts in the console"),
    40243: "the AppSecret is frozen; unfreeze it in the console",
}
CONTENT_ERRORS = {
    40005: "an image is not a JPG or PNG",
    40009: "an image is too large (body images under 1 MB, cover under 10 MB)",
    40007: "a media id is unknown or not a permanent material (the cover, or the draft)",
    44003: "the article is empty",
    45002: "the article content is too long (under 20,000 characters and 1 MB)",
    45003: "the title is too long (32 characters at most)",
    45004: "the digest is too long (128 characters at most)",
    45110: "the author is too long (16 characters at most)",
    45166: "WeChat refused the article's HTML as invalid content",
    47001: "WeChat could not parse the request (data format error)",
    53402: "the cover crop is invalid",
    53503: "the draft did not pass the publish check",
    53504: "this draft must be published from the web console",
    53505: "save this draft once in the web console, then publish",
}
CHINA = timedelta(hours=8)


def seconds_to_quota_reset(now: float) -> float:
    """WeChat's daily quotas reset at midnight, Beijing time."""
    local = datetime.fromtimestamp(now, UTC) + CHINA
    tomorrow = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - local).total_seconds()


def classify(body: Any, what: str, clock: Callable[[], float] = time.time) -> None:
    """Raise the error ``body`` (a decoded answer) stands for; return if it is a success."""
    if not isinstance(body, dict):
        raise Transient(PLATFORM, f"{what}: the answer was not JSON")
    code = body.get("errcode", 0)
    if code in (0, None):
        return
    message = str(body.get("errmsg", "")).split(" hint:")[0]
    text = f"{what}: errcode {code} ({message})"
    if code == -1:
        raise Transient(PLATFORM, f"{text}; WeChat is busy")
    if code == 45009:
        raise RateLimited(PLATFORM, f"{text}: the daily quota of this API is used up; it resets "
                          "at midnight Beijing time (or use clear_quota in the console)",
                          retry_after=seconds_to_quota_reset(clock()), status=None)
    if code == 45011:
        raise RateLimited(PLATFORM, f"{text}: too many calls this minute", retry_after=60.0,
                          status=None)
    if code in TOKEN_ERRORS:
        raise AuthFailed(PLATFORM, f"{text}: the access token was refused twice; check that no "
                         "other program calls /cgi-bin/token for this account")
    if code in CONFIG_ERRORS:
        raise AuthFailed(PLATFORM, f"{text}: {CONFIG_ERRORS[code]}")
    raise Rejected(PLATFORM, f"{text}: {CONTENT_ERRORS.get(code, 'see the errcode list')}")


class Session:
    """The access token of one run; fetched when first needed, renewed when refused."""

    def __init__(self, app_id: str, secret: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.app_id = app_id
        self.secret = secret
        self.clock = clock
        self.token: str | None = None
        self.expires_at = 0.0

    async def access_token(self, client: httpx.AsyncClient, *, fresh: bool = False) -> str:
        if self.token and not fresh and self.clock() < self.expires_at - 60:
            return self.token
        # force_refresh stays false even after a refusal: the current token may already be
        # a new one, and forced refreshes are limited to 20 a day.
        body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self.secret,
                "force_refresh": False}
        response = await send(client, PLATFORM, "POST", "/cgi-bin/stable_token", json=body)
        raise_for_status(PLATFORM, response)
        answer = json_or_none(response)
        if isinstance(answer, dict) and answer.get("errcode") == 40001:
            raise AuthFailed(PLATFORM, "getting the access token: errcode 40001: the AppSecret "
                             "is wrong; check SYNDICATE_WECHAT__APP_SECRET")
        classify(answer, "getting the access token")
        assert isinstance(answer, dict)
        token = str(answer.get("access_token") or "")
        if not token:
            raise AuthFailed(PLATFORM, "getting the access token: no token in the answer")
        redact.register(token)
        self.token = token
        self.expires_at = self.clock() + float(answer.get("expires_in") or 300)
        return token

    async def call(self, client: httpx.AsyncClient, method: str, path: str, what: str,
                   **kwargs: Any) -> dict[str, Any]:
        """One API call with the token in its query; a refused token is renewed once."""
        params = kwargs.pop("params", {})
        for attempt in range(2):
            token = await self.access_token(client, fresh=attempt > 0)
            response = await send(client, PLATFORM, method, path,
                                  params={"access_token": token, **params}, **kwargs)
            body = json_or_none(response)
            if attempt == 0 and isinstance(body, dict) and body.get("errcode") in TOKEN_ERRORS:
                self.token = None
                continue
            raise_for_status(PLATFORM, response)
            classify(body, what)
            assert isinstance(body, dict)
            return body
        raise AssertionError("unreachable")

