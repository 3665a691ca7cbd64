"""Typed per-platform settings: secrets from the environment or ``.env`` only.

Each adapter declares a subclass; its env prefix follows the one-name rule
(``SYNDICATE_TELEGRAM__BOT_TOKEN``). Non-secret values may also come from the
``[platforms.<name>]`` table of ``syndicate.toml``; a secret found there is an error,
because that file is committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from syndicate.errors import ConfigError

UNSAFE_IN_TOKENS = frozenset(" \t\r\n#?/%")
"""Characters that silently change a request when a token travels in a URL or a header
(``#`` ends the path, ``?`` starts a query, a space is percent-encoded, ...)."""


def url_safe_token(value: SecretStr | None, name: str) -> SecretStr | None:
    """The token as given, or a ValueError naming the problem (never the token itself)."""
    if value is None:
        return None
    text = value.get_secret_value()
    bad = sorted({repr(c) for c in text if c in UNSAFE_IN_TOKENS or not c.isprintable()})
    if bad:
        raise ValueError(f"{name} contains {', '.join(bad)}, which no real token has and which "
                         "would change the request it travels in; copy it again, without "
                         "quotes or line ends")
    return value


class PlatformSettings(BaseSettings):
    """Base of every adapter's settings model."""

    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")
    # Not "forbid": with it pydantic-settings rejects every line of a shared .env that
    # belongs to another platform. Unknown keys in syndicate.toml are caught in ``load``.

    platform_name: ClassVar[str] = ""
    required_for_push: ClassVar[tuple[str, ...]] = ()
    """Fields that must be set before anything can be sent (preview works without them)."""
    base_url: str = ""

    def missing(self) -> list[str]:
        """Environment variables still to set before this platform can push."""
        return [f"{self.env_prefix()}{name.upper()}" for name in self.required_for_push
                if not getattr(self, name)]

    @classmethod
    def env_prefix(cls) -> str:
        return f"SYNDICATE_{cls.platform_name.upper()}__"

    @classmethod
    def secret_fields(cls) -> list[str]:
        return [name for name, f in cls.model_fields.items() if f.annotation in (SecretStr, SecretStr | None)]

    @classmethod
    def load(
        cls, table: dict[str, Any], env_file: Path | None, overrides: dict[str, Any] | None = None
    ) -> PlatformSettings:
        """Build settings from a toml table plus the environment; errors name what to set.

        ``overrides`` (the sandbox's endpoints and throwaway credentials) win over both.
        """
        unknown = sorted(set(table) - set(cls.model_fields))
        if unknown:
            raise ConfigError(
                f"unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(cls.model_fields))}",
                source="syndicate.toml", key=f"platforms.{cls.platform_name}.{unknown[0]}")
        for secret in cls.secret_fields():
            if secret in table:
                raise ConfigError(
                    f"'{secret}' is a secret and must not be in syndicate.toml; "
                    f"set {cls.env_prefix()}{secret.upper()} in the environment or .env instead",
                    source="syndicate.toml", key=f"platforms.{cls.platform_name}.{secret}")
        try:
            return cls(
                _env_prefix=cls.env_prefix(),  # type: ignore[call-arg]
                _env_file=str(env_file) if env_file and env_file.is_file() else None,
                **{**table, **(overrides or {})},
            )
        except ValidationError as exc:
            problems = []
            for err in exc.errors(include_input=False, include_url=False):
                name = ".".join(str(p) for p in err["loc"])
                problems.append(
                    f"{name}: {err['msg']} (set {cls.env_prefix()}{name.upper()} or "
                    f"[platforms.{cls.platform_name}] {name} in syndicate.toml)")
            raise ConfigError("; ".join(problems), source=f"settings for {cls.platform_name}") from None
