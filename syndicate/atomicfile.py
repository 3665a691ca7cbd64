"""One way to replace a file so that a reader, or a crash, sees the old bytes or the new ones.

The state file, the plan memo and the sandbox's fakes all write through ``write_atomic``:
a temporary file in the same folder, flushed and fsynced, renamed over the target, then
the folder fsynced so the rename itself survives a power cut. Standard library only, so
the quick ``plan`` path can use it without importing anything heavy.
"""

from __future__ import annotations

import os
import tempfile


def write_atomic(path: str | os.PathLike[str], text: str, *, durable: bool = True) -> os.stat_result:
    """Replace ``path`` with ``text`` (UTF-8) in one step; returns the new file's stat.

    ``durable=False`` skips the fsyncs, for files that only cost time when lost (caches).
    The stat lets a caller recognise later whether the file is still the one it wrote.
    """
    target = os.fspath(path)
    folder = os.path.dirname(target) or "."
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(target)
    fd, temp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        written = os.stat(temp)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    if durable:
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return written
