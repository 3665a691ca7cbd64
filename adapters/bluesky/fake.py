"""A faithful fake of a Bluesky PDS's XRPC API: sessions, post records, blobs, rate limits.

Enforced as the reference PDS does (see README.md in this folder for sources):
- ``createSession`` with identifier + app password (401 ``AuthenticationRequired``
  otherwise); access tokens expire (400 ``ExpiredToken``), unknown ones are 400
  ``InvalidToken``, a missing header 401 ``AuthMissing``; ``refreshSession`` takes only the
  refresh token (no body) and rotates both.
- ``repo`` must be the session's DID or handle; the record ``$type`` must equal the
  collection; posts: ``text`` ≤ 300 graphemes and ≤ 3,000 UTF-8 bytes, ``createdAt`` an
  RFC 3339 time with a zone, ≤ 3 ``langs``, ≤ 8 ``tags``, facets of the lexicon's shape,
  an external embed with ``uri``/``title``/``description`` and a thumb blob that was
  was uploaded, declared ``image/*`` and ≤ 1,000,000 bytes. (The facts we had said a
  declared type or size differing from the stored blob is refused; @atproto/pds 0.5.35
  accepts it, and the contract test against it decides: the fake accepts it too.)
- Record keys in TID syntax; ``createRecord`` at an existing key fails with a bare 500,
  as the real PDS does; ``putRecord`` upserts, ``swapRecord: null`` creates only if absent
  (else 400 ``InvalidSwap``), an identical record is a no-op with the same cid and no
  ``commit`` — checked before the swap, so an identical retry with ``swapRecord: null``
  succeeds, as on the real PDS; ``deleteRecord`` of a missing record is a no-op; ``getRecord`` 400
  ``RecordNotFound``.
- Write points per DID (create 3, update 2, delete 1; 5,000 an hour) with the
  ``RateLimit-*`` headers (reset in epoch seconds) and the 429 body.
Not real behaviour, on purpose: ``strict_facets`` (on by default) refuses a facet whose
byte range falls outside the text or inside a UTF-8 sequence, to catch adapter bugs the
real PDS would let through silently.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from typing import Any

import httpx

from syndicate.adapter import Unit
from syndicate.dialects.fit import count
from syndicate.sandbox.base import Clock, Fake, SandboxContext, json_response

IDENTIFIER = "sandbox.bsky.social"
APP_PASSWORD = "sand-boxa-ppas-swrd"
DID = "did:plc:sandboxsyndicate0000000"
POST = "app.bsky.feed.post"
ACCESS_TTL, REFRESH_TTL = 7200.0, 90 * 86400.0
HOUR_POINTS = 5000
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FEATURES = {"app.bsky.richtext.facet#link": "uri", "app.bsky.richtext.facet#tag": "tag",
            "app.bsky.richtext.facet#mention": "did"}


def xrpc_error(status: int, name: str, message: str, headers: dict[str, str] | None = None
               ) -> httpx.Response:
    return json_response(status, {"error": name, "message": message}, headers)


def cid_of(value: Any, prefix: str = "bafyrei") -> str:
    raw = hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).digest()
    return prefix + base64.b32encode(raw).decode().lower().rstrip("=")[:52]


class Invalid(Exception):
    pass


class FakeBluesky:
    name = "bluesky"

    def __init__(self, *, identifier: str = IDENTIFIER, app_password: str = APP_PASSWORD,
                 did: str = DID, clock: Clock = time.time, strict_facets: bool = True) -> None:
        self.identifier, self.app_password, self.did = identifier, app_password, did
        self.clock, self.strict_facets = clock, strict_facets
        self.tokens: dict[str, tuple[str, float]] = {}
        """token → (kind: access|refresh, expiry)."""
        self.serial = 0
        self.repo: dict[str, dict[str, Any]] = {}
        """``collection/rkey`` → {"cid", "value"}."""
        self.blobs: dict[str, dict[str, Any]] = {}
        self.spent: list[tuple[float, int]] = []

    # --- the Fake protocol -----------------------------------------------------------

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        reset = int(self.clock()) + max(retry_after, 1)
        return xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded", {
            "RateLimit-Limit": str(HOUR_POINTS), "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(reset), "RateLimit-Policy": f"{HOUR_POINTS};w=3600"})

    def records(self) -> list[dict[str, Any]]:
        out = []
        for key, item in self.repo.items():
            collection, rkey = key.split("/")
            value = item["value"]
            title = ((value.get("embed") or {}).get("external") or {}).get("title") \
                or str(value.get("text", "")).split("\n")[0]
            out.append({"id": f"at://{self.did}/{key}", "title": title,
                        "url": f"https://bsky.app/profile/{self.did}/post/{rkey}"})
        return out

    def dump(self) -> dict[str, Any]:
        return {"repo": self.repo, "blobs": self.blobs}

    def load(self, data: dict[str, Any]) -> None:
        self.repo = dict(data.get("repo", {}))
        self.blobs = dict(data.get("blobs", {}))

    # --- requests --------------------------------------------------------------------

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        try:
            return self.dispatch(request, path.removeprefix("/xrpc/"))
        except Invalid as exc:
            return xrpc_error(400, "InvalidRequest", str(exc))

    def dispatch(self, request: httpx.Request, nsid: str) -> httpx.Response:
        if nsid == "com.atproto.server.createSession" and request.method == "POST":
            return self.create_session(request)
        if nsid == "com.atproto.server.refreshSession" and request.method == "POST":
            return self.refresh_session(request)
        handlers = {
            ("POST", "com.atproto.repo.createRecord"): self.create_record,
            ("POST", "com.atproto.repo.putRecord"): self.put_record,
            ("POST", "com.atproto.repo.deleteRecord"): self.delete_record,
            ("GET", "com.atproto.repo.getRecord"): self.get_record,
            ("GET", "com.atproto.repo.listRecords"): self.list_records,
            ("POST", "com.atproto.repo.uploadBlob"): self.upload_blob,
        }
        handler = handlers.get((request.method, nsid))
        if handler is None:
            return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")
        denied = self.authorise(request, "access")
        if denied is not None:
            return denied
        return handler(request)

    def issue(self) -> dict[str, Any]:
        self.serial += 1
        now = self.clock()
        access, refresh = f"sandbox-access-{self.serial}", f"sandbox-refresh-{self.serial}"
        self.tokens[access] = ("access", now + ACCESS_TTL)
        self.tokens[refresh] = ("refresh", now + REFRESH_TTL)
        return {"accessJwt": access, "refreshJwt": refresh, "handle": self.identifier,
                "did": self.did, "active": True}

    def create_session(self, request: httpx.Request) -> httpx.Response:
        body = _json(request)
        if (not isinstance(body, dict) or body.get("identifier") not in (self.identifier, self.did)
                or body.get("password") != self.app_password):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return json_response(200, self.issue())

    def refresh_session(self, request: httpx.Request) -> httpx.Response:
        denied = self.authorise(request, "refresh")
        if denied is not None:
            return denied
        token = request.headers["Authorization"].removeprefix("Bearer ")
        self.tokens[token] = ("refresh", min(self.tokens[token][1], self.clock() + 7200))
        return json_response(200, self.issue())

    def authorise(self, request: httpx.Request, kind: str) -> httpx.Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return xrpc_error(401, "AuthMissing", "Authentication Required")
        held = self.tokens.get(header.removeprefix("Bearer "))
        if held is None or held[0] != kind:
            return xrpc_error(400, "InvalidToken", "Token could not be verified")
        if held[1] <= self.clock():
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        return None

    def spend(self, points: int) -> httpx.Response | None:
        now = self.clock()
        self.spent = [(t, p) for t, p in self.spent if t > now - 3600]
        used = sum(p for _t, p in self.spent)
        if used + points > HOUR_POINTS:
            return self.rate_limit_response(int(self.spent[0][0] + 3600 - now))
        self.spent.append((now, points))
        return None

    def own_repo(self, repo: Any) -> None:
        if repo not in (self.did, self.identifier):
            raise Invalid("repo must be the authenticated account")

    def create_record(self, request: httpx.Request) -> httpx.Response:
        body = _json(request)
        self.own_repo(body.get("repo"))
        rkey = body.get("rkey") or self.next_tid()
        key = f"{body.get('collection')}/{rkey}"
        record = self.validate(body, rkey)
        if key in self.repo:  # the real PDS fails here with a bare 500 (MST "already a value")
            return xrpc_error(500, "InternalServerError", "Internal Server Error")
        return self.write(key, record, 3)

    def put_record(self, request: httpx.Request) -> httpx.Response:
        body = _json(request)
        self.own_repo(body.get("repo"))
        rkey = body.get("rkey")
        if not isinstance(rkey, str):
            raise Invalid("Input must have the property \"rkey\"")
        key = f"{body.get('collection')}/{rkey}"
        record = self.validate(body, rkey)
        existing = self.repo.get(key)
        if existing is not None and existing["value"] == record:  # a no-op, even with a swap
            return json_response(200, {"uri": f"at://{self.did}/{key}", "cid": existing["cid"],
                                       "validationStatus": "valid"})
        if "swapRecord" in body:
            swap = body["swapRecord"]
            if (swap is None and existing is not None) or (
                    swap is not None and (existing is None or existing["cid"] != swap)):
                current = existing["cid"] if existing else "null"
                return xrpc_error(400, "InvalidSwap", f"Record was at {current}")
        return self.write(key, record, 2 if existing else 3)

    def write(self, key: str, record: dict[str, Any], points: int) -> httpx.Response:
        limited = self.spend(points)
        if limited is not None:
            return limited
        cid = cid_of(record)
        self.repo[key] = {"cid": cid, "value": record}
        return json_response(200, {"uri": f"at://{self.did}/{key}", "cid": cid,
                                   "commit": {"cid": cid_of([key, cid]), "rev": self.next_tid()},
                                   "validationStatus": "valid"})

    def delete_record(self, request: httpx.Request) -> httpx.Response:
        body = _json(request)
        self.own_repo(body.get("repo"))
        key = f"{body.get('collection')}/{body.get('rkey')}"
        if key not in self.repo:
            return json_response(200, {})
        limited = self.spend(1)
        if limited is not None:
            return limited
        del self.repo[key]
        return json_response(200, {"commit": {"cid": cid_of(["delete", key]), "rev": self.next_tid()}})

    def get_record(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        self.own_repo(params.get("repo"))
        key = f"{params.get('collection')}/{params.get('rkey')}"
        if key not in self.repo:
            return xrpc_error(400, "RecordNotFound", f"Could not locate record: at://{self.did}/{key}")
        item = self.repo[key]
        return json_response(200, {"uri": f"at://{self.did}/{key}", "cid": item["cid"],
                                   "value": item["value"]})

    def list_records(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        self.own_repo(params.get("repo"))
        prefix = f"{params.get('collection')}/"
        keys = sorted((k for k in self.repo if k.startswith(prefix)), reverse=True)
        limit = min(100, max(1, int(params.get("limit", "50"))))
        cursor = params.get("cursor")
        if cursor:
            keys = [k for k in keys if k.split("/")[1] < cursor]
        page = keys[:limit]
        body: dict[str, Any] = {"records": [
            {"uri": f"at://{self.did}/{k}", "cid": self.repo[k]["cid"],
             "value": self.repo[k]["value"]} for k in page]}
        if len(keys) > limit:
            body["cursor"] = page[-1].split("/")[1]
        return json_response(200, body)

    def upload_blob(self, request: httpx.Request) -> httpx.Response:
        data = request.content
        mime = request.headers.get("Content-Type", "application/octet-stream").split(";")[0]
        if len(data) > 5 * 1024 * 1024:
            return xrpc_error(400, "BlobTooLarge", "This file is too large")
        link = cid_of(base64.b64encode(data).decode(), "bafkrei")
        blob = {"$type": "blob", "ref": {"$link": link}, "mimeType": mime, "size": len(data)}
        self.blobs[link] = blob
        return json_response(200, {"blob": blob})

    def next_tid(self) -> str:
        self.serial += 1
        value = (int(self.clock() * 1_000_000) << 10) | (self.serial % 1024)
        alphabet = "234567abcdefghijklmnopqrstuvwxyz"
        return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(13)))

    # --- the post lexicon ------------------------------------------------------------

    def validate(self, body: dict[str, Any], rkey: str) -> dict[str, Any]:
        collection, record = body.get("collection"), body.get("record")
        if collection != POST:
            raise Invalid(f"Unsupported collection: {collection}")
        if not isinstance(record, dict):
            raise Invalid("Input must have the property \"record\"")
        if record.get("$type", POST) != collection:
            raise Invalid(f"Invalid $type: expected {collection}, got {record.get('$type')}")
        if body.get("validate", True) is not False and not TID.match(rkey):
            raise Invalid(f"Invalid record key: {rkey}")
        record = {"$type": POST, **record}
        text = record.get("text")
        if not isinstance(text, str):
            raise Invalid("Invalid app.bsky.feed.post record: Record must have the property \"text\"")
        graphemes, size = count(text, Unit.GRAPHEMES), len(text.encode("utf-8"))
        if graphemes > 300:
            raise Invalid("Invalid app.bsky.feed.post record: grapheme too big "
                          f"(maximum 300, got {graphemes})")
        if size > 3000:
            raise Invalid("Invalid app.bsky.feed.post record: string too long "
                          f"(maximum 3000, got {size})")
        if not isinstance(record.get("createdAt"), str) or not DATETIME.match(record["createdAt"]):
            raise Invalid("Invalid app.bsky.feed.post record: createdAt must be a valid datetime")
        if len(record.get("langs", [])) > 3 or len(record.get("tags", [])) > 8:
            raise Invalid("Invalid app.bsky.feed.post record: too many langs or tags")
        for facet in record.get("facets", []):
            self.check_facet(facet, text)
        if "embed" in record:
            self.check_embed(record["embed"])
        return record

    def check_facet(self, facet: Any, text: str) -> None:
        index = facet.get("index") if isinstance(facet, dict) else None
        start = index.get("byteStart") if isinstance(index, dict) else None
        end = index.get("byteEnd") if isinstance(index, dict) else None
        if not (isinstance(start, int) and isinstance(end, int) and start >= 0 and end >= 0):
            raise Invalid("Invalid app.bsky.feed.post record: facet index must have byteStart and byteEnd")
        features = facet.get("features")
        if not isinstance(features, list) or not features:
            raise Invalid("Invalid app.bsky.feed.post record: facet must have features")
        for feature in features:
            kind = feature.get("$type") if isinstance(feature, dict) else None
            if kind not in FEATURES or not isinstance(feature.get(FEATURES[kind]), str):
                raise Invalid(f"Invalid app.bsky.feed.post record: unknown facet feature {kind}")
        if self.strict_facets:
            data = text.encode("utf-8")
            if not start < end <= len(data):
                raise Invalid(f"strict: facet {start}-{end} is outside the text ({len(data)} bytes)")
            try:
                data[start:end].decode("utf-8")
            except UnicodeDecodeError:
                raise Invalid(f"strict: facet {start}-{end} splits a UTF-8 sequence") from None

    def check_embed(self, embed: Any) -> None:
        if not isinstance(embed, dict) or embed.get("$type") != "app.bsky.embed.external":
            raise Invalid("Invalid app.bsky.feed.post record: unsupported embed")
        external = embed.get("external")
        if not isinstance(external, dict) or not all(
                isinstance(external.get(k), str) for k in ("uri", "title", "description")):
            raise Invalid("Invalid app.bsky.feed.post record: external must have uri, title, description")
        thumb = external.get("thumb")
        if thumb is None:
            return
        link = ((thumb or {}).get("ref") or {}).get("$link") if isinstance(thumb, dict) else None
        if str(link) not in self.blobs:
            raise Invalid("Invalid app.bsky.feed.post record: Expected blob value type at "
                          "$.record.embed.external.thumb")
        mime, size = thumb.get("mimeType"), thumb.get("size")
        if not (isinstance(mime, str) and mime.startswith("image/")):
            raise Invalid(f"Invalid app.bsky.feed.post record: Expected \"image/*\" (got "
                          f"\"{mime}\") at $.record.embed.external.thumb.mimeType")
        if not isinstance(size, int) or size > 1_000_000:
            raise Invalid("Invalid app.bsky.feed.post record: thumb too big")


def _json(request: httpx.Request) -> Any:
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        raise Invalid("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Invalid("Request body must be an object")
    return body


def fakes(ctx: SandboxContext) -> list[Fake]:
    return [FakeBluesky(clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_BLUESKY__BASE_URL": base_url.rstrip('/'),
            "SYNDICATE_BLUESKY__IDENTIFIER": IDENTIFIER,
            "SYNDICATE_BLUESKY__APP_PASSWORD": APP_PASSWORD}
