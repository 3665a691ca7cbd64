"""What each CLI command does, as plain functions returning an exit code.

Kept apart from ``cli.py`` so the Action command, the preview site and tests call the
same functions the terminal does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.adapter import Payload, RequestSpec
from syndicate.errors import SourceError
from syndicate.jsonout import emit_json
from syndicate.post import Post
from syndicate.postfilter import matching, require_matched
from syndicate.redact import redact


@dataclass(frozen=True)
class PreviewItem:
    """One post on one platform, as a push would send it."""

    post: Post
    platform: str
    payload: Payload
    requests: list[RequestSpec]

    def as_json(self) -> dict[str, Any]:
        return {
            "post": self.post.key,
            "platform": self.platform,
            "title": self.post.title,
            "canonical_url": self.post.canonical_url,
            "requests": [r.as_json() for r in self.requests],
            "warnings": [*(str(n) for n in self.post.notices), *self.payload.notices],
        }


def build_previews(
    site_dir: Path, platforms: list[str] | None, posts: list[str] | None
) -> tuple[list[PreviewItem], list[Post], list[SourceError]]:
    """Every (post, platform) payload and its requests; held posts and read errors apart."""
    from syndicate.sources import open_site
    from syndicate.workflow import load_adapters, payload_for, select_platforms

    site = open_site(site_dir)
    names = select_platforms(site.config, platforms, preview=True)
    adapters = load_adapters(site.root, site.config, names)
    items: list[PreviewItem] = []
    held: list[Post] = []
    errors: list[SourceError] = []
    matched: set[str] = set()
    for source in site.discover():
        try:
            post = site.read(source)
        except SourceError as exc:
            hits = matching(source.rel_path, None, posts or (), site.root)
            matched |= hits
            if not posts or hits:
                errors.append(exc)
            continue
        hits = matching(source.rel_path, post.key, posts or (), site.root)
        matched |= hits
        if posts and not hits:
            continue
        if post.hold:
            held.append(post)
            continue
        for name, adapter in adapters.items():
            if not post.options.allows(name):
                continue
            payload = payload_for(adapter, post, site.config)
            items.append(PreviewItem(post, name, payload, adapter.requests(payload)))
    require_matched(posts, matched)
    return items, held, errors


def planned_actions(site_dir: Path, platforms: list[str] | None) -> dict[tuple[str, str], tuple[str, str]]:
    """What a push would do per (post, platform), from the state file, for the preview site."""
    from syndicate import planner
    from syndicate.state import State

    run = open_run(site_dir, platforms, sandbox=False, push=False)
    actions, _errors = planner.plan(run.site, run.adapters, State.read(run.state_path),
                                    run.site.config, run.fingerprints)
    return {(a.key, a.platform): (a.kind, a.reason) for a in actions}


def preview(
    site_dir: Path,
    platforms: list[str] | None,
    posts: list[str] | None,
    *,
    json_out: bool,
    html_dir: Path | None = None,
    open_browser: bool = False,
) -> int:
    from syndicate import report
    from syndicate.errors import ConfigError

    if html_dir is not None and html_dir.exists() and not html_dir.is_dir():
        raise ConfigError(f"{html_dir} is a file; give a folder for the preview site", key="--html")
    items, held, errors = build_previews(site_dir, platforms, posts)
    if json_out:
        emit_json([item.as_json() for item in items])
    else:
        report.print_preview(items, held)
    if html_dir is not None:
        from syndicate.preview_site import write_preview_site

        actions = planned_actions(site_dir, platforms)
        index = write_preview_site(items, held, errors, html_dir, actions=actions)
        report.console(stderr=True).print(f"preview site written to {index}")
        if open_browser:
            import webbrowser

            webbrowser.open(index.resolve().as_uri())
    report.print_errors(errors)
    return 1 if errors else 0


from syndicate.state import SANDBOX_DIR  # noqa: E402 - the sandbox folder in .syndicate

STARTER_CONFIG = """\
# syndicate's settings for this site. Secrets never go here: see .env.example.
# Posts dated before this are never sent (a first run must not flood your followers).
since = {since}
# At most this many creates and updates per run.
max_per_run = 20

[parts]
# CSS selectors of site-only parts to drop before a post leaves the site, e.g.:
# drop = [".donate-button", "#comments"]
# footer = "Originally published at {{canonical_url}}"

# Per platform: enabled, drop, replace, footer and the platform's own settings.
"""


@dataclass
class Run:
    """Everything one command needs about the site and its platforms."""

    site: Any
    adapters: dict[str, Any]
    fingerprints: dict[str, str]
    state_path: Path
    transports: dict[str, Any]
    sandbox: Any = None


def sandbox_overrides(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """``SYNDICATE_<PLATFORM>__<FIELD>=value`` lines → per-platform settings overrides."""
    overrides: dict[str, dict[str, Any]] = {}
    for name, value in env.items():
        platform, _, field = name.removeprefix("SYNDICATE_").partition("__")
        if not field:  # SYNDICATE_SANDBOX itself: a marker, no platform's setting
            continue
        overrides.setdefault(platform.lower(), {})[field.lower()] = value
    return overrides


def open_run(site_dir: Path, platforms: list[str] | None, *, sandbox: bool, push: bool) -> Run:
    """Site, adapters with their settings, and (with ``sandbox``) in-process fakes of every platform."""
    from syndicate.layout import STATE_DIR
    from syndicate.sources import open_site
    from syndicate.workflow import config_fingerprint, load_adapters, require_credentials, select_platforms

    site = open_site(site_dir)
    names = select_platforms(site.config, platforms)
    state_path = state_path_of(site.root, sandbox=sandbox)
    transports: dict[str, Any] = {}
    box = None
    overrides = None
    if sandbox:
        from syndicate.sandbox.server import Sandbox

        box = Sandbox(site.root / STATE_DIR / SANDBOX_DIR / "fakes")
        overrides = sandbox_overrides(box.settings_env("http://sandbox.invalid"))
        transports = {name: box.transport() for name in names}
    adapters = load_adapters(site.root, site.config, names, overrides=overrides)
    if push:
        adapters = require_credentials(adapters, explicit=bool(platforms))
    fingerprints = {name: config_fingerprint(a, site.config) for name, a in adapters.items()}
    return Run(site, adapters, fingerprints, state_path, transports, box)


def plan(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
         json_out: bool, sandbox: bool = False) -> int:
    from syndicate.planview import show_plan

    return show_plan(plan_result(site_dir, platforms, posts, sandbox=sandbox), json_out=json_out)


def plan_result(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
                sandbox: bool = False) -> dict[str, Any]:
    """The plan's JSON form; a whole-site plan is also remembered for the quick path (planmemo)."""
    from syndicate import planmemo, planner
    from syndicate.state import State
    from syndicate.workflow import secret_env_names

    root = str(Path(site_dir).resolve())
    before = None
    if posts is None and not sandbox and Path(root).is_dir():
        before = planmemo.fingerprint(root, platforms or [], secret_env_names())
    run = open_run(site_dir, platforms, sandbox=sandbox, push=False)
    digests: dict[str, str] = {}
    actions, errors = planner.plan(run.site, run.adapters, State.read(run.state_path),
                                   run.site.config, run.fingerprints, only=posts, digests=digests)
    shown = {"actions": [a.as_json() for a in actions], "errors": [str(e) for e in errors]}
    data: dict[str, Any] = json.loads(redact(json.dumps(shown, ensure_ascii=False)))
    if before is not None:
        due = min((a.post.turns_at.timestamp() for a in actions
                   if a.post is not None and a.post.turns_at is not None), default=None)
        planmemo.remember(root, platforms or [], before, data, digests, due)
    return data


def push(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
         dry_run: bool, sandbox: bool, json_out: bool) -> int:
    """Plan, then send what the plan says; the exit code says whether anything failed."""
    outcomes, errors = push_outcomes(site_dir, platforms, posts, dry_run=dry_run, sandbox=sandbox,
                                     json_out=json_out)
    from syndicate import report

    if json_out:
        emit_json({"results": [o.as_json() for o in outcomes], "errors": [str(e) for e in errors]})
    else:
        report.print_outcomes(outcomes, dry_run=dry_run)
        report.print_errors(errors)
    failed = any(o.outcome in ("failed", "uncertain") for o in outcomes)
    if not dry_run and not sandbox:
        refresh_plan_memo(site_dir)
    return 1 if failed or errors else 0


def refresh_plan_memo(site_dir: Path) -> None:
    """After a command wrote the state, remember what a bare ``syndicate plan`` now shows, so
    the next one is quick (planmemo). Best effort: a failure here only costs speed later."""
    from syndicate import planmemo
    from syndicate.errors import SyndicateError

    if planmemo.recall(str(Path(site_dir).resolve()), []) is None:
        try:
            plan_result(site_dir, None, None)
        except (SyndicateError, OSError):  # the push itself went through; say nothing
            pass


def push_outcomes(site_dir: Path, platforms: list[str] | None, posts: list[str] | None, *,
                  dry_run: bool, sandbox: bool, json_out: bool = True,
                  only_sources: set[str] | None = None) -> tuple[list[Any], list[SourceError]]:
    import asyncio

    from syndicate import planner, report
    from syndicate.engine import Engine, Outcome
    from syndicate.state import State, StateLock

    run = open_run(site_dir, platforms, sandbox=sandbox, push=True)
    with StateLock(run.site.root):
        state = State.read(run.state_path)
        actions, errors = planner.plan(run.site, run.adapters, state, run.site.config,
                                       run.fingerprints, only=posts)
        if only_sources is not None:
            actions = [a for a in actions if a.source in only_sources or a.kind == "skip"]
        if dry_run:
            return [Outcome(a.key, a.platform, f"would {a.kind}" if a.kind in planner.WRITES else a.kind,
                            a.title, reason=a.reason) for a in actions], errors
        live = report.console(stderr=True)

        def show(outcome: Outcome) -> None:
            if not json_out and outcome.outcome not in ("skipped",):
                live.print(report.outcome_line(outcome))

        engine = Engine(run.adapters, state, transports=run.transports, on_outcome=show)
        outcomes = asyncio.run(engine.run(actions))
    return outcomes, errors


def state_path_of(site_root: Path, *, sandbox: bool) -> Path:
    """Where a run keeps its state: the site's own file, or the sandbox's separate one."""
    from syndicate.state import state_file

    return state_file(site_root, sandbox=sandbox)


def status(site_dir: Path, *, json_out: bool, sandbox: bool = False) -> int:
    from syndicate import report
    from syndicate.sources import open_site
    from syndicate.state import State

    site = open_site(site_dir)
    state = State.read(state_path_of(site.root, sandbox=sandbox))
    rows = [(key, name, entry.status, entry.url or entry.remote_id or "", entry.last_error or "")
            for key, name, entry in state.entries()]
    if json_out:
        emit_json({"entries": [dict(zip(("post", "platform", "status", "url", "error"), row, strict=True))
                               for row in rows]})
    else:
        report.table("status", ["post", "platform", "status", "where", "last error"], rows)
    return 0


def init(site_dir: Path, platforms: list[str] | None) -> int:
    """Starter syndicate.toml, and every existing post recorded as a baseline."""
    from datetime import date

    from syndicate import planner, report
    from syndicate.config import CONFIG_NAME
    from syndicate.errors import ConfigError
    from syndicate.state import State, StateLock

    if not Path(site_dir).is_dir():  # before writing anything into it
        raise ConfigError(f"no such folder: {site_dir}", key="--site")
    config_path = Path(site_dir) / CONFIG_NAME
    out = report.console()
    if not config_path.exists():
        from syndicate.folders import starter_tables

        starter = STARTER_CONFIG.format(since=date.today().isoformat()) + starter_tables()
        config_path.write_text(starter, encoding="utf-8")
        out.print(f"wrote {config_path}")
    run = open_run(site_dir, platforms, sandbox=False, push=False)
    with StateLock(run.site.root):
        state = State.read(run.state_path)
        actions, errors = planner.plan(run.site, run.adapters, state, run.site.config.model_copy(
            update={"since": None, "max_per_run": None}), run.fingerprints)
        count = planner.baseline(actions, state)
        state.save()
    refresh_plan_memo(site_dir)
    out.print(f"recorded {count} post × platform pair(s) as already published (baseline) in "
              f"{run.state_path.relative_to(run.site.root)}; commit it with your site")
    report.print_errors(errors)
    return 1 if errors else 0


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
        if missing:
            rows.append((name, "not configured", "set " + ", ".join(missing)))
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
    return 1 if bad else 0


def sandbox(directory: Path, *, port: int, faults: float, seed: int | None, latency_ms: float) -> int:
    from syndicate.sandbox.server import run_sandbox

    return run_sandbox(directory, port=port, faults=faults, seed=seed, latency=latency_ms / 1000)
