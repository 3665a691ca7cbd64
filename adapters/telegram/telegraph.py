"""Telegraph (telegra.ph) calls for the Telegram adapter's ``telegraph`` mode.

Telegraph answers ``{"ok": false, "error": "CODE"}`` with HTTP 200, so its errors are
read from the body: ``FLOOD_WAIT_<n>`` is a rate limit of n seconds,
``ACCESS_TOKEN_INVALID`` a credential problem; anything else refuses the page. Fields go
as a form with ``content`` JSON-encoded (long GET URLs hit a proxy limit). The page's URL
is only known after ``createPage``, so rendered messages carry ``PAGE_URL`` and
``with_page`` fills it in just before sending.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from pydantic import SecretStr

from syndicate.dialects.telegram import escape
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.http import json_or_none, raise_for_status, send

PAGE_URL = "{telegraph_url}"
NO_TOKEN = (
    "mode 'telegraph' needs SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN (create an account once with "
    "https://api.telegra.ph/createAccount?short_name=blog and keep its access_token)"
)


async def telegraph_call(
    client: httpx.AsyncClient,
    platform: str,
    base_url: str,
    token: SecretStr | None,
    method: str,
    params: dict[str, Any],
) -> Any:
    """POST one Telegraph method and return its ``result``, or raise the matching error."""
    if token is None:
        raise AuthFailed(platform, NO_TOKEN)
    form = {**params, "access_token": token.get_secret_value()}
    if "content" in form:
        form["content"] = json.dumps(form["content"], ensure_ascii=False)
    response = await send(client, platform, "POST", f"{base_url}/{method}", data=form)
    body = json_or_none(response)
    if isinstance(body, dict) and body.get("ok"):
        return body["result"]
    error = str(body.get("error") or response.status_code) if isinstance(body, dict) else ""
    error = error or str(response.status_code)
    wait = error.removeprefix("FLOOD_WAIT_")
    if wait != error and wait.isdigit():
        raise RateLimited(platform, f"Telegraph {error}", retry_after=float(wait))
    if error == "ACCESS_TOKEN_INVALID":
        raise AuthFailed(platform, "Telegraph refused SYNDICATE_TELEGRAM__TELEGRAPH_TOKEN")
    raise_for_status(platform, response, error)
    raise Rejected(platform, f"Telegraph: {error}")


def with_page(params: dict[str, Any], page_url: str | None) -> dict[str, Any]:
    """Put the page's URL into a rendered message: escaped inside markup, raw elsewhere."""
    if page_url is None:
        return params
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dict):
            out[key] = with_page(value, page_url)
        elif isinstance(value, str):
            markup = key in ("text", "caption")
            out[key] = value.replace(PAGE_URL, escape(page_url) if markup else page_url)
        else:
            out[key] = value
    return out
