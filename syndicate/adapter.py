"""The adapter contract: everything a platform module must provide, on one screen.

An adapter maps a neutral Post to a platform's payload (pure, no I/O) and speaks
HTTP through the client the engine hands it, turning responses into a RemoteRef or
one of the errors in ``syndicate.errors``. It never sleeps, retries, prints, reads the
environment or touches state: the engine does those things, once, for every adapter.

Writes that take several requests (a Telegram post split into messages, WordPress
terms then the post) record their progress through ``Attempt.record`` so that a
retry or the next run resumes instead of repeating what already went out.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

import httpx

from syndicate.post import Post
from syndicate.settings import PlatformSettings


class Dialect(StrEnum):
    """How a platform wants its text; conversions live in ``syndicate.dialects``."""

    HTML = "html"
    MARKDOWN = "markdown"
    TELEGRAM_HTML = "telegram_html"
    TELEGRAPH = "telegraph"
    TEXT = "text"
    WECHAT_HTML = "wechat_html"


class Unit(StrEnum):
    """How a platform counts length; ``syndicate.dialects.fit`` implements each."""

    CODEPOINTS = "codepoints"
    UTF16 = "utf16"
    GRAPHEMES = "graphemes"
    BYTES = "bytes"


@dataclass(frozen=True)
class Limit:
    """A length limit on one field of a payload, counted the platform's way."""

    field: str
    """Dotted path into ``payload.data``: ``"title"``, ``"article.body_markdown"``; ``[]``
    after a key walks every element of that list (``"messages[].params.text"``)."""
    maximum: int
    unit: Unit
    url_length: int | None = None
    """If set, every URL counts as this many units (Mastodon, X count URLs as 23)."""


@dataclass(frozen=True)
class TagRules:
    """What the platform does with tags; tags that break a rule are dropped with a notice."""

    max_count: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    """A regular expression every kept tag must fully match (None: anything)."""


def values_at(data: Any, path: str) -> list[str]:
    """The strings found at a ``Limit.field`` path in ``data`` (none if the path is absent).

    Missing keys and non-string leaves are skipped rather than raised: a payload that does
    not carry a field (a photo message has a caption, not a text) has nothing to measure.
    """
    found = [data]
    for step in path.split("."):
        key, each = (step[:-2], True) if step.endswith("[]") else (step, False)
        following: list[Any] = []
        for value in found:
            if not isinstance(value, Mapping) or key not in value:
                continue
            inner = value[key]
            if each:
                following += list(inner) if isinstance(inner, (list, tuple)) else []
            else:
                following.append(inner)
        found = following
    return [value for value in found if isinstance(value, str)]


@dataclass(frozen=True)
class About:
    """One platform in words: the README's platform table and the preview's headings read this."""

    title: str
    """The platform's own spelling of its name (``WordPress``)."""
    posted: str = ""
    """What is posted."""
    format: str = ""
    limits: str = ""
    """The limits, as the platform counts them."""
    update: str = ""
    """Whether and how a changed post is updated."""
    after_timeout: str = ""
    """What happens when a create timed out: found again, or ``uncertain``."""


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do and how hard it may be driven: data the engine and planner read."""

    dialect: Dialect
    limits: tuple[Limit, ...] = ()
    tags: TagRules = field(default_factory=TagRules)
    can_update: bool = False
    can_delete: bool = False
    can_find: bool = False
    max_concurrency: int = 4
    """Requests in flight at once to this platform."""
    min_interval: float = 0.0
    """Seconds between two write requests (Telegram: about one message a second per chat)."""
    max_per_minute: int = 0
    """Write requests allowed in any 60 seconds, 0 for no such cap (Telegram groups and
    channels: 20)."""
    daily_cap: int | None = None
    """Creates allowed per rolling 24 hours (Medium: 10)."""
    cannot_update_reason: str = "the platform cannot update a post"
    links_back: bool = True
    """The payload names the original post in a field of its own (a canonical URL, a link
    message). False for full-text copies with no such field (WordPress): those get the
    "Originally published at" footer by default (see ``workflow.LINK_BACK``)."""


@dataclass(frozen=True)
class Payload:
    """Exactly what will be sent for one post on one platform (secrets never included)."""

    platform: str
    post_key: str
    data: Mapping[str, Any]
    notices: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)
    """Local files the request needs (name → absolute path). Left out of the digest, so
    where the site is checked out never makes a post look changed; ``data`` names each
    file in a location-independent way (its URL on the site)."""
    unhashed: frozenset[str] = frozenset()
    """Keys of ``data`` that a write sends beside the copy (an SEO plugin's canonical field)
    and that are left out of the digest: a new value of this kind, added by an upgrade, must
    not make every old copy look edited and be sent again; it goes out with the next real
    change."""

    @property
    def digest(self) -> str:
        """Stable hash of ``data``; a change means the platform copy is out of date."""
        hashed = {k: v for k, v in self.data.items() if k not in self.unhashed}
        blob = json.dumps(hashed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RequestSpec:
    """One HTTP request as a preview shows it; values known only later are placeholders."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "headers": dict(self.headers),
                "body": self.body}


@dataclass(frozen=True)
class RemoteRef:
    """Where a post lives on a platform once published."""

    id: str
    url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Attempt:
    """One try at writing one post to one platform, as the engine tracks it.

    ``resume`` holds what an earlier, interrupted try recorded; ``record`` saves progress
    durably (the engine writes the state file) once a request's answer is known, so the
    next run resumes after it; ``note`` keeps facts the resume will need (how many parts,
    of which kinds) without a write of its own: they go to disk with the write-ahead
    record the engine makes as the next request leaves.
    """

    attempt_id: str
    resume: Mapping[str, Any] = field(default_factory=dict)
    record: Callable[[Mapping[str, Any]], None] = lambda _progress: None
    note: Callable[[Mapping[str, Any]], None] = lambda _progress: None


SettingsT = TypeVar("SettingsT", bound=PlatformSettings)


class Adapter(ABC, Generic[SettingsT]):
    """Base class of every platform module under ``adapters/``."""

    name: ClassVar[str]
    settings_model: ClassVar[type[PlatformSettings]]
    capabilities: ClassVar[Capabilities]
    about: ClassVar[About | None] = None
    """Words for the README table and the preview; ``described()`` fills a missing one."""

    @classmethod
    def described(cls) -> About:
        return cls.about if cls.about is not None else About(title=cls.name.capitalize())

    @classmethod
    def measured(cls, payload: Payload) -> list[tuple[Limit, str]]:
        """Every declared limit with each text it applies to, as the platform counts it.

        By default the texts found at each ``Limit.field`` path; an adapter whose platform
        counts something else (Telegram counts the text after parsing its HTML) overrides
        this, so that the preview and the benchmarks measure what the platform measures.
        """
        return [(limit, text) for limit in cls.capabilities.limits
                for text in values_at(payload.data, limit.field)]

    def __init__(self, settings: SettingsT) -> None:
        self.settings = settings

    @property
    def base_url(self) -> str:
        return str(self.settings.base_url).rstrip("/")

    def account(self) -> str:
        """Which account this adapter writes to, never using a secret: the state file binds
        every entry to it, so a push to another account (or to the sandbox) never reads or
        writes this one's records. Platforms with several accounts per base URL add the
        account's identity (a chat, a user, a publication)."""
        return self.base_url

    @abstractmethod
    def render(self, post: Post) -> Payload:
        """Pure: the payload for ``post`` (already tailored for this platform)."""

    @abstractmethod
    def requests(self, payload: Payload) -> list[RequestSpec]:
        """Pure: the requests ``create`` would send, built by the same code, secrets redacted."""

    @abstractmethod
    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt) -> RemoteRef:
        """Publish a new post. Raises only ``syndicate.errors`` classes."""

    async def update(
        self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef, attempt: Attempt
    ) -> RemoteRef:
        """Replace the remote copy; only called when ``capabilities.can_update``."""
        raise NotImplementedError(f"{self.name} cannot update")

    def update_blocked(self, extra: Mapping[str, Any], payload: Payload) -> str | None:
        """Why the remote copy (its ``RemoteRef.extra``, as the state keeps it) cannot take
        ``payload`` although the platform can update others — a WeChat draft can be
        updated, a published article cannot; a LinkedIn share's text can change, its link
        card cannot. Read by the planner, so a plan never lists an update a push would
        refuse. None: it can."""
        return None

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """Look for a copy an ambiguous create may have made; only if ``can_find``."""
        raise NotImplementedError(f"{self.name} cannot look up posts")

    async def delete(self, client: httpx.AsyncClient, ref: RemoteRef) -> None:
        """Take the remote copy down (``syndicate unpublish``); only adapters that can
        override this, and ``can_unpublish`` says whether one did."""
        raise NotImplementedError(f"{self.name} cannot delete a post")

    @classmethod
    def can_unpublish(cls) -> bool:
        return cls.delete is not Adapter.delete

    async def check(self, client: httpx.AsyncClient) -> str:
        """Verify credentials and settings without posting; returns who we are."""
        return "no check available"

    @classmethod
    def confirm_sent(cls, progress: Mapping[str, Any], published: str | None
                     ) -> tuple[bool, dict[str, Any]]:
        """A person says the request that was in flight went out (``syndicate resolve
        --published``, with the URL or id they saw, if any). Returns whether the whole
        post is now out, and the progress to keep; a multi-part adapter records the part
        and says False while parts remain, so the next push sends only those."""
        return True, dict(progress)
