"""``syndicate init``: set a blog up so that its first push sends only what is new.

It asks (on a terminal) which platforms to use, writes ``syndicate.toml``, a ``.env``
with just those platforms' variables, ``.env.example`` with every installed platform's,
keeps ``.env`` out of git, records every existing post as a baseline, and says what to
run next. Every platform's part comes from the registry: nothing here names one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from syndicate import registry
from syndicate.adapter import Adapter
from syndicate.config import CONFIG_NAME
from syndicate.errors import ConfigError

ENV_NAME = ".env"
ENV_EXAMPLE_NAME = ".env.example"
ENV_HEADER = """\
# syndicate reads secrets ONLY from the environment or from this .env file at the site root.
# Never commit .env (in a git repository, syndicate init lists it in .gitignore).
# Fill in the platforms you use: one with any value set is expected to have all of them.
# Non-secret settings (chat id, mode, status...) may also live in syndicate.toml [platforms.<name>].
"""
NEXT_STEPS = (
    ("syndicate check", "fill in .env, then check the credentials (nothing is posted)"),
    ("syndicate plan", "what a push would send: only posts new since today"),
    ("syndicate push", "send it; run it again and nothing happens"),
)


def env_block(cls: type[Adapter[Any]]) -> str:
    """The platform's part of .env.example: its folder's ``env.example`` when it has one,
    else the variables its settings model requires, with empty values."""
    from syndicate.folders import env_block as folder_block

    text = folder_block(cls)
    if text.strip():
        return text.rstrip() + "\n"
    model = cls.settings_model
    fields = [*model.required_for_push, *(f for f in model.secret_fields()
                                          if f not in model.required_for_push)]
    lines = [f"# --- {cls.name} " + "-" * max(3, 80 - len(cls.name))]
    lines += [f"{model.env_prefix()}{name.upper()}=" for name in fields]
    return "\n".join(lines) + "\n"


def env_text(names: Sequence[str], *, blank: bool = False) -> str:
    """The blocks of ``names``; ``blank``: example values become comments, so a platform the
    user does not fill in stays off instead of half-configured."""
    available = registry.available()
    text = ENV_HEADER + "".join("\n" + env_block(available[name]) for name in names)
    if not blank:
        return text
    lines = []
    for line in text.splitlines():
        name, eq, value = line.partition("=")
        if eq and not line.lstrip().startswith("#") and value.strip():
            lines += [f"# e.g. {name}={value}", f"{name}="]
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    """A value as TOML (JSON's strings, numbers and lists are TOML too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, default=str)


def platform_tables(chosen: Sequence[str] | None) -> list[str]:
    """The folders' commented ``[platforms.<name>]`` tables, for the chosen platforms only."""
    from syndicate.folders import starter_tables

    blocks = [block.strip("\n") for block in starter_tables().split("\n\n") if block.strip()]
    if chosen is not None:
        wanted = {f"# [platforms.{name}]" for name in chosen}
        blocks = [block for block in blocks if block.splitlines()[0].strip() in wanted]
    return blocks


def top_settings(since: str, chosen: Sequence[str] | None) -> list[str]:
    """The top-level part of the starter syndicate.toml, one setting a few lines each."""
    known = list(registry.available())
    lines = [
        "# Posts dated before this are never sent (a first run must not flood your followers).",
        f"since = {since}",
        "# At most this many creates and updates per run.",
        "max_per_run = 20",
        "# The platforms to use; the others stay off even if their variables are set.",
    ]
    if chosen is not None:
        lines.append(f"platforms_enabled = {toml_value(list(chosen))}")
    else:
        lines.append(f"# platforms_enabled = {toml_value(known)}")
    return lines


def starter_config(since: str, chosen: Sequence[str] | None) -> str:
    parts = [
        "# syndicate's settings for this site. Secrets never go here: they go in .env.",
        *top_settings(since, chosen),
        "",
        "[parts]",
        "# CSS selectors of site-only parts to drop before a post leaves the site, e.g.:",
        '# drop = [".donate-button", "#comments"]',
        '# footer = "Originally published at {canonical_url}"',
    ]
    parts += ["", "# Per platform: enabled, drop, replace, footer and the platform's own settings."]
    for block in platform_tables(chosen):
        parts += ["", block]
    return "\n".join(parts) + "\n"


def ask_platforms(known: Sequence[str]) -> list[str]:
    """On a terminal: which platforms to use (Enter: all of them)."""
    import typer

    answer: str = typer.prompt(f"Platforms to use ({', '.join(known)}; comma-separated)",
                               default=",".join(known))
    chosen = [part.strip().lower() for part in answer.replace(" ", ",").split(",") if part.strip()]
    for name in chosen:
        registry.get(name)  # a typo is an error naming the known ones
    return [name for name in known if name in chosen]


def interactive() -> bool:
    """Is someone at a terminal to answer a question?"""
    return sys.stdin.isatty()


def keep_env_out_of_git(root: Path) -> bool:
    """Add ``.env`` to the site's .gitignore when the site is in git; True if it was added."""
    ignore = root / ".gitignore"
    in_git = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                            capture_output=True, text=True, check=False).returncode == 0
    if not (in_git or ignore.exists()):
        return False
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.exists() else []
    if any(line.strip() in (ENV_NAME, "/" + ENV_NAME, "*.env", ".env*") for line in lines):
        return False
    with ignore.open("a", encoding="utf-8") as handle:
        if lines and lines[-1].strip():
            handle.write("\n")
        handle.write("# secrets for syndicate: never commit them\n.env\n")
    return True


def init_site(site_dir: Path, platforms: list[str] | None, *, ask: bool | None = None) -> int:
    from syndicate import planner, report
    from syndicate.state import State, StateLock
    from syndicate.workflow import open_run

    root = Path(site_dir)
    if not root.is_dir():  # before writing anything into it
        raise ConfigError(f"no such folder: {site_dir}", key="--site")
    out = report.console()
    out.soft_wrap = True  # sentences and commands to copy: never broken at 80 columns
    known = list(registry.available())
    chosen: list[str] | None = None
    if platforms:
        wanted = {name.lower() for name in platforms}
        for name in wanted:
            registry.get(name)
        chosen = [name for name in known if name in wanted]
    elif ask if ask is not None else interactive():
        chosen = ask_platforms(known)
    config_path = root / CONFIG_NAME
    if not config_path.exists():
        config_path.write_text(starter_config(date.today().isoformat(), chosen), encoding="utf-8")
        from syndicate.render.generator import record_render_choice

        record_render_choice(config_path)  # which renderer builds post bodies (a setting)
        out.print(f"wrote {config_path}")
    names = chosen if chosen is not None else known
    for name, text in ((ENV_EXAMPLE_NAME, env_text(known)), (ENV_NAME, env_text(names, blank=True))):
        path = root / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            out.print(f"wrote {path}" + (f" (variables of {', '.join(names)})" if name == ENV_NAME else ""))
    if keep_env_out_of_git(root):
        out.print(f"added {ENV_NAME} to {root / '.gitignore'}")
    run = open_run(root, chosen, sandbox=False, push=False)
    with StateLock(run.site.root):
        state = State.read(run.state_path)
        actions, errors = planner.plan(run.site, run.adapters, state, run.site.config.model_copy(
            update={"since": None, "max_per_run": None}), run.fingerprints)
        count = planner.baseline(actions, state)
        state.save()
    out.print(f"recorded {count} post × platform pair(s) as already published (baseline) in "
              f"{run.state_path.relative_to(run.site.root)}; commit it with your site")
    report.print_errors(errors)
    site_arg = "" if root.resolve() == Path.cwd().resolve() else f" --site {site_dir}"
    out.print("next:")
    for command, why in NEXT_STEPS:
        out.print(f"  {command}{site_arg}   [dim]# {why}[/dim]")
    return 1 if errors else 0
