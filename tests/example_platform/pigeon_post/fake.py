"""The sandbox's Pigeon Post: refuses a wrong token and a note over 140 characters."""

from __future__ import annotations

import json
from typing import Any

import httpx

from syndicate.sandbox.base import SandboxContext, json_response

TOKEN = "sandbox-pigeon-token"


class FakePigeon:
    name = "pigeon"

    def __init__(self, site: str) -> None:
        self.site = site
        self.notes: dict[str, dict[str, Any]] = {}

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return json_response(401, {"error": "unknown pigeon keeper"})
        if (request.method, path) != ("POST", "/notes"):
            return json_response(404, {"error": "no such perch"})
        text = str((json.loads(request.content or b"{}").get("note") or {}).get("text", ""))
        if not text or len(text) > 140:
            return json_response(400, {"error": "a note holds 1 to 140 characters"})
        note_id = str(len(self.notes) + 1)
        self.notes[note_id] = {"id": note_id, "title": text, "url": f"{self.site}/notes/{note_id}"}
        return json_response(201, self.notes[note_id])

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        return json_response(429, {"error": "the pigeons are tired"}, {"Retry-After": str(retry_after)})

    def records(self) -> list[dict[str, Any]]:
        return list(self.notes.values())

    def dump(self) -> dict[str, Any]:
        return {"notes": self.notes}

    def load(self, data: dict[str, Any]) -> None:
        self.notes = dict(data.get("notes", {}))


def fakes(ctx: SandboxContext) -> list[FakePigeon]:
    return [FakePigeon(ctx.url("pigeon"))]


def sandbox_env(base_url: str) -> dict[str, str]:
    return {"SYNDICATE_PIGEON__BASE_URL": base_url, "SYNDICATE_PIGEON__TOKEN": TOKEN}
