"""syndicate.toml: syndicate's own settings at the site root (no secrets here).

Everything detected from the generator's config (base URL, permalink...) may be
overridden in ``[site]``. ``[platforms.<name>]`` holds the options common to every
platform (enabled, site-only parts, footer) and the adapter's non-secret settings.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from syndicate.errors import ConfigError

CONFIG_NAME = "syndicate.toml"


class SiteOverrides(BaseModel):
    """Values that replace what was detected from _config.yml / hugo.toml."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = Field(default=None, pattern="^(jekyll|hugo|folder)$")
    url: str | None = None
    baseurl: str | None = None
    permalink: str | None = None
    timezone: str | None = None
    posts_dir: str | None = None
    """For a plain Markdown folder: where the posts are (default: the site root)."""
    excerpt_separator: str | None = None
    language: str | None = None
    author: str | None = None


class Parts(BaseModel):
    """Site-only parts: what to drop or replace before a post leaves the site."""

    model_config = ConfigDict(extra="forbid")

    drop: list[str] = Field(default_factory=list)
    """CSS selectors whose elements are removed."""
    replace: dict[str, str] = Field(default_factory=dict)
    """CSS selector → HTML that replaces each match."""
    footer: str | None = None
    """Template appended to the body; fields: {canonical_url} {title} {site_url}."""


COMMON_PLATFORM_KEYS = frozenset({"enabled", "drop", "replace", "footer"})


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

    def parts_for(self, platform: str) -> Parts:
        """Global parts rules merged with the platform's own (platform footer wins)."""
        table = self.platforms.get(platform, {})
        try:
            own = Parts(**{k: v for k, v in table.items() if k in ("drop", "replace", "footer")})
        except ValidationError as exc:
            raise ConfigError(str(exc), source=CONFIG_NAME, key=f"platforms.{platform}") from None
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
        return None if value is None else bool(value)


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
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False))
        raise ConfigError(problems, source=str(path)) from None
