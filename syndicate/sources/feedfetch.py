"""Getting a feed's bytes: a local file, or the one network read a source may make.

A remote feed is fetched over http(s) only, with a timeout and a size cap, and
conditionally: the ETag / Last-Modified of the last good answer and its body are kept
in the state folder's cache (``.syndicate/cache/feed/``), so an unchanged feed costs a
304. Anything that goes wrong is a ConfigError (exit 2) raised before any post is
planned, so an unreachable feed never touches the state file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from syndicate.errors import ConfigError
from syndicate.layout import CACHE_DIR, STATE_DIR

MAX_BYTES = 10 * 1024 * 1024
"""A feed larger than this is refused: real feeds with full content stay well under 2 MiB."""
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_REDIRECTS = 5
KEY = "site.feed"


@dataclass(frozen=True)
class FeedDocument:
    data: bytes
    location: str
    """The URL or path it came from, for messages."""
    not_modified: bool = False
    """A 304 answered the conditional request; ``data`` is the cached body."""


def is_remote(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def read_feed(spec: str, root: Path, *, transport: httpx.BaseTransport | None = None,
              max_bytes: int = MAX_BYTES) -> FeedDocument:
    """The feed named by ``spec`` (an http(s) URL, or a path relative to the site root)."""
    if is_remote(spec):
        return fetch(spec, cache_dir(root), transport=transport, max_bytes=max_bytes)
    if "://" in spec or spec.lower().startswith("file:"):
        raise ConfigError(f"'{spec}': only http(s) URLs or a path to a file are read",
                          source="syndicate.toml", key=KEY)
    path = (root / spec) if not Path(spec).is_absolute() else Path(spec)
    if not path.is_file():
        raise ConfigError(f"no feed file at {path}", source="syndicate.toml", key=KEY)
    if path.stat().st_size > max_bytes:
        raise ConfigError(f"{path} is larger than {max_bytes} bytes; is it really a feed?",
                          source="syndicate.toml", key=KEY)
    return FeedDocument(path.read_bytes(), str(path))


def cache_dir(root: Path) -> Path:
    return root / STATE_DIR / CACHE_DIR / "feed"


def cache_name(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def load_validators(folder: Path, url: str) -> tuple[dict[str, str], bytes | None]:
    """Conditional-request headers and the body they vouch for, if both are intact."""
    name = cache_name(url)
    try:
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        body = (folder / f"{name}.body").read_bytes()
    except (OSError, ValueError):
        return {}, None
    if not isinstance(meta, dict) or meta.get("url") != url:
        return {}, None
    if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
        return {}, None
    headers = {}
    if isinstance(meta.get("etag"), str):
        headers["If-None-Match"] = meta["etag"]
    if isinstance(meta.get("last_modified"), str):
        headers["If-Modified-Since"] = meta["last_modified"]
    return headers, body


def store(folder: Path, url: str, response: httpx.Response, body: bytes) -> None:
    """Best effort: a cache that cannot be written only costs a full download next time."""
    etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if not (etag or modified):
        return
    name = cache_name(url)
    meta = {"url": url, "etag": etag, "last_modified": modified,
            "sha256": hashlib.sha256(body).hexdigest()}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# rebuilt by syndicate as needed; never commit it\n*\n",
                              encoding="utf-8")
        atomic_write(folder / f"{name}.body", body)
        atomic_write(folder / f"{name}.json", json.dumps(meta).encode("utf-8"))
    except OSError:
        pass


def atomic_write(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(prefix=".feed-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def unreachable(url: str, why: str) -> ConfigError:
    return ConfigError(f"the feed {url} could not be read: {why}; nothing was planned or "
                       "changed — check the address, or try again later", key=KEY)


def fetch(url: str, folder: Path, *, transport: httpx.BaseTransport | None,
          max_bytes: int) -> FeedDocument:
    from syndicate.http import USER_AGENT

    headers, cached = load_validators(folder, url)
    headers = {"User-Agent": USER_AGENT,
               "Accept": "application/atom+xml, application/rss+xml, application/feed+json, "
                         "application/xml;q=0.9, */*;q=0.5", **headers}
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=True,
                          max_redirects=MAX_REDIRECTS) as client:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304 and cached is not None:
                    return FeedDocument(cached, url, not_modified=True)
                if response.status_code != 200:
                    raise unreachable(url, f"HTTP {response.status_code}")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise unreachable(url, f"it is {declared} bytes, over the {max_bytes}-byte cap")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise unreachable(url, f"it is over the {max_bytes}-byte cap")
                    chunks.append(chunk)
    except httpx.TooManyRedirects:
        raise unreachable(url, f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.UnsupportedProtocol:
        raise unreachable(url, "a redirect left http(s)") from None
    except httpx.TimeoutException as exc:
        raise unreachable(url, f"timed out ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise unreachable(url, type(exc).__name__) from None
    body = b"".join(chunks)
    store(folder, url, response, body)
    return FeedDocument(body, url)
