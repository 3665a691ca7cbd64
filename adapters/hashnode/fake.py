"""A faithful fake of Hashnode's public GraphQL API, for tests and the sandbox.

The schema is a real GraphQL schema (a subset of Hashnode's, in either dialect), served by
graphql-core, so unknown fields, wrong argument types and malformed queries fail exactly
as GraphQL validation makes them fail. Enforced (facts in this folder's README.md):
- One endpoint, ``POST`` of ``{query, variables, operationName}``. Parse errors →
  ``GRAPHQL_PARSE_FAILED``, validation errors → ``GRAPHQL_VALIDATION_FAILED``, bad variable
  values → ``BAD_USER_INPUT``, all with HTTP 400. An ObjectId that is not 24 hex digits
  is BAD_USER_INPUT from the resolver (HTTP 200).
- Resolver errors come with **HTTP 200**, ``data.<field>: null`` and
  ``errors[].extensions.code``: no or unknown token on a mutation or ``me`` →
  UNAUTHENTICATED; a publication the user is not a member of → FORBIDDEN (and, in the
  2026 dialect with ``pro=False``, the Pro-plan FORBIDDEN); blank title or body →
  BAD_USER_INPUT; unknown post or tag id → NOT_FOUND.
- ``Authorization``: the raw token (classic) or ``Bearer <token>`` (either in 2026).
- Slugs: from the given slug or the title; unique per publication, a collision gets
  ``-1``, ``-2``… (our documented choice: Hashnode documents none). ``url`` and
  ``canonicalUrl`` (= ``originalArticleURL``) come back.
- Tags: classic ``{id}`` of an existing tag or ``{slug, name}`` creating one; 2026
  ``{slug, name?}`` creating unknown ones; at most 15; ``updatePost`` replaces the list.
- ``publication(id:).post(slug:)`` is null when absent; ``posts(first, after)`` pages
  with cursors, ``first`` clamped to 100; removed posts leave listings and free their slug.
- The request body is capped at 100 KB (HTTP 413, plain text: the real shape is
  undocumented).
- 429 (the CDN's throttle) has no documented body; the fake answers GraphQL-shaped JSON.

Simplifications: no edge cache delay, no drafts, series or co-authors.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from graphql import GraphQLError, build_schema, graphql_sync, parse, validate
from graphql.error import GraphQLSyntaxError

from syndicate.sandbox.base import Clock, SandboxContext, json_response

TOKEN = "sandbox-hashnode-token-0123456789"
USER_ID = "64a0c0ffee0ddba11dead001"
PUBLICATION_ID = "64a0c0ffee0ddba11dead0b1"
"""The sandbox's throwaway token and ids (they unlock nothing real)."""
KNOWN_TAGS = ("python", "bash", "shell", "jekyll", "liquid", "hugo", "unicode", "emoji",
              "javascript", "web-development", "programming", "blogging", "linux", "running")
BODY_MAX = 100 * 1024
OBJECT_ID = re.compile(r"[0-9a-f]{24}\Z")

COMMON = """
scalar ObjectId
scalar DateTime
type Query {
  me: MyUser!
  tag(slug: String!): Tag
  post(id: ID!): Post
  publication(id: ObjectId, host: String): Publication
}
type Mutation {
  publishPost(input: PublishPostInput!): PublishPostPayload!
  updatePost(input: UpdatePostInput!): UpdatePostPayload!
  removePost(input: RemovePostInput!): RemovePostPayload!
}
type MyUser { id: ID! username: String! publications(first: Int!, after: String): UserPublicationConnection! }
type UserPublicationConnection { edges: [UserPublicationEdge!]! pageInfo: PageInfo! }
type UserPublicationEdge { node: Publication! }
type Publication {
  id: ID! title: String! url: String!
  post(slug: String!): Post
  posts(first: Int!, after: String): PublicationPostConnection!
}
type PublicationPostConnection { edges: [PostEdge!]! pageInfo: PageInfo! totalDocuments: Int! }
type PostEdge { node: Post! cursor: String! }
type PageInfo { hasNextPage: Boolean endCursor: String }
type Tag { id: ID! name: String! slug: String! }
type PostCoverImage { url: String! }
type Content { markdown: String! }
type Post {
  id: ID! slug: String! url: String! title: String! subtitle: String canonicalUrl: String
  publishedAt: DateTime! tags: [Tag!] coverImage: PostCoverImage content: Content!
}
type PublishPostPayload { post: Post }
type UpdatePostPayload { post: Post }
type RemovePostPayload { post: Post }
input RemovePostInput { id: ID! }
"""
CLASSIC = """
input PublishPostTagInput { id: ObjectId slug: String name: String }
input CoverImageOptionsInput { coverImageURL: String isCoverAttributionHidden: Boolean
  coverImageAttribution: String coverImagePhotographer: String stickCoverToBottom: Boolean }
input PublishPostInput {
  title: String! subtitle: String publicationId: ObjectId! contentMarkdown: String!
  publishedAt: DateTime coverImageOptions: CoverImageOptionsInput slug: String
  originalArticleURL: String tags: [PublishPostTagInput!] disableComments: Boolean
  seriesId: ObjectId
}
input UpdatePostInput {
  id: ID! title: String subtitle: String contentMarkdown: String publishedAt: DateTime
  coverImageOptions: CoverImageOptionsInput slug: String originalArticleURL: String
  tags: [PublishPostTagInput!] publicationId: ObjectId
}
"""
REVISION = """
input PublishPostTagInput { slug: String! name: String }
input PublishPostInput {
  title: String! subtitle: String publicationId: ObjectId! contentMarkdown: String!
  publishedAt: DateTime coverImage: String slug: String originalArticleURL: String
  tags: [PublishPostTagInput!] disableComments: Boolean metaTitle: String
  metaDescription: String ogImage: String enableToc: Boolean isDelisted: Boolean
}
input UpdatePostInput {
  id: ID! title: String subtitle: String contentMarkdown: String publishedAt: DateTime
  coverImage: String slug: String originalArticleURL: String tags: [PublishPostTagInput!]
}
"""


def problem(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def object_id(value: Any) -> str:
    if not isinstance(value, str) or not OBJECT_ID.match(value):
        raise problem(f"Invalid ObjectId: {value!r}", "BAD_USER_INPUT")
    return value


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:200] or "post"


class FakeHashnode:
    name = "hashnode"

    def __init__(self, *, site: str = "https://sandbox.hashnode.dev", token: str = TOKEN,
                 dialect: str = "classic", pro: bool = True, clock: Clock = time.time,
                 member_of: tuple[str, ...] = (PUBLICATION_ID,)) -> None:
        self.site = site.rstrip("/")
        self.token, self.dialect, self.pro, self.clock = token, dialect, pro, clock
        self.member_of = member_of
        self.posts: list[dict[str, Any]] = []
        self.tags: list[dict[str, Any]] = [
            {"id": f"56744721958ef13879b9{i:04x}", "slug": s, "name": s.title()}
            for i, s in enumerate(KNOWN_TAGS)]
        self.schema = build_schema(COMMON + (CLASSIC if dialect == "classic" else REVISION))

    # --- sandbox contract -------------------------------------------------------------

    def rate_limit_response(self, retry_after: int) -> httpx.Response:
        headers = {"Retry-After": str(retry_after)} if retry_after > 0 else {}
        return json_response(429, {"errors": [{"message": "Too many requests",
                                               "extensions": {"code": "TOO_MANY_REQUESTS"}}]},
                             headers)

    def records(self) -> list[dict[str, Any]]:
        return [{"id": p["id"], "title": p["title"], "url": p["url"]}
                for p in self.posts if not p.get("removed")]

    def dump(self) -> dict[str, Any]:
        return {"posts": self.posts, "tags": self.tags}

    def load(self, data: dict[str, Any]) -> None:
        self.posts = list(data.get("posts", []))
        self.tags = list(data.get("tags", self.tags))

    # --- transport --------------------------------------------------------------------

    def user(self, request: httpx.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if self.dialect != "classic" and header.lower().startswith("bearer "):
            header = header[7:]
        return USER_ID if header == self.token else None

    def handle(self, request: httpx.Request, path: str) -> httpx.Response:
        if request.method != "POST" or path.strip("/") not in ("", "graphql"):
            return httpx.Response(404, text="Not Found")
        raw = request.read()
        if len(raw) > BODY_MAX:
            return httpx.Response(413, text="Payload Too Large")
        try:
            body = json.loads(raw)
            query = body["query"]
        except (ValueError, KeyError, TypeError):
            return self.failed(400, "POST body missing, invalid Content-Type, or JSON object "
                               "has no keys.", "BAD_REQUEST")
        try:
            document = parse(query)
        except GraphQLSyntaxError as exc:
            return self.failed(400, exc.message, "GRAPHQL_PARSE_FAILED")
        invalid = validate(self.schema, document)
        if invalid:
            return json_response(400, {"errors": [
                {**e.formatted, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
                for e in invalid]})
        result = graphql_sync(self.schema, query, root_value=Root(self, self.user(request)),
                              variable_values=body.get("variables") or {},
                              operation_name=body.get("operationName"))
        if result.errors and all(e.path is None for e in result.errors):
            # refused before execution: a variable of the wrong shape
            return json_response(400, {"errors": [
                {**e.formatted, "extensions": {"code": "BAD_USER_INPUT"}} for e in result.errors]})
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [{**e.formatted,
                              "extensions": e.extensions or {"code": "INTERNAL_SERVER_ERROR"}}
                             for e in result.errors]
        return json_response(200, out)

    def failed(self, status: int, message: str, code: str) -> httpx.Response:
        return json_response(status, {"errors": [{"message": message,
                                                  "extensions": {"code": code}}]})

    # --- data -------------------------------------------------------------------------

    def publication(self, pub_id: str) -> dict[str, Any]:
        return {"id": pub_id, "title": "Sandbox blog", "url": self.site,
                "post": lambda _info, slug: self.shown(self.live(pub_id, slug)),
                "posts": lambda _info, first, after=None: self.page(pub_id, first, after)}

    def live(self, pub_id: str, slug: str) -> dict[str, Any] | None:
        return next((p for p in self.posts if p["publicationId"] == pub_id
                     and p["slug"] == slug and not p.get("removed")), None)

    def shown(self, post: dict[str, Any] | None) -> dict[str, Any] | None:
        if post is None:
            return None
        return {**post, "tags": [t for t in self.tags if t["id"] in post["tagIds"]],
                "coverImage": {"url": post["cover"]} if post.get("cover") else None,
                "content": {"markdown": post["contentMarkdown"]}}

    def page(self, pub_id: str, first: int, after: str | None) -> dict[str, Any]:
        chosen = [p for p in self.posts if p["publicationId"] == pub_id and not p.get("removed")]
        chosen.sort(key=lambda p: p["publishedAt"], reverse=True)
        start = next((i + 1 for i, p in enumerate(chosen) if p["id"] == after), 0)
        first = max(0, min(first, 100))
        window = chosen[start:start + first]
        return {"edges": [{"node": self.shown(p), "cursor": p["id"]} for p in window],
                "pageInfo": {"hasNextPage": start + first < len(chosen),
                             "endCursor": window[-1]["id"] if window else None},
                "totalDocuments": len(chosen)}

    def free_slug(self, pub_id: str, wanted: str, exclude: str | None = None) -> str:
        taken = {p["slug"] for p in self.posts if p["publicationId"] == pub_id
                 and not p.get("removed") and p["id"] != exclude}
        slug, n = wanted, 0
        while slug in taken:
            n += 1
            slug = f"{wanted}-{n}"
        return slug

    def tag_ids(self, given: list[dict[str, Any]] | None) -> list[str]:
        if given is not None and len(given) > 15:
            raise problem("A post can have at most 15 tags.", "BAD_USER_INPUT")
        ids: list[str] = []
        for tag in given or []:
            if tag.get("id"):
                known = next((t for t in self.tags if t["id"] == tag["id"]), None)
                if known is None:
                    raise problem(f"Tag {tag['id']} not found.", "NOT_FOUND")
            else:
                slug = tag.get("slug") or ""
                if not slug or (self.dialect == "classic" and not tag.get("name")):
                    raise problem("A new tag needs a slug and a name.", "BAD_USER_INPUT")
                known = next((t for t in self.tags if t["slug"] == slug), None)
                if known is None:
                    known = {"id": secrets.token_hex(12), "slug": slug,
                             "name": tag.get("name") or slug}
                    self.tags.append(known)
            if known["id"] not in ids:
                ids.append(known["id"])
        return ids

    def may_write(self, user: str | None, pub_id: str) -> None:
        if user is None:
            raise problem("You must be logged in.", "UNAUTHENTICATED")
        object_id(pub_id)
        if pub_id not in self.member_of:
            raise problem("You are not allowed to publish to this publication.", "FORBIDDEN")
        if self.dialect != "classic" and not self.pro:
            raise problem("Publication does not have an active Pro plan. Upgrade to Pro to "
                          "use the API.", "FORBIDDEN")

    def fields(self, given: dict[str, Any], post: dict[str, Any]) -> None:
        for key in ("title", "contentMarkdown"):
            if key in given and not str(given[key] or "").strip():
                raise problem(f"{key} must not be empty.", "BAD_USER_INPUT")
        for key in ("title", "subtitle", "contentMarkdown"):
            if key in given:
                post[key] = given[key]
        if "originalArticleURL" in given:
            post["canonicalUrl"] = given["originalArticleURL"]
        if "coverImageOptions" in given:
            post["cover"] = (given["coverImageOptions"] or {}).get("coverImageURL")
        if "coverImage" in given:
            post["cover"] = given["coverImage"]
        if "tags" in given:
            post["tagIds"] = self.tag_ids(given["tags"])
        if given.get("publishedAt"):
            post["publishedAt"] = str(given["publishedAt"])
        post["url"] = f"{self.site}/{post['slug']}"

    def publish(self, user: str | None, given: dict[str, Any]) -> dict[str, Any]:
        pub_id = given["publicationId"]
        self.may_write(user, pub_id)
        slug = self.free_slug(pub_id, slugify(str(given.get("slug") or given["title"])))
        post: dict[str, Any] = {
            "id": secrets.token_hex(12), "publicationId": pub_id, "slug": slug,
            "subtitle": None, "canonicalUrl": None, "cover": None, "tagIds": [],
            "publishedAt": datetime.fromtimestamp(self.clock(), UTC).isoformat()}
        self.fields(given, post)
        self.posts.append(post)
        return {"post": self.shown(post)}

    def update(self, user: str | None, given: dict[str, Any]) -> dict[str, Any]:
        post = next((p for p in self.posts if p["id"] == given["id"] and not p.get("removed")),
                    None)
        if user is None:
            raise problem("You must be logged in.", "UNAUTHENTICATED")
        if post is None:
            raise problem("Post not found.", "NOT_FOUND")
        self.may_write(user, post["publicationId"])
        changed = dict(post)
        if given.get("slug"):
            changed["slug"] = self.free_slug(post["publicationId"], slugify(given["slug"]),
                                             exclude=post["id"])
        self.fields(given, changed)
        post.update(changed)
        return {"post": self.shown(post)}


class Root:
    """Top-level resolvers (graphql-core calls ``root.<field>(info, **args)``)."""

    def __init__(self, fake: FakeHashnode, user: str | None) -> None:
        self.fake, self.user = fake, user

    def me(self, _info: Any) -> dict[str, Any]:
        if self.user is None:
            raise problem("You must be logged in.", "UNAUTHENTICATED")
        edges = [{"node": self.fake.publication(p)} for p in self.fake.member_of]
        return {"id": USER_ID, "username": "sandbox",
                "publications": lambda _i, first, after=None: {
                    "edges": edges[:first], "pageInfo": {"hasNextPage": False,
                                                         "endCursor": None}}}

    def tag(self, _info: Any, slug: str) -> dict[str, Any] | None:
        return next((t for t in self.fake.tags if t["slug"] == slug), None)

    def post(self, _info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002
        return self.fake.shown(next((p for p in self.fake.posts if p["id"] == id), None))

    def publication(self, _info: Any, id: str | None = None,  # noqa: A002
                    host: str | None = None) -> dict[str, Any] | None:
        if id is None and host is None:
            raise problem("Either id or host is required.", "BAD_USER_INPUT")
        if self.fake.dialect != "classic" and not self.fake.pro:
            raise problem("Publication does not have an active Pro plan.", "FORBIDDEN")
        if id is not None and (id in self.fake.member_of or any(
                p["publicationId"] == id for p in self.fake.posts)):
            return self.fake.publication(id)
        if host is not None and self.fake.member_of:
            return self.fake.publication(self.fake.member_of[0])
        return None

    def publishPost(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return self.fake.publish(self.user, input)

    def updatePost(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return self.fake.update(self.user, input)

    def removePost(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        post = next((p for p in self.fake.posts if p["id"] == input["id"]
                     and not p.get("removed")), None)
        if self.user is None:
            raise problem("You must be logged in.", "UNAUTHENTICATED")
        if post is None:
            raise problem("Post not found.", "NOT_FOUND")
        post["removed"] = True
        return {"post": self.fake.shown(post)}


def fakes(ctx: SandboxContext) -> list[FakeHashnode]:
    """The sandbox's Hashnode, mounted at /hashnode."""
    return [FakeHashnode(site=ctx.url("hashnode") + "/blog", clock=ctx.clock)]


def sandbox_env(base_url: str) -> dict[str, str]:
    """Point syndicate's Hashnode settings at the fake mounted at ``base_url``."""
    return {"SYNDICATE_HASHNODE__BASE_URL": base_url.rstrip("/"),
            "SYNDICATE_HASHNODE__TOKEN": TOKEN,
            "SYNDICATE_HASHNODE__PUBLICATION_ID": PUBLICATION_ID}
