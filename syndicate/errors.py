"""The exception tree. Retry and plan decisions are made by class, never by message text.

    SyndicateError                  anything syndicate reports to the user
    ├── ConfigError                 bad syndicate.toml / _config.yml / settings  → exit 2
    ├── SourceError                 one post cannot be read (file, line, field, fix) → that post only
    ├── StateError                  state file corrupt, newer, or locked          → stop, never overwrite
    └── PlatformError               one request to one platform failed
        ├── Transient               5xx, or connection refused before anything was sent → retry
        │   └── RateLimited         429 / flood wait; carries retry_after seconds        → retry after it
        ├── Rejected                4xx: the payload is wrong; no retry; says what to change
        ├── AuthFailed              credentials missing, wrong or ignored; no retry
        └── Ambiguous               the write may have been applied (timeout after sending,
                                    connection reset): never blindly repeated; reconciled by find()

Messages are written for the person running syndicate: what failed, where, and what to do.
"""

from __future__ import annotations


class SyndicateError(Exception):
    """Base of every error syndicate reports; ``str()`` is the message a user sees."""


class ConfigError(SyndicateError):
    """Configuration cannot be used. Names the file and key (or env variable) to fix."""

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None) -> None:
        self.source = source
        self.key = key
        where = ":".join(part for part in (source, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


class SourceError(SyndicateError):
    """One post could not be read; the rest of the site still goes out."""

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.fix = fix
        self.reason = message
        where = path if line is None else f"{path}:{line}"
        text = f"{where}: {message}"
        if field:
            text += f" (field '{field}')"
        if fix:
            text += f" — {fix}"
        super().__init__(text)


class StateError(SyndicateError):
    """The state file cannot be trusted or taken; the run stops before any write."""


class PlatformError(SyndicateError):
    """A request to a platform failed. ``platform`` is the registry name."""

    def __init__(self, platform: str, message: str, *, status: int | None = None) -> None:
        from syndicate.redact import redact

        self.platform = platform
        self.status = status
        super().__init__(redact(f"{platform}: {message}"))


class Transient(PlatformError):
    """Worth retrying: the server failed or nothing reached it."""


class Unreachable(Transient):
    """Nothing reached the platform (connection refused, DNS, connect timeout): the next
    post to the same host would only wait out the same failure, so a run stops there."""


class RateLimited(Transient):
    """The platform asked us to slow down; wait ``retry_after`` seconds (None: unknown)."""

    def __init__(
        self, platform: str, message: str, *, retry_after: float | None, status: int | None = 429
    ) -> None:
        self.retry_after = retry_after
        super().__init__(platform, message, status=status)


class Rejected(PlatformError):
    """The platform refused the payload; repeating it cannot help."""


class AuthFailed(PlatformError):
    """Credentials are missing, wrong, or silently ignored by the server."""


class Ambiguous(PlatformError):
    """The write may or may not have happened; only find() can tell."""
