"""Writing a throwaway site file by file, for the source tests."""

from __future__ import annotations

from pathlib import Path


def write(root: Path, rel: str, text: str | bytes) -> None:
    """``root/rel`` with ``text`` (bytes as they are, str as UTF-8), folders made as needed."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
