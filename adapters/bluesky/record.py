"""Pure pieces of a Bluesky post record: the deterministic record key and the facets.

Kept apart from the adapter so the properties (facets point at the intended bytes, the
key is a valid TID) can be tested without any HTTP.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from syndicate.dialects.short import Short

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(moment: datetime, salt: str) -> str:
    """A record key in TID syntax that is the same on every try for the same post:
    microseconds of ``moment`` and a clock id taken from a hash of ``salt``. TIDs are
    never checked against real time, so an old post's date is a valid key."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    micros = max(0, int(moment.timestamp() * 1_000_000)) & ((1 << 53) - 1)
    clock = int.from_bytes(hashlib.sha256(salt.encode("utf-8")).digest()[:4], "big") % 1024
    value = (micros << 10) | clock
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def created_at(moment: datetime) -> str:
    """RFC 3339 with a timezone, as the lexicon requires (``Z`` for UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def facets(short: Short) -> list[dict[str, Any]]:
    """Link and hashtag facets with UTF-8 byte offsets into ``short.text`` as sent."""
    found = []
    for span in short.spans:
        start = len(short.text[: span.start].encode("utf-8"))
        end = start + len(short.text[span.start : span.end].encode("utf-8"))
        feature = ({"$type": "app.bsky.richtext.facet#link", "uri": span.value}
                   if span.kind == "link" else
                   {"$type": "app.bsky.richtext.facet#tag", "tag": span.value})
        found.append({"index": {"byteStart": start, "byteEnd": end}, "features": [feature]})
    return found


def web_url(did: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{did}/post/{rkey}"
