"""The Pigeon Post adapter: a note of at most 140 characters, tied to a pigeon's leg.

The "API": ``POST {base_url}/notes`` with ``{"note": {"text": ...}}`` and a Bearer token;
the answer is ``{"id", "url"}``. The text sits one level down, under ``note``, so the
limit is declared with a dotted path, as a nested payload's must be.
"""

from __future__ import annotations

from typing import ClassVar

import httpx
from pydantic import SecretStr

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
from syndicate.errors import AuthFailed, Rejected
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings


class PigeonSettings(PlatformSettings):
    platform_name: ClassVar[str] = "pigeon"
    required_for_push: ClassVar[tuple[str, ...]] = ("token",)
    base_url: str = "https://pigeon.invalid/api"
    token: SecretStr | None = None


class PigeonAdapter(Adapter[PigeonSettings]):
    name = "pigeon"
    settings_model = PigeonSettings
    capabilities = Capabilities(dialect=Dialect.TEXT,
                                limits=(Limit("note.text", 140, Unit.GRAPHEMES),))
    about = About(title="Pigeon Post", posted="title and link", format="plain text",
                  limits="140 graphemes", update="no", after_timeout="`uncertain`")

    def render(self, post: Post) -> Payload:
        return Payload(self.name, post.key, {"note": {"text": f"{post.title} {post.canonical_url}"}})

    def headers(self, redacted: bool = False) -> dict[str, str]:
        token = "***" if redacted or self.settings.token is None else self.settings.token.get_secret_value()
        return {"Authorization": f"Bearer {token}"}

    def requests(self, payload: Payload) -> list[RequestSpec]:
        return [RequestSpec("POST", f"{self.base_url}/notes", self.headers(redacted=True),
                            dict(payload.data))]

    async def create(self, client: httpx.AsyncClient, payload: Payload, attempt: Attempt) -> RemoteRef:
        response = await send(client, self.name, "POST", f"{self.base_url}/notes",
                              headers=self.headers(), json=dict(payload.data))
        if response.status_code == 401:
            raise AuthFailed(self.name, "the pigeon refused the token", status=401)
        raise_for_status(self.name, response)
        body = json_or_none(response)
        if not isinstance(body, dict) or "id" not in body:
            raise Rejected(self.name, f"unexpected answer: {response.text[:200]}")
        return RemoteRef(id=str(body["id"]), url=body.get("url"))
