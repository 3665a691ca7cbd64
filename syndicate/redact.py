"""Keep secrets out of everything a person or a file can see.

Settings hold secrets as ``SecretStr``, but a token can still travel inside a URL
(Telegram puts it in the path) or an error message. Every secret value loaded is
registered here; ``redact`` masks them in any text, and ``RedactingFilter`` does so for
log records. PlatformError applies it to every message, so errors, logs, previews and
the state file all pass through one mask.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def register(secret: str | None) -> None:
    """Remember a secret value so it is masked from now on (values under 4 chars are ignored)."""
    global _pattern
    if not secret or len(secret) < 4:
        return
    from base64 import b64encode
    from urllib.parse import quote, quote_plus

    with _lock:
        # every form a secret takes on its way out: as typed, without its blanks, and
        # percent-encoded (in a URL path or query), so a verbose log never shows it either
        variants = {secret, secret.replace(" ", ""), quote(secret, safe=""), quote(secret),
                    quote_plus(secret), quote_plus(secret, safe="/"),
                    b64encode(secret.encode()).decode()}
        if variants <= _secrets:
            return
        _secrets.update(v for v in variants if len(v) >= 4)
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    pattern = _pattern
    return pattern.sub(MASK, text) if pattern is not None and text else text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the final message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
