"""The state file: what went where, so that no post is ever published twice.

``.syndicate/state.json`` in the site, committed with it. For each post key and
platform an entry records status, remote id and URL, hashes of the source and payload,
the attempt id of the last write and its progress. Written atomically (temp file,
fsync, rename, fsync of the folder), sorted and indented for small git diffs, and after
every single outcome. A file this version cannot read (corrupt, or written by a newer
syndicate) stops the run and is never overwritten. A lock file keeps two runs apart.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from syndicate.errors import StateError
from syndicate.layout import STATE_DIR as STATE_DIR
from syndicate.layout import STATE_NAME as STATE_NAME

SCHEMA_VERSION = 1
class Status(StrEnum):
    """Where an entry stands; the file stores the plain strings."""

    PENDING = "pending"
    """A write was started and its result is not known yet (write-ahead)."""
    PUBLISHED = "published"
    UNCERTAIN = "uncertain"
    """It may have gone out and the platform cannot be searched: a person decides."""
    FAILED = "failed"
    BASELINE = "baseline"
    """Existed before syndicate (``syndicate init``): never sent."""


DONE: frozenset[str] = frozenset({Status.PUBLISHED, Status.BASELINE})


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class Entry:
    """One post on one platform."""

    status: str
    source: str = ""
    source_hash: str = ""
    config_hash: str = ""
    payload_hash: str = ""
    remote_id: str | None = None
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    attempt_id: str | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    last_error: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        known = ENTRY_FIELDS
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, "")}


ENTRY_FIELDS = frozenset(f.name for f in fields(Entry))
"""Keys an entry may have; others (from a newer minor version) are dropped on reading."""


class State:
    """The whole state file in memory; ``save`` after each change."""

    def __init__(self, path: Path, posts: dict[str, dict[str, Entry]] | None = None) -> None:
        self.path = path
        self.posts: dict[str, dict[str, Entry]] = posts or {}
        self._by_source: dict[str, dict[str, tuple[str, Entry]]] | None = None

    @classmethod
    def load(cls, site_root: Path) -> State:
        return cls.read(site_root / STATE_DIR / STATE_NAME)

    @classmethod
    def read(cls, path: Path) -> State:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StateError(
                f"{path} is corrupt ({exc}); it was left untouched. Restore it from git "
                f"(git checkout -- {STATE_DIR}/{STATE_NAME}) or move it away to start over "
                "(posts already published would then be published again)") from None
        if not isinstance(data, dict) or not isinstance(data.get("posts", {}), dict):
            raise StateError(f"{path} does not look like a syndicate state file; it was left "
                             "untouched. Restore it from git.")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise StateError(f"{path} has no valid schema version ({version!r}); it was left "
                             "untouched. Restore it from git.")
        if version > SCHEMA_VERSION:
            raise StateError(f"{path} has schema version {version!r}, newer than this syndicate "
                             f"understands ({SCHEMA_VERSION}); upgrade syndicate. The file was left "
                             "untouched.")
        posts: dict[str, dict[str, Entry]] = {}
        try:
            for key, platforms in data.get("posts", {}).items():
                posts[key] = {name: Entry.from_json(entry) for name, entry in platforms.items()}
        except (TypeError, AttributeError) as exc:
            raise StateError(f"{path} has a malformed entry ({exc}); it was left untouched. "
                             "Restore it from git.") from None
        return cls(path, posts)

    def get(self, key: str, platform: str) -> Entry | None:
        return self.posts.get(key, {}).get(platform)

    def put(self, key: str, platform: str, entry: Entry) -> None:
        entry.updated_at = now_iso()
        entry.created_at = entry.created_at or entry.updated_at
        self.posts.setdefault(key, {})[platform] = entry
        self._by_source = None

    def remove(self, key: str, platform: str) -> None:
        self.posts.get(key, {}).pop(platform, None)
        if key in self.posts and not self.posts[key]:
            del self.posts[key]
        self._by_source = None

    def by_source(self, source: str) -> dict[str, tuple[str, Entry]]:
        """Entries whose post was read from ``source``, by platform, with their post key."""
        if self._by_source is None:
            index: dict[str, dict[str, tuple[str, Entry]]] = {}
            for key, platforms in self.posts.items():
                for name, entry in platforms.items():
                    index.setdefault(entry.source or key, {})[name] = (key, entry)
            self._by_source = index
        return self._by_source.get(source, {})

    def entries(self) -> Iterator[tuple[str, str, Entry]]:
        for key in sorted(self.posts):
            for name in sorted(self.posts[key]):
                yield key, name, self.posts[key][name]

    def to_text(self) -> str:
        data = {"version": SCHEMA_VERSION,
                "posts": {key: {name: entry.to_json() for name, entry in platforms.items()}
                          for key, platforms in self.posts.items()}}
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    def save(self) -> None:
        """Atomic replace: a reader (or a crash) sees the old file or the new one, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = self.to_text()
        fd, temp = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


PRIVATE_FILES = "# written by syndicate: only state.json belongs in git\nlock\ncache/\nsandbox/\n"


def keep_private_files_out_of_git(state_dir: Path) -> None:
    """The lock, the plan memo and the sandbox's state live beside the state file; a
    ``git add .syndicate`` must commit the state file alone (an author's own
    ``.gitignore`` there is left as it is)."""
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text(PRIVATE_FILES, encoding="utf-8")


class StateLock:
    """An exclusive lock on the site's state, held for a whole run."""

    def __init__(self, site_root: Path) -> None:
        self.path = site_root / STATE_DIR / "lock"
        self.handle: Any = None

    def __enter__(self) -> StateLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keep_private_files_out_of_git(self.path.parent)
        self.handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "unknown"
            self.handle.close()
            raise StateError(f"another syndicate run holds the lock on {self.path} (pid {holder}); "
                             "wait for it to finish") from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
