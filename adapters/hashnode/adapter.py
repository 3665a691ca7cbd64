"""Hashnode, through its public GraphQL API with a Personal Access Token.

Credentials: Hashnode → Settings → Developer → generate a Personal Access Token; set
SYNDICATE_HASHNODE__TOKEN and SYNDICATE_HASHNODE__PUBLICATION_ID (the blog's 24-hex id: the
dashboard URL shows it). ``dialect`` picks the input shapes: ``classic`` (gql.hashnode.com,
``coverImageOptions``, tags by id) or ``2026`` (the revised API: ``coverImage``, tags by
slug; set BASE_URL to its endpoint). The revised API needs the publication on Hashnode Pro.

What is sent: ``publishPost`` with the post as Markdown, ``originalArticleURL`` (the
canonical URL), a deterministic slug, the summary as subtitle, the cover URL and tags.
Tags are never created: each is looked up by slug (``tag(slug:)``) and one Hashnode does
not know is dropped, recorded in the remote entry as ``dropped_tags``. Updates go through
``updatePost`` by id (its ``tags`` replace the list).

Errors: GraphQL answers failures with HTTP 200 and an ``errors`` list; each is
classified by ``extensions.code`` (UNAUTHENTICATED → AuthFailed; FORBIDDEN, including
the Pro-plan refusal, BAD_USER_INPUT, NOT_FOUND, GRAPHQL_VALIDATION_FAILED → Rejected;
INTERNAL_SERVER_ERROR → Transient). HTTP 429/503 are retried by the engine.

Identity: ``find`` asks the publication for the post with our slug and adopts it only
if its ``canonicalUrl`` is ours; failing that it pages the publication's posts for our
canonical URL (Hashnode may have altered the slug).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

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
    TagRules,
    Unit,
)
from syndicate.errors import AuthFailed, Rejected, Transient
from syndicate.http import json_or_none, raise_for_status, send
from syndicate.post import Post
from syndicate.settings import PlatformSettings
from syndicate.slugs import ascii_slug
from syndicate.tagrules import apply_tag_rules

POST_FIELDS = "id slug url canonicalUrl"
PUBLISH = ("mutation Publish($input: PublishPostInput!) "
           f"{{ publishPost(input: $input) {{ post {{ {POST_FIELDS} }} }} }}")
UPDATE = ("mutation Update($input: UpdatePostInput!) "
          f"{{ updatePost(input: $input) {{ post {{ {POST_FIELDS} }} }} }}")
TAG = "query Tag($slug: String!) { tag(slug: $slug) { id slug name } }"
BY_SLUG = ("query BySlug($id: ObjectId!, $slug: String!) "
           f"{{ publication(id: $id) {{ id post(slug: $slug) {{ {POST_FIELDS} }} }} }}")
LISTING = ("query Listing($id: ObjectId!, $after: String) { publication(id: $id) { id "
           f"posts(first: 50, after: $after) {{ edges {{ node {{ {POST_FIELDS} }} }} "
           "pageInfo { hasNextPage endCursor } } } }")
REMOVE = ("mutation Remove($input: RemovePostInput!) "
          "{ removePost(input: $input) { post { id } } }")
ME = "query Me { me { id username publications(first: 50) { edges { node { id url } } } } }"
REJECTING = frozenset({"FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "GRAPHQL_VALIDATION_FAILED",
                       "GRAPHQL_PARSE_FAILED", "BAD_REQUEST"})
BODY_MAX = 100 * 1024


def tag_slug(tag: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")


class HashnodeSettings(PlatformSettings):
    platform_name: ClassVar[str] = "hashnode"
    required_for_push: ClassVar[tuple[str, ...]] = ("token", "publication_id")
    base_url: str = "https://gql.hashnode.com"
    token: SecretStr | None = None
    publication_id: str = ""
    dialect: Literal["classic", "2026"] = "classic"


class HashnodeAdapter(Adapter[HashnodeSettings]):
    name = "hashnode"
    settings_model = HashnodeSettings
    capabilities = Capabilities(
        dialect=Dialect.MARKDOWN,
        limits=(Limit("contentMarkdown", BODY_MAX - 4096, Unit.BYTES),),
        tags=TagRules(max_count=15),
        can_update=True, can_find=True, max_concurrency=2,
    )
    about = About(
        title="Hashnode",
        posted="the whole article, original URL, subtitle, cover URL, tags Hashnode already has",
        format="Markdown",
        limits="request ≤ 100 KB; 15 tags (unknown ones dropped, never created)",
        update="yes, by id",
        after_timeout="found again by slug **and** original URL",
    )

    def account(self) -> str:
        return f"{self.base_url} publication {self.settings.publication_id}"

    def headers(self, redacted: bool = False) -> dict[str, str]:
        if redacted:
            token = "***"
        elif self.settings.token is None:
            raise AuthFailed(self.name, "no token: set SYNDICATE_HASHNODE__TOKEN")
        else:
            token = self.settings.token.get_secret_value()
        return {"Authorization": token, "Content-Type": "application/json"}

    def render(self, post: Post) -> Payload:
        slugs = tuple(dict.fromkeys(s for s in map(tag_slug, post.tags) if s))
        tags, notices = apply_tag_rules(slugs, self.capabilities.tags)
        if tags:
            notices.append("tags Hashnode does not already have are dropped, not created")
        data: dict[str, Any] = {
            "title": post.title, "slug": ascii_slug(post.canonical_url, post.key),
            "contentMarkdown": post.markdown,
            "originalArticleURL": post.canonical_url, "tags": tags,
            "publishedAt": post.date.isoformat(),
        }
        if post.summary:
            data["subtitle"] = post.summary[:250]
        if post.cover_image and post.cover_image.lower().startswith(("http://", "https://")):
            data["cover"] = post.cover_image
        return Payload(self.name, post.key, data, tuple(notices))

    def input(self, payload: Payload, tags: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        data = dict(payload.data)
        cover = data.pop("cover", None)
        data.pop("tags", None)
        fields: dict[str, Any] = {**data, "publicationId": self.settings.publication_id}
        if self.settings.dialect == "classic":
            fields["tags"] = [{"id": t["id"]} for t in tags]
            if cover:
                fields["coverImageOptions"] = {"coverImageURL": cover}
        else:
            fields["tags"] = [{"slug": t["slug"]} for t in tags]
            if cover:
                fields["coverImage"] = cover
        return fields

    def requests(self, payload: Payload) -> list[RequestSpec]:
        headers = self.headers(redacted=True)
        specs = [RequestSpec("POST", self.base_url, headers,
                             {"query": TAG, "variables": {"slug": slug}})
                 for slug in payload.data["tags"]]
        placeholder = [{"id": f"<id of tag {s!r} if Hashnode has it>", "slug": s}
                       for s in payload.data["tags"]]
        specs.append(RequestSpec("POST", self.base_url, headers, {
            "query": PUBLISH, "variables": {"input": self.input(payload, placeholder)}}))
        return specs

    async def call(self, client: httpx.AsyncClient, query: str,
                   variables: Mapping[str, Any]) -> Any:
        """One GraphQL request; errors (HTTP 200 or not) become our error classes."""
        response = await send(client, self.name, "POST", self.base_url, headers=self.headers(),
                              json={"query": query, "variables": dict(variables)})
        body = json_or_none(response)
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors and isinstance(errors, list):
            first = errors[0] if isinstance(errors[0], dict) else {}
            code = str((first.get("extensions") or {}).get("code") or "")
            message = f"{code or 'GraphQL error'}: {first.get('message')}"
            if code == "UNAUTHENTICATED":
                raise AuthFailed(self.name, f"{message}; check SYNDICATE_HASHNODE__TOKEN",
                                 status=response.status_code)
            if code in REJECTING:
                raise Rejected(self.name, message, status=response.status_code)
            if response.status_code < 400 or response.status_code >= 500:
                raise Transient(self.name, message, status=response.status_code)
        raise_for_status(self.name, response)
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise Transient(self.name, "Hashnode answered without data")
        return body["data"]

    async def known_tags(self, client: httpx.AsyncClient, slugs: list[str]
                         ) -> tuple[list[Mapping[str, Any]], list[str]]:
        found: list[Mapping[str, Any]] = []
        dropped: list[str] = []
        for slug in slugs:
            tag = (await self.call(client, TAG, {"slug": slug})).get("tag")
            if isinstance(tag, dict) and tag.get("id"):
                found.append(tag)
            else:
                dropped.append(slug)
        return found, dropped

    def ref(self, post: Mapping[str, Any], dropped: list[str]) -> RemoteRef:
        extra: dict[str, Any] = {"slug": post.get("slug")}
        if dropped:
            extra["dropped_tags"] = dropped
        return RemoteRef(str(post["id"]), post.get("url"), extra)

    async def write(self, client: httpx.AsyncClient, payload: Payload, query: str,
                    key: str, post_id: str | None) -> RemoteRef:
        tags, dropped = await self.known_tags(client, list(payload.data["tags"]))
        fields = self.input(payload, tags)
        if post_id is not None:
            fields = {"id": post_id, **{k: v for k, v in fields.items() if k != "publishedAt"}}
        data = await self.call(client, query, {"input": fields})
        post = (data.get(key) or {}).get("post")
        if not isinstance(post, dict) or not post.get("id"):
            raise Transient(self.name, f"{key} answered without the post")
        return self.ref(post, dropped)

    async def create(self, client: httpx.AsyncClient, payload: Payload,
                     attempt: Attempt) -> RemoteRef:
        return await self.write(client, payload, PUBLISH, "publishPost", None)

    async def update(self, client: httpx.AsyncClient, payload: Payload, ref: RemoteRef,
                     attempt: Attempt) -> RemoteRef:
        return await self.write(client, payload, UPDATE, "updatePost", ref.id)

    async def delete(self, client: httpx.AsyncClient, ref: RemoteRef) -> None:
        """``removePost``: Hashnode's soft delete (the post leaves listings, its slug is
        freed); one already removed answers NOT_FOUND, which is what we wanted."""
        try:
            await self.call(client, REMOVE, {"input": {"id": ref.id}})
        except Rejected as refused:
            if "NOT_FOUND" not in str(refused):
                raise

    async def find(self, client: httpx.AsyncClient, payload: Payload) -> RemoteRef | None:
        """Ours: the post with our slug AND our original URL, else any with our URL."""
        canonical, pub = payload.data["originalArticleURL"], self.settings.publication_id
        data = await self.call(client, BY_SLUG, {"id": pub, "slug": payload.data["slug"]})
        post = (data.get("publication") or {}).get("post")
        if isinstance(post, dict) and post.get("canonicalUrl") == canonical:
            return self.ref(post, [])
        after: str | None = None
        while True:
            data = await self.call(client, LISTING, {"id": pub, "after": after})
            posts = (data.get("publication") or {}).get("posts") or {}
            for edge in posts.get("edges") or []:
                node = edge.get("node") or {}
                if node.get("canonicalUrl") == canonical:
                    return self.ref(node, [])
            info = posts.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return None
            after = info.get("endCursor")

    async def check(self, client: httpx.AsyncClient) -> str:
        me = (await self.call(client, ME, {})).get("me") or {}
        pubs = [e["node"] for e in (me.get("publications") or {}).get("edges") or []]
        mine = next((p for p in pubs if p.get("id") == self.settings.publication_id), None)
        if mine is None:
            raise Rejected(self.name, f"@{me.get('username')} is not a member of publication "
                           f"{self.settings.publication_id}; check "
                           "SYNDICATE_HASHNODE__PUBLICATION_ID")
        return f"token accepted for @{me.get('username')}, publishing to {mine.get('url')}"
