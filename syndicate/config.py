"""syndicate.toml: syndicate's own settings at the site root (no secrets here).

Everything detected from the generator's config (base URL, permalink...) may be
overridden in ``[site]``. ``[platforms.<name>]`` holds the options common to every
platform (enabled, site-only parts, footer) and the adapter's non-secret settings.
"""

from __future__ import annotations

import string
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from syndicate.errors import ConfigError

CONFIG_NAME = "syndicate.toml"


class SiteOverrides(BaseModel):
    """Values that replace what was detected from _config.yml / hugo.toml."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = Field(default=None, pattern="^(jekyll|hugo|folder|feed)$")
    feed: str | None = None
    """For ``kind = "feed"``: the feed's http(s) URL, or a path relative to the site root."""
    url: str | None = None
    baseurl: str | None = None
    permalink: str | None = None
    timezone: str | None = None
    posts_dir: str | None = None
    """For a plain Markdown folder: where the posts are (default: the site root)."""
    excerpt_separator: str | None = None
    language: str | None = None
    author: str | None = None
    render: str = Field(default="builtin", pattern="^(builtin|generator)$")
    """Who renders post bodies: syndicate's own renderer, or the site's Jekyll/Hugo
    (``syndicate.render``); ``syndicate init`` picks one."""


class Parts(BaseModel):
    """Site-only parts: what to drop or replace before a post leaves the site."""

    model_config = ConfigDict(extra="forbid")

    drop: list[str] = Field(default_factory=list)
    """CSS selectors whose elements are removed."""
    replace: dict[str, str] = Field(default_factory=dict)
    """CSS selector → HTML that replaces each match."""
    footer: str | None = None
    """Template appended to the body; fields: {canonical_url} {title} {site_url}."""

    @field_validator("drop")
    @classmethod
    def _drop_selectors_compile(cls, value: list[str]) -> list[str]:
        for selector in value:
            check_selector(selector)
        return value

    @field_validator("replace")
    @classmethod
    def _replace_selectors_compile(cls, value: dict[str, str]) -> dict[str, str]:
        for selector in value:
            check_selector(selector)
        return value

    @field_validator("footer")
    @classmethod
    def _footer_fields_known(cls, value: str | None) -> str | None:
        if value is not None:
            check_footer(value)
        return value


FOOTER_FIELDS = ("canonical_url", "title", "site_url")


def check_selector(selector: str) -> None:
    """A bad selector must stop the run here, as a config error, not crash the first post."""
    import soupsieve

    try:
        soupsieve.compile(selector)
    except (soupsieve.SelectorSyntaxError, TypeError) as exc:
        first = str(exc).splitlines()[0]
        raise ValueError(f"invalid CSS selector '{selector}': {first}") from None


def check_footer(template: str) -> None:
    """Only plain ``{name}`` fields: anything else would fail (or reach into objects) when
    every post is rendered; ``{{`` and ``}}`` stand for literal braces."""
    hint = f"use only {', '.join('{' + name + '}' for name in FOOTER_FIELDS)}, and '{{{{' for a literal '{{'"
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)
                  if name is not None]
    except ValueError as exc:
        raise ValueError(f"footer template: {exc}; {hint}") from None
    for name, spec, conversion in fields:
        if name not in FOOTER_FIELDS:
            raise ValueError(f"footer template: unknown field '{{{name}}}'; {hint}")
        if spec or conversion:
            raise ValueError(f"footer template: '{{{name}}}' takes no '!' conversion or ':' format")


def describe(exc: ValidationError) -> str:
    """Pydantic's report as one line: ``where: what`` per problem, no URLs or input echoes."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in error["loc"])
        if error["type"] == "extra_forbidden" and len(error["loc"]) == 1:
            known = ", ".join(name for name in SyndicateConfig.model_fields)
            problems.append(f"unknown key '{where}'; known keys: {known}")
            continue
        what = error["msg"].removeprefix("Value error, ")
        problems.append(what if what.startswith(where + ".") else f"{where}: {what}")
    return "; ".join(problems)


PARTS_KEYS = frozenset(Parts.model_fields)
COMMON_PLATFORM_KEYS = frozenset({"enabled", *PARTS_KEYS})


def own_parts(table: dict[str, Any]) -> Parts:
    """The parts rules a ``[platforms.<name>]`` table sets for that platform alone."""
    return Parts(**{k: v for k, v in table.items() if k in PARTS_KEYS})


class SyndicateConfig(BaseModel):
    """The parsed syndicate.toml (all optional: a site with none still works)."""

    model_config = ConfigDict(extra="forbid")

    since: date | None = None
    """Posts dated before this are never new (a first run must not flood followers)."""
    max_per_run: int | None = Field(default=None, ge=1)
    platforms_enabled: list[str] | None = Field(default=None, alias="platforms_enabled")
    site: SiteOverrides = Field(default_factory=SiteOverrides)
    parts: Parts = Field(default_factory=Parts)
    platforms: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("platforms")
    @classmethod
    def _common_keys_valid(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """``enabled`` and the parts keys are checked here, when the file is read: a string
        ``enabled = "no"`` would otherwise count as true, and a bad selector crash a post."""
        for name, table in value.items():
            enabled = table.get("enabled")
            if enabled is not None and not isinstance(enabled, bool):
                raise ValueError(f"platforms.{name}.enabled: expected true or false, "
                                 f"found {enabled!r}")
            try:
                own_parts(table)
            except ValidationError as exc:
                raise ValueError(f"platforms.{name}.{describe(exc)}") from None
        return value

    def parts_for(self, platform: str) -> Parts:
        """Global parts rules merged with the platform's own (platform footer wins)."""
        table = self.platforms.get(platform, {})
        try:
            own = own_parts(table)
        except ValidationError as exc:
            raise ConfigError(describe(exc), source=CONFIG_NAME, key=f"platforms.{platform}") from None
        return Parts(
            drop=[*self.parts.drop, *own.drop],
            replace={**self.parts.replace, **own.replace},
            footer=own.footer if own.footer is not None else self.parts.footer,
        )

    def adapter_table(self, platform: str) -> dict[str, Any]:
        """The adapter's own settings from ``[platforms.<name>]`` (common keys removed)."""
        return {k: v for k, v in self.platforms.get(platform, {}).items()
                if k not in COMMON_PLATFORM_KEYS}

    def platform_enabled(self, platform: str) -> bool | None:
        """True/False if the toml says so, None if it is silent."""
        value = self.platforms.get(platform, {}).get("enabled")
        return value if isinstance(value, bool) else None


def load_config(site_root: Path) -> SyndicateConfig:
    """Read ``syndicate.toml`` at the site root; a missing file means defaults."""
    path = site_root / CONFIG_NAME
    if not path.is_file():
        return SyndicateConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8; save it as UTF-8", source=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", source=str(path)) from None
    try:
        return SyndicateConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe(exc), source=str(path)) from None
