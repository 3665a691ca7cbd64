"""What each CLI command does, as plain functions returning an exit code.

Kept apart from ``cli.py`` so the Action command, the preview site and tests call the
same functions the terminal does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate.errors import SourceError, SyndicateError
from syndicate.jsonout import emit_json
from syndicate.previews import build_previews
from syndicate.progress import Lines, Watcher
from syndicate.redact import redact
from syndicate.workflow import Run, open_run, state_path_of

if TYPE_CHECKING:
    from syndicate.engine import Outcome


FLOOD_LIMIT = 5
"""On a site with no syndicate.toml, a push creating more than this many posts needs --yes."""


def planned_actions(site_dir: Path, platforms: list[str] | None) -> dict[tuple[str, str], tuple[str, str]]:
    """What a push would do per (post, platform), from the state file, for the previews."""
    from syndicate import planner
    from syndicate.state import State

    run = open_run(site_dir, platforms, sandbox=False, push=False)
    actions, _errors = planner.plan(run.site, run.adapters, State.read(run.state_path),
                                    run.site.config, run.fingerprints)
    return {(a.key, a.platform): (str(a.kind), a.reason) for a in actions}


def preview(
    site_dir: Path,
    platforms: list[str] | None,
    posts: list[str] | None,
    *,
    json_out: bool,
    html_dir: Path | None = None,
    open_browser: bool = False,
    show_all: bool = False,
    force: bool = False,
) -> int:
    """Without ``--post`` or ``--all``, only the posts a push would send are shown."""
    from syndicate import report
    from syndicate.planner import WRITES
    from syndicate.preview_site import claim_folder

    if html_dir is not None:
        claim_folder(html_dir, force=force)
    items, held, errors = build_previews(site_dir, platforms, posts)
    actions = planned_actions(site_dir, platforms)
    if not (posts or show_all):
        wanted = {item.post.key for item in items
                  if actions.get((item.post.key, item.platform), ("create", ""))[0] in WRITES}
        hidden = len({item.post.key for item in items} - wanted)
        items = [item for item in items if item.post.key in wanted]
    else:
        hidden = 0
    if json_out:
        emit_json([{**item.as_json(), **dict(zip(("action", "reason"), actions.get(
            (item.post.key, item.platform), ("create", "")), strict=True))} for item in items])
    else:
        report.print_preview(items, held, actions)
        note = f"; {hidden} post(s) with nothing to send are hidden (--all shows them)" if hidden else ""
        report.console().print(f"preview: {len({i.post.key for i in items})} post(s), "
                               f"{len(items)} post × platform payload(s){note}")
    if html_dir is not None:
        from syndicate.preview_site import write_preview_site

        index = write_preview_site(items, held, errors, html_dir, actions=actions)
        report.console(stderr=True).print(f"preview site written to {index}")
        if open_browser:
            import webbrowser

            webbrowser.open(index.resolve().as_uri())
    report.print_errors(errors)
    return 1 if errors else 0


def plan(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
         json_out: bool, sandbox: bool = False, show_all: bool = False) -> int:
    from syndicate.planview import show_plan

    return show_plan(plan_result(site_dir, platforms, posts, sandbox=sandbox), json_out=json_out,
                     show_all=show_all)


def first_run_notes(run: Run, state_exists: bool) -> list[str]:
    """What a user about to flood their followers, or to push nowhere, must read first."""
    from syndicate.config import CONFIG_NAME

    notes = []
    if not (run.site.root / CONFIG_NAME).is_file() and not state_exists:
        notes.append(f"no {CONFIG_NAME} and no state yet: run 'syndicate init' first, so the "
                     "posts already on your blog are recorded as a baseline instead of sent")
    notes += [f"{name}: not configured; set {', '.join(missing)}"
              for name, missing in run.unconfigured.items()]
    if not run.adapters:
        notes.append("no platform is set up yet: fill in .env (see .env.example), or see what "
                     "the sandbox would get with --sandbox")
    return notes


def plan_result(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
                sandbox: bool = False) -> dict[str, Any]:
    """The plan's JSON form; a whole-site plan is also remembered for the quick path (planmemo).

    Only platforms that can push are planned: a plan never lists what a push will not do.
    """
    from syndicate import planmemo, planner
    from syndicate.state import State
    from syndicate.workflow import secret_env_names

    root = str(Path(site_dir).resolve())
    before = None
    if posts is None and not sandbox and Path(root).is_dir():
        before = planmemo.fingerprint(root, platforms or [], secret_env_names())
    run = open_run(site_dir, platforms, sandbox=sandbox, push=False, ready_only=True)
    digests: dict[str, str] = {}
    actions, errors = planner.plan(run.site, run.adapters, State.read(run.state_path),
                                   run.site.config, run.fingerprints, only=posts, digests=digests)
    shown = {"actions": [a.as_json() for a in actions], "errors": [str(e) for e in errors],
             "summary": plan_counts(a.as_json() for a in actions),
             "unconfigured": run.unconfigured,
             "notes": first_run_notes(run, run.state_path.exists())}
    data: dict[str, Any] = json.loads(redact(json.dumps(shown, ensure_ascii=False)))
    if before is not None:
        due = min((a.post.turns_at.timestamp() for a in actions
                   if a.post is not None and a.post.turns_at is not None), default=None)
        planmemo.remember(root, platforms or [], before, data, digests, due)
    return data


def plan_counts(actions: Iterable[Mapping[str, str | None]]) -> dict[str, int]:
    """Counts by action, with unchanged pairs apart from other skips."""
    counts: dict[str, int] = {}
    for action in actions:
        unchanged = action["action"] == "skip" and action["reason"] == "unchanged"
        kind = "unchanged" if unchanged else str(action["action"])
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (item[0] == "unchanged", item[0])))


def push(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
         dry_run: bool, sandbox: bool, json_out: bool, yes: bool = False,
         show_all: bool = False) -> int:
    """Plan, then send what the plan says; the exit code says whether anything failed."""
    from syndicate import report
    from syndicate.engine import TROUBLE
    from syndicate.progress import watcher

    live = watcher(quiet=json_out or dry_run)
    pushed = push_run(site_dir, platforms, posts, dry_run=dry_run, sandbox=sandbox, yes=yes,
                      watch=live)
    outcomes, errors = pushed.outcomes, pushed.errors
    if json_out:
        emit_json({"results": [{**o.as_json(), "action": pushed.planned.get((o.key, o.platform), "")}
                               for o in outcomes],
                   "errors": [str(e) for e in errors],
                   "summary": report.outcome_counts(outcomes),
                   "unconfigured": pushed.unconfigured,
                   "interrupted": pushed.interrupted})
    else:
        report.print_outcomes(outcomes, dry_run=dry_run, show_all=show_all,
                              table_too=dry_run or not isinstance(live, Lines) or show_all)
        report.print_errors([*errors, *(f"{name}: not configured, nothing sent; set {', '.join(m)}"
                                        for name, m in pushed.unconfigured.items())])
    if pushed.interrupted:
        report.console(stderr=True).print(
            "interrupted: what went out is recorded; the next push settles any post that was "
            "being sent (it looks the post up first, or asks you with 'syndicate resolve')")
        return 130
    failed = any(o.outcome in TROUBLE for o in outcomes)
    return 1 if failed or errors or pushed.unconfigured else 0


@dataclass
class Pushed:
    outcomes: list[Outcome]
    errors: list[SourceError]
    planned: dict[tuple[str, str], str] = field(default_factory=dict)
    unconfigured: dict[str, list[str]] = field(default_factory=dict)
    interrupted: bool = False


def push_outcomes(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
                  dry_run: bool, sandbox: bool, json_out: bool = True,
                  only_sources: set[str] | None = None) -> tuple[list[Outcome], list[SourceError]]:
    """Outcomes and unreadable posts of a push, shown nowhere (the Action's summary uses them)."""
    from syndicate.progress import watcher

    pushed = push_run(site_dir, platforms, posts, dry_run=dry_run, sandbox=sandbox, yes=False,
                      watch=watcher(quiet=json_out), only_sources=only_sources)
    return pushed.outcomes, pushed.errors


def push_run(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
             dry_run: bool, sandbox: bool, yes: bool, watch: Watcher,
             only_sources: set[str] | None = None) -> Pushed:
    import asyncio

    from syndicate import planner
    from syndicate.config import CONFIG_NAME
    from syndicate.engine import Engine, Outcome, would
    from syndicate.errors import ConfigError
    from syndicate.state import State, StateLock
    from syndicate.workflow import SETUP_HINT

    run = open_run(site_dir, platforms, sandbox=sandbox, push=True)
    if not run.adapters:
        problems = [f"{name}: set {', '.join(missing)}" for name, missing in run.unconfigured.items()]
        raise ConfigError("no platform is set up" + (f" ({'; '.join(problems)})" if problems else "")
                          + f"; {SETUP_HINT}")
    with StateLock(run.site.root):
        state = State.read(run.state_path)
        actions, errors = planner.plan(run.site, run.adapters, state, run.site.config,
                                       run.fingerprints, only=posts)
        if only_sources is not None:
            actions = [a for a in actions if a.source in only_sources or a.kind == "skip"]
        planned = {(a.key, a.platform): str(a.kind) for a in actions}
        creates = sum(1 for a in actions if a.kind == "create")
        if (creates > FLOOD_LIMIT and not (yes or dry_run or sandbox)
                and not (run.site.root / CONFIG_NAME).is_file()):
            raise ConfigError(
                f"this push would create {creates} posts (post × platform) on a site with no "
                f"{CONFIG_NAME}, and your followers would get all of them at once; run "
                "'syndicate init' first (records the posts already there as a baseline and "
                "writes syndicate.toml), or 'syndicate push --yes' if you really mean to send them all")
        if dry_run:
            return Pushed([Outcome(a.key, a.platform, would(a), a.title, reason=a.reason)
                           for a in actions], errors, planned, run.unconfigured)
        seen: list[Outcome] = []

        def show(outcome: Outcome) -> None:
            seen.append(outcome)
            watch.outcome(outcome, wrote=planned.get((outcome.key, outcome.platform)) in planner.WRITES)

        totals: dict[str, int] = {}
        for action in actions:
            if action.kind in planner.WRITES:
                totals[action.platform] = totals.get(action.platform, 0) + 1
        engine = Engine(run.adapters, state, transports=run.transports, on_outcome=show)
        watch.start(totals)
        try:
            outcomes = asyncio.run(engine.run(actions))
        except KeyboardInterrupt:  # what went out is in the state file; say what it was
            return Pushed(seen, errors, planned, run.unconfigured, interrupted=True)
        finally:
            watch.stop()
    return Pushed(outcomes, errors, planned, run.unconfigured)


def status(site_dir: Path, *, json_out: bool, sandbox: bool = False,
           platforms: list[str] | None = None, failed_only: bool = False) -> int:
    """What the state file says is where, and what the next push would do with each."""
    from syndicate import report
    from syndicate.sources import open_site
    from syndicate.state import State
    from syndicate.workflow import select_platforms

    site = open_site(site_dir)
    state = State.read(state_path_of(site.root, sandbox=sandbox))
    names = set(select_platforms(site.config, platforms)) if platforms else None
    trouble = ("failed", "uncertain", "pending")
    entries = [(key, name, entry) for key, name, entry in state.entries()
               if (names is None or name in names) and (not failed_only or entry.status in trouble)]
    planned: dict[tuple[str, str], tuple[str, str]] = {}
    if json_out and not sandbox:
        try:
            planned = planned_actions(site.root, platforms)
        except SyndicateError:  # status still shows the record when the site cannot be planned
            pass
    counts: dict[str, int] = {}
    for _key, _name, entry in entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    if json_out:
        emit_json({"entries": [{"post": key, "platform": name, "status": entry.status,
                                "url": entry.url or entry.remote_id or "",
                                "error": entry.last_error or "",
                                "action": planned.get((key, name), ("", ""))[0]}
                               for key, name, entry in entries],
                   "summary": counts})
    else:
        if entries:
            report.table("status", ["post", "platform", "status", "where", "last error"],
                         [(key, name, entry.status, entry.url or entry.remote_id or "",
                           entry.last_error or "") for key, name, entry in entries])
        posts = len({key for key, _name, _entry in entries})
        line = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing recorded yet"
        report.console().print(f"status: {posts} post(s); {line}")
    return 0


def init(site_dir: Path, platforms: list[str] | None, *, ask: bool | None = None) -> int:
    from syndicate.initsite import init_site

    return init_site(site_dir, platforms, ask=ask)


def resolve(site_dir: Path, key: str | None, platform: str | None, *,
            published: str | None, retry: bool, sandbox: bool = False) -> int:
    from syndicate import report
    from syndicate.engine import resolve as settle
    from syndicate.sources import open_site
    from syndicate.state import State, StateLock

    site = open_site(site_dir)
    with StateLock(site.root):
        state = State.read(state_path_of(site.root, sandbox=sandbox))
        open_items = [(k, p, e) for k, p, e in state.entries() if e.status in ("uncertain", "pending")]
        if key is None or platform is None:
            report.table("uncertain", ["post", "platform", "status", "last error"],
                         [(k, p, e.status, e.last_error or "") for k, p, e in open_items])
            report.console().print("Check each platform, then: syndicate resolve POST PLATFORM "
                                   "--published URL   or   --retry")
            return 0
        if not (published or retry):
            report.console(stderr=True).print("say what happened: --published URL or --retry")
            return 2
        try:
            settle(state, key, platform, published=published, retry=retry)
        except ValueError as exc:
            report.console(stderr=True).print(str(exc))
            return 2
    return 0


def unpublish(site_dir: Path, key: str, platform: str, *, sandbox: bool = False) -> int:
    """``syndicate unpublish POST PLATFORM``: delete the copy of a post whose file is gone."""
    import asyncio

    from syndicate import report
    from syndicate.engine import unpublish as take_down
    from syndicate.errors import PlatformError
    from syndicate.state import State, StateLock

    run = open_run(site_dir, [platform], sandbox=sandbox, push=True)
    err = report.console(stderr=True)
    with StateLock(run.site.root):
        state = State.read(run.state_path)
        present = {s.rel_path for s in run.site.discover()}
        state.claim_site(run.site.base_url, run.site.kind, present)
        adapter = run.adapters[platform]
        state.bind(platform, adapter.account())
        entry = state.get(key, platform)
        if entry is not None and (entry.source or key) in present:
            err.print(f"{key} still has its file: delete it (or set 'published: false') first, "
                      "or the next push publishes it again")
            return 2
        try:
            gone = asyncio.run(take_down(adapter, state, key,
                                         transport=run.transports.get(platform)))
        except ValueError as exc:
            err.print(str(exc))
            return 2
        except PlatformError as exc:
            err.print(f"{platform}: {exc}")
            return 1
    report.console().print(f"unpublished {key} from {platform} ({gone.url or gone.remote_id})")
    return 0


def check(site_dir: Path, platforms: list[str] | None, *, sandbox: bool) -> int:
    """Exit 1 when any platform meant to be used fails its check or lacks settings."""
    import asyncio

    from syndicate import report
    from syndicate.errors import PlatformError
    from syndicate.http import build_client

    run = open_run(site_dir, platforms, sandbox=sandbox, push=False)
    rows: list[tuple[str, str, str]] = []
    bad = False

    async def one(name: str) -> None:
        nonlocal bad
        adapter = run.adapters[name]
        missing = adapter.settings.missing()
        if name in run.unused:
            rows.append((name, "off", f"nothing set; to use it set {', '.join(missing)}"))
            return
        if missing:
            bad = True
            rows.append((name, "NOT CONFIGURED", "set " + ", ".join(missing)))
            return
        async with build_client(adapter.base_url, transport=run.transports.get(name)) as client:
            try:
                rows.append((name, "ok", await adapter.check(client)))
            except PlatformError as exc:
                bad = True
                rows.append((name, "FAILED", str(exc)))

    async def all_checks() -> None:
        for name in run.adapters:
            await one(name)

    asyncio.run(all_checks())
    report.table("check", ["platform", "result", "detail"], rows)
    if not bad and len(run.unused) == len(run.adapters):
        bad = True
        report.console().print("no platform is set up yet: fill in .env (see .env.example)")
    return 1 if bad else 0


def sandbox(directory: Path, *, port: int, faults: float, seed: int | None, latency_ms: float) -> int:
    from syndicate.sandbox.server import run_sandbox

    return run_sandbox(directory, port=port, faults=faults, seed=seed, latency=latency_ms / 1000)
