"""A tiny platform for the engine and planner unit tests: posts go to ``/posts`` as JSON.

Its capabilities are chosen per test (``echo_adapter(can_find=True, ...)``), so each rule
of the planner and engine can be driven in isolation, against ``httpx.MockTransport``.
A payload with ``parts`` is sent one request per part, recording progress after each,
like a Telegram post split into messages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx

from syndicate.adapter import (
    Adapter,
    Attempt,
    Capabilities,
    Dialect,
    Payload,
    RemoteRef,
    RequestSpec,
)
from syndicate.errors import Ambiguous
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post, PostOptions
from syndicate.settings import PlatformSettings
from syndicate.sources.site import SourceFile

BASE = "https://echo.test"


class EchoSettings(PlatformSettings):
    platform_name: ClassVar[str] = "echo"


class EchoAdapter(Adapter[EchoSettings]):
    name: ClassVar[str] = "echo"
    settings_model: ClassVar[type[PlatformSettings]] = EchoSettings
    capabilities: ClassVar[Capabilities] = Capabilities(dialect=Dialect.HTML)
    attempts_seen: list[Attempt]

    def render(self, post: Post) -> Payload:
        return Payload(self.name, post.key, {"title": post.title, "html": post.html})

    def requests(self, payload: Payload) -> list[RequestSpec]:
        return [RequestSpec("POST", f"{self.base_url}/posts", body=dict(payload.data))]

    async def create(
        self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt
    ) -> RemoteRef:
        self.seen(attempt)
        done = dict(attempt.resume)
        for part in payload.data.get("parts", ()):
            if part in done:
                continue
            response = await send(client, self.name, "POST", "/parts", json={"part": part})
            raise_for_status(self.name, response)
            done[part] = json_or_none(response)["id"]
            attempt.record({part: done[part]})
        response = await send(client, self.name, "POST", "/posts", json=dict(payload.data))
        raise_for_status(self.name, response)
        return self.ref(response)

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        self.seen(attempt)
        response = await send(client, self.name, "PUT", f"/posts/{ref.id}", json=dict(payload.data))
        raise_for_status(self.name, response)
        return self.ref(response)

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        response = await send(client, self.name, "GET", "/posts",
                              params={"title": payload.data["title"]})
        raise_for_status(self.name, response)
        hits = json_or_none(response)
        return RemoteRef(str(hits[0]["id"]), hits[0]["url"]) if hits else None

    def seen(self, attempt: Attempt) -> None:
        if not hasattr(self, "attempts_seen"):
            self.attempts_seen = []
        self.attempts_seen.append(Attempt(attempt.attempt_id, dict(attempt.resume)))

    def ref(self, response: httpx.Response) -> RemoteRef:
        body = json_or_none(response)
        if not isinstance(body, dict) or "id" not in body:
            raise Ambiguous(self.name, "the answer names no post")
        return RemoteRef(str(body["id"]), body.get("url"))


def echo_adapter(name: str = "echo", **caps: Any) -> EchoAdapter:
    """An EchoAdapter registered as ``name`` with the given capabilities."""
    settings_cls = type(f"{name.title()}Settings", (EchoSettings,), {"platform_name": name})
    adapter_cls = type(f"{name.title()}Adapter", (EchoAdapter,), {
        "name": name, "settings_model": settings_cls,
        "capabilities": Capabilities(dialect=Dialect.HTML, **caps)})
    adapter: EchoAdapter = adapter_cls(settings_cls(base_url=BASE))
    return adapter


def make_post(key: str = "hello", *, title: str | None = None, html: str = "<p>hi</p>",
              day: int = 1, hold: str | None = None, options: PostOptions | None = None) -> Post:
    return Post(key=key, source_path=f"_posts/{key}.md", source_hash="", title=title or key.title(),
                date=datetime(2024, 1, day, tzinfo=UTC),
                canonical_url=f"https://blog.example/{key}/", html=html, hold=hold,
                options=options or PostOptions())


class FakeSite:
    """Stands in for a Site: real files (so digests are real), posts handed back as given."""

    base_url = "https://blog.test"
    kind = "fake"

    def __init__(self, root: Path, posts: list[Post]) -> None:
        self.root = root
        self.posts = {f"_posts/{p.key}.md": p for p in posts}
        self.reads: list[str] = []
        for rel, post in self.posts.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{post.title}\n{post.html}\n", encoding="utf-8")

    def discover(self) -> list[SourceFile]:
        return [SourceFile(rel, self.root / rel) for rel in sorted(self.posts)]

    def read(self, source: SourceFile) -> Post:
        self.reads.append(source.rel_path)
        return self.posts[source.rel_path]


def created(request: httpx.Request, ident: str = "1") -> httpx.Response:
    """The answer a successful create or update gets."""
    return httpx.Response(201, json={"id": ident, "url": f"{BASE}/p/{ident}"})
