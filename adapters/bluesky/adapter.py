"""Bluesky, through the AT Protocol's XRPC API on the account's PDS (bsky.social by default).

Credentials: an app password (Settings → Privacy and security → App passwords), set as
SYNDICATE_BLUESKY__APP_PASSWORD, and the handle or email as SYNDICATE_BLUESKY__IDENTIFIER.

What is sent: ``createSession``; the cover (a file of the site, ≤ 1,000,000 bytes) through
``uploadBlob``; then ``putRecord`` of an ``app.bsky.feed.post``: the template's text fitted
to 300 graphemes and 3,000 UTF-8 bytes, link and hashtag facets with byte offsets of the
text as sent, ``langs``, and an external embed card (title, summary, thumbnail blob).

Idempotency: the record key is a TID made from the post's date and a hash of its
canonical URL, so every try writes the same key, with ``swapRecord: null`` (create only
if absent). An existing record at our key is ours (nobody else derives it): a retry after
a timeout finds it with ``getRecord`` instead of posting twice.

Posts are immutable here: the AppView keeps showing a post's first text, so a changed
post is ``blocked`` unless ``on_change = "repost"`` (post anew under a new key, then delete
the old one — likes and replies are lost). Expired access tokens answer 400
``ExpiredToken``; the session is refreshed once. See README.md in this folder for sources.
"""

from __future__ import annotations

import mimetypes
import os
import time
from datetime import datetime
from typing import Any, ClassVar, Literal

import httpx
from pydantic import SecretStr

from adapters.bluesky.record import created_at, facets, tid, web_url
from syndicate.adapter import (
    About,
    Adapter,
    Attempt,
    Capabilities,
    Dialect,
    Limit,
    Payload,
    RemoteRef,
    RequestSpec,
    Unit,
)
from syndicate.dialects.short import Composer, Measure, announce
from syndicate.errors import AuthFailed, RateLimited, Rejected
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings

POST = "app.bsky.feed.post"
THUMB_MAX = 1_000_000
DID_PLACEHOLDER = "<did from createSession>"
IMMUTABLE = ("Bluesky posts are immutable (the app keeps showing the first text); set "
             "[platforms.bluesky] on_change = \"repost\" to delete and post it again")


class BlueskySettings(PlatformSettings):
    platform_name: ClassVar[str] = "bluesky"
    required_for_push: ClassVar[tuple[str, ...]] = ("identifier", "app_password")
    base_url: str = "https://bsky.social"
    identifier: str | None = None
    app_password: SecretStr | None = None
    template: str = "{title}\n\n{summary}\n\n{canonical_url}\n\n{tags}"
    on_change: Literal["block", "repost"] = "block"
    card: bool = True


class BlueskyAdapter(Adapter[BlueskySettings]):
    name = "bluesky"
    settings_model = BlueskySettings
    about = About(
        title="Bluesky",
        posted="a post with the fitted text, link/hashtag facets and a link card",
        format="plain text + facets (UTF-8 byte offsets)",
        limits="300 graphemes and 3,000 UTF-8 bytes",
        update="no: posts are immutable (blocked), or delete and re-post",
        after_timeout="deterministic record key: looked up with getRecord",
    )
    capabilities = Capabilities(
        dialect=Dialect.TEXT,
        limits=(Limit("record.text", 300, Unit.GRAPHEMES), Limit("record.text", 3000, Unit.BYTES)),
        can_update=True,  # only with on_change = "repost"; see __init__
        can_find=True,
        max_concurrency=2,
        max_per_minute=25,  # 5,000 write points an hour, 3 a create: ~27 creates a minute
        cannot_update_reason=IMMUTABLE,
    )

    def __init__(self, settings: BlueskySettings) -> None:
        super().__init__(settings)
        if settings.on_change == "block":  # the default: planner shows a changed post blocked
            setattr(self, "capabilities", Capabilities(**{  # noqa: B010
                **type(self).capabilities.__dict__, "can_update": False}))
        self.composer = Composer(settings.template, [Measure(300, Unit.GRAPHEMES),
                                                     Measure(3000, Unit.BYTES)])
        self.session: dict[str, str] | None = None

    def account(self) -> str:
        return f"{self.base_url} {self.settings.identifier or ''}".strip()

    def render(self, post: Post) -> Payload:
        short = announce(self.composer, post)
        record: dict[str, Any] = {"$type": POST, "text": short.text,
                                  "createdAt": created_at(post.date)}
        if short.spans:
            record["facets"] = facets(short)
        if post.language:
            record["langs"] = [post.language]
        if self.settings.card:
            record["embed"] = {"$type": "app.bsky.embed.external", "external": {
                "uri": post.canonical_url, "title": post.title, "description": post.summary}}
        data: dict[str, Any] = {"collection": POST, "rkey": tid(post.date, post.canonical_url),
                                "record": record}
        files: dict[str, str] = {}
        if self.settings.card and post.cover_file:
            data["thumb"] = post.cover_image
            files["thumb"] = post.cover_file
        return Payload(self.name, post.key, data, notices=short.notices, files=files)

    def requests(self, payload: Payload) -> list[RequestSpec]:
        xrpc = f"{self.base_url}/xrpc"
        specs = [RequestSpec("POST", f"{xrpc}/com.atproto.server.createSession", {},
                             {"identifier": self.settings.identifier, "password": "***"})]
        auth = {"Authorization": "Bearer ***"}
        if "thumb" in payload.data:
            specs.append(RequestSpec("POST", f"{xrpc}/com.atproto.repo.uploadBlob",
                                     auth, f"<bytes of {payload.data['thumb']}>"))
        specs.append(RequestSpec("POST", f"{xrpc}/com.atproto.repo.putRecord", auth,
                                 self.put_body(payload, DID_PLACEHOLDER, None)))
        return specs

    def put_body(self, payload: Payload, did: str, thumb: Any, rkey: str | None = None
                 ) -> dict[str, Any]:
        record = dict(payload.data["record"])
        if thumb is not None and "embed" in record:
            external = {**record["embed"]["external"], "thumb": thumb}
            record["embed"] = {**record["embed"], "external": external}
        return {"repo": did, "collection": POST, "rkey": rkey or payload.data["rkey"],
                "record": record, "swapRecord": None}

    def classify(self, response: httpx.Response) -> Any:
        """The body of a success, else the project error the XRPC error shape calls for."""
        body = json_or_none(response)
        if response.is_success:
            return body if body is not None else {}
        error = str(body.get("error", "")) if isinstance(body, dict) else ""
        message = str(body.get("message", "")) if isinstance(body, dict) else ""
        detail = f"{error}: {message}" if error else None
        if response.status_code == 429:
            reset = response.headers.get("RateLimit-Reset")
            wait = max(0.0, float(reset) - time.time()) if reset and reset.isdigit() else None
            raise RateLimited(self.name, detail or "rate limited", retry_after=wait)
        if response.status_code == 401:
            raise AuthFailed(self.name, f"{detail}; check SYNDICATE_BLUESKY__IDENTIFIER and "
                             "SYNDICATE_BLUESKY__APP_PASSWORD (an app password)", status=401)
        if response.status_code == 400 and error:
            raise Rejected(self.name, detail or "", status=400)
        raise_for_status(self.name, response, detail)
        raise Rejected(self.name, f"unexpected answer {response.status_code}")

    async def login(self, client: httpx.AsyncClient) -> dict[str, str]:
        if self.session is None:
            password = self.settings.app_password
            response = await send(client, self.name, "POST",
                                  f"{self.base_url}/xrpc/com.atproto.server.createSession",
                                  json={"identifier": self.settings.identifier or "",
                                        "password": password.get_secret_value() if password else ""})
            self.session = self.classify(response)
        assert self.session is not None
        return self.session

    async def call(self, client: httpx.AsyncClient, method: str, nsid: str, **kwargs: Any) -> Any:
        """One XRPC call with the session; an expired access token is refreshed once."""
        for fresh in (False, True):
            session = await self.login(client)
            headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {session['accessJwt']}"}
            response = await send(client, self.name, method, f"{self.base_url}/xrpc/{nsid}",
                                   headers=headers, **kwargs)
            body = json_or_none(response)
            expired = (response.status_code == 400 and isinstance(body, dict)
                       and body.get("error") in ("ExpiredToken", "InvalidToken"))
            if not expired or fresh:
                return self.classify(response)
            refreshed = await send(
                client, self.name, "POST", f"{self.base_url}/xrpc/com.atproto.server.refreshSession",
                headers={"Authorization": f"Bearer {session['refreshJwt']}"})
            self.session = self.classify(refreshed) if refreshed.is_success else None
            kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
        raise AssertionError("unreachable")

    async def thumb(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt) -> Any:
        """The cover as a blob ref, uploaded once per attempt (a retry reuses it)."""
        path = payload.files.get("thumb")
        if not path or not os.path.isfile(path) or os.path.getsize(path) > THUMB_MAX:
            return None
        if "thumb" in attempt.resume:
            return attempt.resume["thumb"]
        with open(path, "rb") as handle:
            data = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if not mime.startswith("image/"):
            return None
        body = await self.call(client, "POST", "com.atproto.repo.uploadBlob", content=data,
                               headers={"Content-Type": mime})
        attempt.record({"thumb": body["blob"]})
        return body["blob"]

    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
                     ) -> RemoteRef:
        return await self.put(client, payload, attempt, payload.data["rkey"])

    async def put(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt,
                  rkey: str) -> RemoteRef:
        session = await self.login(client)
        body = self.put_body(payload, session["did"], await self.thumb(client, payload, attempt),
                             rkey)
        try:
            result = await self.call(client, "POST", "com.atproto.repo.putRecord", json=body)
        except Rejected as exc:
            if "InvalidSwap" not in str(exc):
                raise
            found = await self.lookup(client, rkey)  # already there: our key, so our post
            if found is None:
                raise
            return found
        return RemoteRef(result["uri"], web_url(session["did"], rkey),
                         {"cid": result.get("cid"), "rkey": rkey})

    async def lookup(self, client: httpx.AsyncClient, rkey: str) -> RemoteRef | None:
        session = await self.login(client)
        try:
            found = await self.call(client, "GET", "com.atproto.repo.getRecord",
                                    params={"repo": session["did"], "collection": POST,
                                            "rkey": rkey})
        except Rejected as exc:
            if "RecordNotFound" in str(exc):
                return None
            raise
        return RemoteRef(found["uri"], web_url(session["did"], rkey),
                         {"cid": found.get("cid"), "rkey": rkey})

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        return await self.lookup(client, payload.data["rkey"])

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        """Re-post (only with ``on_change = "repost"``): the new post first, under a key
        derived from the new content, then the old one deleted."""
        if self.settings.on_change != "repost":
            raise Rejected(self.name, IMMUTABLE)
        rkey = tid(_moment(payload), payload.data["rkey"] + payload.digest)
        new = await self.put(client, payload, attempt, rkey)
        old = str(ref.extra.get("rkey") or ref.id.rsplit("/", 1)[-1])
        if old != rkey:
            session = await self.login(client)
            await self.call(client, "POST", "com.atproto.repo.deleteRecord",
                            json={"repo": session["did"], "collection": POST, "rkey": old})
        return new

    async def check(self, client: httpx.AsyncClient) -> str:
        session = await self.login(client)
        return f"logged in as {session.get('handle')} ({session.get('did')}) on {self.base_url}"


def _moment(payload: Payload) -> datetime:
    return datetime.fromisoformat(str(payload.data["record"]["createdAt"]).replace("Z", "+00:00"))
