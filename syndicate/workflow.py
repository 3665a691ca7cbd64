"""Composition: which platforms run, with which settings, and what each post becomes there.

The CLI, the GitHub Action command and the preview site all go through these few
functions, so "what would be sent" is computed by one code path everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from syndicate import redact, registry
from syndicate.adapter import Adapter, Payload
from syndicate.config import SyndicateConfig
from syndicate.errors import ConfigError
from syndicate.post import Post

if TYPE_CHECKING:
    from syndicate.sandbox.router import Sandbox
    from syndicate.sources import Site

AnyAdapter = Adapter[Any]


def select_platforms(
    config: SyndicateConfig, requested: list[str] | None, *, preview: bool = False
) -> list[str]:
    """The platforms a command works on, in registry order.

    ``--platform`` wins; then ``platforms_enabled`` in syndicate.toml; else every
    installed adapter not switched off with ``[platforms.<name>] enabled = false``.
    A push later narrows this to the platforms whose credentials are present.
    """
    known = registry.available()
    check_platform_tables(config, known)
    if requested:
        wanted = {name.lower() for name in requested}  # -p Telegram is telegram
        for name in wanted:
            registry.get(name)  # raises a ConfigError listing the known names
        return [name for name in known if name in wanted]
    if config.platforms_enabled is not None:
        for name in config.platforms_enabled:
            registry.get(name)
        return [name for name in known if name in config.platforms_enabled]
    return [name for name in known if config.platform_enabled(name) is not False]


def check_platform_tables(config: SyndicateConfig, known: Mapping[str, object]) -> None:
    """A ``[platforms.<name>]`` table for no installed adapter is a typo (or a missing
    package): left silent, its settings would simply never apply."""
    from syndicate.config import CONFIG_NAME

    for name in config.platforms:
        if name not in known:
            raise ConfigError(f"unknown platform '{name}'; known platforms: {', '.join(known)} "
                              "(fix the table's name, or install the adapter's package)",
                              source=CONFIG_NAME, key=f"platforms.{name}")


def load_adapters(
    site_root: Path,
    config: SyndicateConfig,
    names: list[str],
    *,
    overrides: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, AnyAdapter]:
    """Instantiate each adapter with settings from syndicate.toml, the environment and .env."""
    adapters: dict[str, AnyAdapter] = {}
    for name in names:
        cls = registry.get(name)
        settings = cls.settings_model.load(
            config.adapter_table(name), site_root / ".env", (overrides or {}).get(name))
        for secret_name in settings.secret_fields():
            secret = getattr(settings, secret_name)
            if secret is not None:
                redact.register(secret.get_secret_value())
        adapters[name] = cls(settings)
    return adapters


SETUP_HINT = "see .env.example, or try it with --sandbox"


@dataclass(frozen=True)
class Readiness:
    """Which platforms can push, which were meant to and cannot, and which nobody set up."""

    ready: dict[str, AnyAdapter]
    unconfigured: dict[str, list[str]]
    """Enabled (by syndicate.toml, --platform, or some of their settings being present)
    but missing settings: platform → the variables still to set. Never silently ignored."""
    unused: list[str]
    """Nothing set and not asked for: not a problem, simply not in use."""

    def problems(self) -> list[str]:
        return [f"{name}: not configured; set {', '.join(missing)}"
                for name, missing in self.unconfigured.items()]


def enabled_on_purpose(name: str, adapter: AnyAdapter, config: SyndicateConfig,
                       requested: list[str] | None) -> bool:
    """Did the user say they want this platform, in any of the ways one can say it?"""
    if requested:
        return True
    if config.platforms_enabled is not None or config.platform_enabled(name) is True:
        return True
    # A value, not just a line: the .env that init writes lists every variable empty.
    given = any(getattr(adapter.settings, f) for f in adapter.settings.model_fields_set)
    return bool(config.adapter_table(name)) or given


def readiness(adapters: Mapping[str, AnyAdapter], config: SyndicateConfig,
              requested: list[str] | None) -> Readiness:
    ready: dict[str, AnyAdapter] = {}
    unconfigured: dict[str, list[str]] = {}
    unused: list[str] = []
    for name, adapter in adapters.items():
        missing = adapter.settings.missing()
        if not missing:
            ready[name] = adapter
        elif enabled_on_purpose(name, adapter, config, requested):
            unconfigured[name] = missing
        else:
            unused.append(name)
    return Readiness(ready, unconfigured, unused)


def require_credentials(adapters: Mapping[str, AnyAdapter], *, explicit: bool) -> dict[str, AnyAdapter]:
    """Keep the adapters that can push; if the user named platforms, missing settings are errors."""
    ready: dict[str, AnyAdapter] = {}
    problems: list[str] = []
    for name, adapter in adapters.items():
        missing = adapter.settings.missing()
        if missing:
            problems.append(f"{name}: set {', '.join(missing)}")
        else:
            ready[name] = adapter
    if (explicit and problems) or not ready:
        hint = f" ({SETUP_HINT})"
        raise ConfigError("; ".join(problems) + hint if problems else "no platform enabled" + hint)
    return ready


LINK_BACK = "Originally published at {canonical_url}"
"""The footer a full-text copy gets on a platform with no canonical-URL field, unless
``[parts] footer`` or the platform's ``footer`` says otherwise (``footer = ""``: none).
Left out of ``config_fingerprint`` on purpose: upgrading must not edit old copies; a post
gets it the next time it is edited."""


def payload_for(adapter: AnyAdapter, post: Post, config: SyndicateConfig) -> Payload:
    """The exact payload ``adapter`` would send for ``post``: overrides, site parts, render."""
    from syndicate.tailor import tailor

    parts = config.parts_for(adapter.name)
    if parts.footer is None and not adapter.capabilities.links_back:
        parts = parts.model_copy(update={"footer": LINK_BACK})
    tailored = tailor(post.for_platform(adapter.name), adapter.name, parts)
    return adapter.render(tailored)


def config_fingerprint(adapter: AnyAdapter, config: SyndicateConfig) -> str:
    """A hash of everything besides the post that shapes the payload (non-secret only).

    When it changes, unchanged posts are rendered again to see if their payload moved.
    syndicate's own version is deliberately left out: upgrading syndicate must not edit
    every old post on every platform; a post is re-rendered when it or its settings change.
    """
    import hashlib
    import json

    settings = adapter.settings.model_dump(mode="json", exclude=set(adapter.settings.secret_fields()))
    blob = json.dumps(
        {"settings": settings,
         "parts": config.parts_for(adapter.name).model_dump(mode="json")},
        sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def secret_env_names() -> list[str]:
    """Every environment variable that holds a secret of an installed adapter."""
    names: list[str] = []
    for cls in registry.available().values():
        model = cls.settings_model
        names.extend(f"{model.env_prefix()}{field.upper()}" for field in model.secret_fields())
    return sorted(names)


SANDBOX_DIR = "sandbox"
"""Inside the state folder: the sandbox's own state file and what its fakes hold (the
same name as ``syndicate.state.SANDBOX_DIR``, which this module does not import eagerly)."""


@dataclass
class Run:
    """Everything one command needs about the site and its platforms."""

    site: Site
    adapters: dict[str, AnyAdapter]
    fingerprints: dict[str, str]
    state_path: Path
    transports: dict[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    sandbox: Sandbox | None = None
    unconfigured: dict[str, list[str]] = field(default_factory=dict)
    """Platforms meant to be used that lack settings (see ``Readiness``); left out of
    ``adapters`` when the run only takes ready platforms."""
    unused: list[str] = field(default_factory=list)


def sandbox_overrides(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """``SYNDICATE_<PLATFORM>__<FIELD>=value`` lines → per-platform settings overrides."""
    overrides: dict[str, dict[str, Any]] = {}
    for name, value in env.items():
        platform, _, setting = name.removeprefix("SYNDICATE_").partition("__")
        if not setting:  # SYNDICATE_SANDBOX itself: a marker, no platform's setting
            continue
        overrides.setdefault(platform.lower(), {})[setting.lower()] = value
    return overrides


def state_path_of(site_root: Path, *, sandbox: bool) -> Path:
    """Where a run keeps its state: the site's own file, or the sandbox's separate one."""
    from syndicate.state import state_file

    return state_file(site_root, sandbox=sandbox)


def open_run(site_dir: Path, platforms: list[str] | None, *, sandbox: bool, push: bool,
             ready_only: bool = False) -> Run:
    """Site, adapters with their settings, and (with ``sandbox``) in-process fakes of every platform.

    ``ready_only`` (plan): keep only platforms that can push, so a plan never lists what a
    push will not do; the others are reported through ``Run.unconfigured``. ``push``: the
    same, and a platform named with ``--platform`` that cannot push is an error.
    """
    from syndicate.layout import STATE_DIR
    from syndicate.sources import open_site

    site = open_site(site_dir)
    names = select_platforms(site.config, platforms)
    state_path = state_path_of(site.root, sandbox=sandbox)
    transports: dict[str, httpx.AsyncBaseTransport] = {}
    box = None
    overrides = None
    if sandbox:
        from syndicate.sandbox.server import Sandbox

        box = Sandbox(site.root / STATE_DIR / SANDBOX_DIR / "fakes")
        overrides = sandbox_overrides(box.settings_env("http://sandbox.invalid"))
        transports = {name: box.transport() for name in names}
    adapters = load_adapters(site.root, site.config, names, overrides=overrides)
    ready = readiness(adapters, site.config, platforms)
    if push and platforms and ready.unconfigured:
        raise ConfigError("; ".join(ready.problems()) + f" ({SETUP_HINT})")
    if push or ready_only:
        adapters = ready.ready
    fingerprints = {name: config_fingerprint(a, site.config) for name, a in adapters.items()}
    return Run(site, adapters, fingerprints, state_path, transports, box,
               ready.unconfigured, ready.unused)
