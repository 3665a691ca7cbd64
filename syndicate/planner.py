"""Posts + state file → actions: create · update · skip (why) · blocked (why) · reconcile · uncertain.

The planner is cheap on purpose: a file whose bytes and platform settings are what the
state file recorded is skipped from its hash alone, without being parsed or rendered,
so a push on a ten-year-old blog costs little more than reading its files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from syndicate.adapter import Adapter, Payload
from syndicate.config import SyndicateConfig
from syndicate.errors import SourceError
from syndicate.post import Post
from syndicate.postfilter import matching, maybe_titles, require_matched
from syndicate.sources import Site, SourceFile
from syndicate.sources.site import unexpected
from syndicate.state import DONE, Entry, State, post_fingerprint

AnyAdapter = Adapter[Any]


class Kind(StrEnum):
    """What a push does with one post on one platform."""

    CREATE = "create"
    UPDATE = "update"
    RECONCILE = "reconcile"
    """Look for the copy an interrupted create may have made, then create if there is none."""
    SKIP = "skip"
    BLOCKED = "blocked"
    UNCERTAIN = "uncertain"


WRITES = frozenset({Kind.CREATE, Kind.UPDATE, Kind.RECONCILE})


@dataclass(frozen=True)
class Action:
    kind: Kind
    key: str
    platform: str
    source: str
    reason: str = ""
    title: str = ""
    post: Post | None = None
    payload: Payload | None = None
    source_hash: str = ""
    config_hash: str = ""
    refresh: bool = False
    """A skip whose state entry should take the current hashes (content equal, bytes not)."""

    def as_json(self) -> dict[str, str | None]:
        return {"post": self.key, "platform": self.platform, "action": self.kind,
                "reason": self.reason, "title": self.title,
                "renderer": self.post.renderer if self.post is not None else None}


def decide(entry: Entry | None, payload: Payload, adapter: AnyAdapter,
           source_hash: str = "") -> tuple[Kind, str, bool]:
    """(kind, reason, refresh) for a readable, publishable post (``source_hash``: its file's)."""
    caps = adapter.capabilities
    if entry is None or entry.status == "failed":
        return Kind.CREATE, "new" if entry is None else "earlier attempt failed", False
    if entry.status == "pending":
        if not entry.in_flight:
            return Kind.CREATE, "resuming an interrupted create (nothing was in flight)", False
        if caps.can_find:
            return Kind.RECONCILE, "an earlier create may have gone out; looking it up first", False
        return Kind.UNCERTAIN, ("an earlier create may have gone out and this platform cannot be "
                             "searched; run 'syndicate resolve'"), False
    if entry.status == "uncertain":
        return Kind.UNCERTAIN, "waiting for 'syndicate resolve'", False
    if entry.payload_hash == payload.digest:
        return Kind.SKIP, "unchanged", True
    if entry.status == "baseline":
        if source_hash and entry.source_hash == source_hash:  # only the settings moved
            return Kind.SKIP, "unchanged", True
        return Kind.SKIP, "existed before syndicate (baseline); edits are not sent", True
    if caps.can_update and entry.remote_id:
        held = adapter.update_blocked(entry.extra, payload)
        return (Kind.BLOCKED, held, False) if held else (Kind.UPDATE, "changed", False)
    return Kind.BLOCKED, caps.cannot_update_reason, False


def plan(
    site: Site,
    adapters: Mapping[str, AnyAdapter],
    state: State,
    config: SyndicateConfig,
    fingerprints: Mapping[str, str],
    *,
    only: list[str] | None = None,
    digests: dict[str, str] | None = None,
) -> tuple[list[Action], list[SourceError]]:
    """Every (post, platform) decision, oldest posts first, and the posts that could not be read.

    ``digests``, if given, receives the hash of every post file considered.
    """
    actions: list[Action] = []
    errors: list[SourceError] = []
    sources = site.discover()
    present = {s.rel_path for s in sources}
    state.claim_site(site.base_url, site.kind, present)  # refuses another site's state file
    for name, adapter in adapters.items():
        state.bind(name, adapter.account())
    vanished = vanished_by_hash(state, present)
    gone = vanished_by_fingerprint(state, present)
    matched: set[str] = set()
    for source in sources:
        if only:
            key_hits = {k for k, _ in state.by_source(source.rel_path).values()}
            hits = matching(source.rel_path, None, only, site.root) | (key_hits & set(only))
            if not hits and maybe_titles(only):
                hits = titled(site, source, only)
            matched |= hits
            if not hits:
                continue
        digest = source.digest()
        if digests is not None:
            digests[source.rel_path] = digest
        known = state.by_source(source.rel_path)
        pending_platforms: list[str] = []
        for name in adapters:
            hit = known.get(name)
            if hit is not None:
                key, entry = hit
                if (entry.status in DONE and entry.source_hash == digest
                        and entry.config_hash == fingerprints[name]):
                    actions.append(Action(Kind.SKIP, key, name, source.rel_path, "unchanged"))
                    continue
            pending_platforms.append(name)
        if not pending_platforms:
            continue
        try:
            post = site.read(source)
            renamed_from = None
            if not known and post.key not in state.posts:
                renamed_from = vanished.get(digest) or (None if post.key != source.rel_path else
                                                        gone.get(fingerprint_of(post)))
            actions.extend(plan_post(post, source, digest, pending_platforms, adapters, state,
                                     config, fingerprints, renamed_from))
        except SourceError as exc:
            errors.append(exc)
        except Exception as exc:  # noqa: BLE001 - one post's failure is never the run's
            errors.append(unexpected(source.rel_path, exc))
    require_matched(only, matched)
    if not only and not getattr(site, "rolling", False):
        actions.extend(removed(state, present, adapters, actions))
    actions = order_and_cap(actions, config.max_per_run)
    return actions, errors


def titled(site: Site, source: SourceFile, wanted: list[str]) -> set[str]:
    """The ``--post`` values equal to this post's title (an unreadable post has none)."""
    try:
        title = site.read(source).title
    except SourceError:
        return set()
    return {item for item in wanted if item == title}


def removed(state: State, present: set[str], adapters: Mapping[str, AnyAdapter],
            planned: list[Action]) -> list[Action]:
    """Posts whose file is gone: said once per platform, never acted on (the copies stay;
    a rename that was recognised is already explained on the new file's row)."""
    explained = {a.reason.split("'")[1] for a in planned
                 if a.kind == "blocked" and "which is gone" in a.reason}
    rows = []
    for key, name, entry in state.entries():
        if (name in adapters and entry.source and entry.source not in present
                and key not in explained and entry.status in DONE):
            hint = (f"; 'syndicate unpublish {key} {name}' deletes it there"
                    if type(adapters[name]).can_unpublish() else "")
            rows.append(Action(Kind.SKIP, key, name, entry.source,
                               f"source removed; the copies stay{hint}"))
    return rows


def fingerprint_of(post: Post) -> str:
    return post_fingerprint(post.title, post.date.date().isoformat())


def vanished_by_fingerprint(state: State, present: set[str]) -> dict[str, str]:
    """Post keys by title and date, for entries whose file is gone: a new file with the
    same title and date is that post renamed (and perhaps edited), not a new post. A post
    that names its own key in front matter has been decided about, and is not matched."""
    found: dict[str, str] = {}
    for key, _name, entry in state.entries():
        if entry.source and entry.source not in present and entry.post_fingerprint:
            found.setdefault(entry.post_fingerprint, key)
    return found


def vanished_by_hash(state: State, present: set[str]) -> dict[str, str]:
    """Post keys by source hash, for entries whose file is gone: a file with the same bytes
    under a new name is that post renamed, and must not go out a second time."""
    found: dict[str, str] = {}
    for key, _name, entry in state.entries():
        if entry.source and entry.source not in present and entry.source_hash:
            found.setdefault(entry.source_hash, key)
    return found


def plan_post(post: Post, source: SourceFile, digest: str, names: list[str],
              adapters: Mapping[str, AnyAdapter], state: State, config: SyndicateConfig,
              fingerprints: Mapping[str, str], renamed_from: str | None = None) -> list[Action]:
    from syndicate.workflow import payload_for

    out: list[Action] = []
    for name in names:
        base = Action(Kind.SKIP, post.key, name, source.rel_path, title=post.title, post=post,
                      source_hash=digest, config_hash=fingerprints[name])
        entry = state.get(post.key, name)
        if post.hold:
            out.append(replace(base, reason=post.hold))
            continue
        if not post.options.allows(name):
            out.append(replace(base, reason="not for this platform (front matter 'syndicate')"))
            continue
        former = state.get(renamed_from, name) if entry is None and renamed_from else None
        if former is not None:
            same = "the same file as" if former.source_hash == digest else "the same title and date as"
            out.append(replace(base, kind=Kind.BLOCKED, reason=(
                f"{same} '{renamed_from}', which is gone: if it was renamed, add "
                f"'syndicate: {{key: \"{renamed_from}\"}}' to its front matter (or, if it has a "
                f"'syndicate:' block already, the line 'key: \"{renamed_from}\"' inside it) so "
                "it keeps its history; if it is a new post, give it a key of its own the same "
                "way")))
            continue
        if entry is None and config.since and post.date.date() < config.since:
            out.append(replace(base, reason=f"dated before 'since' ({config.since})"))
            continue
        payload = payload_for(adapters[name], post, config)
        kind, reason, refresh = decide(entry, payload, adapters[name], digest)
        out.append(replace(base, kind=kind, reason=reason, payload=payload, refresh=refresh))
    return out


def order_and_cap(actions: list[Action], max_per_run: int | None) -> list[Action]:
    """Oldest first, so a capped run publishes in the order the author wrote."""
    def when(action: Action) -> str:
        return action.post.date.isoformat() if action.post else ""

    ordered = sorted(actions, key=lambda a: (when(a), a.source, a.platform))
    if max_per_run is None:
        return ordered
    used = 0
    capped = []
    for action in ordered:
        if action.kind in (Kind.CREATE, Kind.UPDATE):
            if used >= max_per_run:
                action = replace(action, kind=Kind.SKIP, reason=f"over max_per_run ({max_per_run})",
                                 refresh=False)
            else:
                used += 1
        capped.append(action)
    return capped


def baseline(actions: list[Action], state: State) -> int:
    """Record every planned create as already there (``syndicate init``); returns how many."""
    count = 0
    for action in actions:
        if action.kind == Kind.CREATE and action.payload is not None:
            state.put(action.key, action.platform, Entry(
                status="baseline", source=action.source, source_hash=action.source_hash,
                config_hash=action.config_hash, payload_hash=action.payload.digest))
            count += 1
    return count
