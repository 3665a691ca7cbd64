"""Machine-readable output: JSON on stdout, through the secret mask (no Rich needed)."""

from __future__ import annotations

import json
import sys
from typing import Any

from syndicate.redact import redact


def emit_json(data: Any) -> None:
    sys.stdout.write(redact(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n")
