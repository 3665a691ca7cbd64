"""The one HTTP seam: building clients and turning failures into syndicate errors.

Every adapter sends through ``send``; transport failures are classified here once.
A failure before the request left (connect refused, DNS) is ``Transient``; a failure
after a *write* may have reached the server (read timeout, reset) is ``Ambiguous``,
which the engine never retries blindly.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx

from syndicate import __version__
from syndicate.errors import Ambiguous, AuthFailed, RateLimited, Rejected, Transient, Unreachable

USER_AGENT = f"syndicate/{__version__} (+https://github.com/syndicate-bot/syndicate)"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def build_client(
    base_url: str = "",
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
) -> httpx.AsyncClient:
    """An async client with timeouts always set and a User-Agent naming syndicate."""
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header: delta seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def json_or_none(response: httpx.Response) -> Any:
    """The body as JSON, or None when it is not (an HTML error page from a proxy)."""
    try:
        return response.json()
    except ValueError:
        return None


def raise_for_status(platform: str, response: httpx.Response, detail: str | None = None) -> None:
    """Generic status → error mapping; adapters pass ``detail`` extracted from their error shape."""
    status = response.status_code
    if status < 400:
        return
    text = detail or (response.text[:200] if response.text else response.reason_phrase)
    if status == 429:
        raise RateLimited(platform, f"rate limited: {text}",
                          retry_after=retry_after_seconds(response.headers.get("Retry-After")))
    if status in (401, 403):
        raise AuthFailed(platform, f"HTTP {status}: {text}", status=status)
    if status >= 500 or status == 408:
        raise Transient(platform, f"HTTP {status}: {text}", status=status)
    raise Rejected(platform, f"HTTP {status}: {text}", status=status)


async def send(
    client: httpx.AsyncClient, platform: str, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    """Send one request; transport failures become Transient or Ambiguous, never raw httpx errors."""
    write = method.upper() in WRITE_METHODS
    try:
        return await client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        host = client.base_url.join(url).netloc.decode("ascii", "replace") or url
        raise Unreachable(platform, f"could not connect to {host} ({type(exc).__name__})") from None
    except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError,
            httpx.WriteError) as exc:
        if write:
            raise Ambiguous(platform, f"{method} {url}: no answer after sending "
                            f"({type(exc).__name__}); it may have been applied") from None
        raise Transient(platform, f"{method} {url}: {type(exc).__name__}") from None
