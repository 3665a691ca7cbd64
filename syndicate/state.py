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
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from syndicate.atomicfile import write_atomic
from syndicate.errors import StateError
from syndicate.layout import SANDBOX_ENV
from syndicate.layout import STATE_DIR as STATE_DIR
from syndicate.layout import STATE_NAME as STATE_NAME

SCHEMA_VERSION = 2
"""2 adds the site the file belongs to and the account of each slot; 1 is read as is."""
SANDBOX_DIR = "sandbox"
Status = Literal["pending", "published", "uncertain", "failed", "baseline"]
STATUSES: frozenset[str] = frozenset({"pending", "published", "uncertain", "failed", "baseline"})
DONE: frozenset[str] = frozenset({"published", "baseline"})
IN_FLIGHT = "in_flight"
"""Progress key the engine keeps: true from the moment a write leaves until its answer is
recorded; a pending entry without a request in flight resumes by itself."""


def post_fingerprint(title: str, date: str) -> str:
    """What a post is called and when, hashed: survives a rename and an edit of the body."""
    return hashlib.sha256(f"{title.strip()}\n{date}".encode()).hexdigest()[:16]


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
    post_fingerprint: str = ""
    """Hash of the post's title and date (``post_fingerprint``): a new file with the same
    title and date, while this entry's file is gone, is this post renamed and edited."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        known = ENTRY_FIELDS
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, "")}

    @property
    def in_flight(self) -> bool:
        """Whether a request of this pending create may have gone out unanswered. Entries
        from before this was recorded say nothing, and are taken to be in flight."""
        return bool(self.progress.get(IN_FLIGHT, True))


ENTRY_FIELDS = frozenset(f.name for f in fields(Entry))
"""Keys an entry may have; others (from a newer minor version) are dropped on reading."""


class State:
    """The whole state file in memory; ``save`` after each change.

    The file belongs to one site (its URL and source kind) and each entry to one account
    (``Adapter.account()``). Entries live in *slots*: ``telegram`` for the first account
    the file met, ``telegram@<digest>`` for any other. ``bind`` points a platform at its
    account's slot, so ``get``/``put``/``entries`` never see another account's record.
    """

    def __init__(self, path: Path, posts: dict[str, dict[str, Entry]] | None = None, *,
                 site: dict[str, str] | None = None,
                 accounts: dict[str, str] | None = None) -> None:
        self.path = path
        self.posts: dict[str, dict[str, Entry]] = posts or {}
        self.site: dict[str, str] = dict(site or {})
        self.accounts: dict[str, str] = dict(accounts or {})
        """Slot name → the account its entries were made on."""
        self.slots: dict[str, str] = {}
        """Platform → its slot for this run (unbound platforms use their own name)."""
        self.identity: tuple[int, int] | None = None
        """(device, inode) of the file as read or last written; a save checks it is unchanged."""
        self.tracked = False
        """Whether ``identity`` is known (a state built in memory has not seen the file yet)."""
        self.binds_accounts = path.parent.name != SANDBOX_DIR
        """The sandbox's own file holds one throwaway account per platform, whatever its port."""
        self._by_source: dict[str, dict[str, tuple[str, Entry]]] | None = None

    @classmethod
    def load(cls, site_root: Path) -> State:
        return cls.read(state_file(site_root))

    @classmethod
    def read(cls, path: Path) -> State:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise StateError(f"{path} is not a regular file (a symlink, folder or device); it was "
                             "left untouched. Put the real state file there (restore it from git: "
                             f"git checkout -- {STATE_DIR}/{STATE_NAME})")
        if not path.exists():
            fresh = cls(path)
            fresh.tracked = True  # the file must still be absent at the first save
            return fresh
        try:
            raw = path.read_bytes()
            identity = os.stat(path)
            data = json.loads(raw.decode("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StateError(
                f"{path} is corrupt ({exc}); it was left untouched. Restore it from git "
                f"(git checkout -- {STATE_DIR}/{STATE_NAME}) or move it away to start over "
                "(posts already published would then be published again)") from None
        state = cls.parse(data, path)
        state.binds_accounts = path.parent.name != SANDBOX_DIR
        state.identity, state.tracked = (identity.st_dev, identity.st_ino), True
        return state

    @classmethod
    def parse(cls, data: Any, path: Path) -> State:
        """A state from the file's JSON; anything short of a whole, known shape is corrupt."""
        untouched = "it was left untouched. Restore it from git."
        if not isinstance(data, dict) or not isinstance(data.get("posts"), dict):
            raise StateError(f"{path} does not look like a syndicate state file (no 'posts' "
                             f"table); {untouched}")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise StateError(f"{path} has no valid schema version ({version!r}); {untouched}")
        if version > SCHEMA_VERSION:
            raise StateError(f"{path} has schema version {version!r}, newer than this syndicate "
                             f"understands ({SCHEMA_VERSION}); upgrade syndicate. The file was left "
                             "untouched.")
        site, accounts = data.get("site", {}), data.get("accounts", {})
        if not (isinstance(site, dict) and isinstance(accounts, dict)
                and all(isinstance(v, str) for v in [*site.values(), *accounts.values()])):
            raise StateError(f"{path} has a malformed 'site' or 'accounts' table; {untouched}")
        posts: dict[str, dict[str, Entry]] = {}
        try:
            for key, platforms in data["posts"].items():
                posts[key] = {name: Entry.from_json(entry) for name, entry in platforms.items()}
        except (TypeError, AttributeError) as exc:
            raise StateError(f"{path} has a malformed entry ({exc}); {untouched}") from None
        for key, platforms in posts.items():
            for name, entry in platforms.items():
                if entry.status not in STATUSES:
                    raise StateError(f"{path}: the entry of {key} on {name} has an unknown status "
                                     f"{entry.status!r}; {untouched}")
        return cls(path, posts, site=site, accounts=accounts)

    def claim_site(self, url: str, kind: str, present: set[str]) -> None:
        """Make sure this state file is this site's: refuse one made for another site.

        A file that names no site (written before sites were recorded) is adopted unless
        none of its entries' files exist here, which is a file copied from elsewhere.
        """
        here = {"url": url.rstrip("/"), "kind": kind}
        if self.site:
            if self.site.get("url", "").rstrip("/") != here["url"]:
                raise StateError(
                    f"{self.path} belongs to the site {self.site.get('url')} "
                    f"({self.site.get('kind', '?')}), not to {here['url']} ({kind}); nothing was "
                    "sent. Use the state file of this site, or if this site really moved there, "
                    f"change \"site\" → \"url\" in {STATE_DIR}/{STATE_NAME} to {here['url']}")
            return
        sources = {entry.source or key for key, _name, entry in self.all_entries()}
        if sources and not sources & present:
            raise StateError(
                f"{self.path} records {len(sources)} post file(s) and none of them exists in "
                f"this site: it was made for another site; nothing was sent. Use this site's own "
                "state file (or move this one away to start over)")
        self.site = here

    def bind(self, platform: str, account: str) -> None:
        """Read and write ``platform``'s entries in the slot of ``account`` from now on."""
        if not self.binds_accounts:
            return
        for slot, known in self.accounts.items():
            if slot.split("@", 1)[0] == platform and known == account:
                self.slots[platform] = slot
                break
        else:
            if platform not in self.accounts:  # a fresh file, or one from before accounts
                slot = platform
            else:
                slot = f"{platform}@{hashlib.sha256(account.encode()).hexdigest()[:10]}"
            self.accounts[slot] = account
            self.slots[platform] = slot
        self._by_source = None

    def slot(self, platform: str) -> str:
        return self.slots.get(platform, platform)

    def get(self, key: str, platform: str) -> Entry | None:
        return self.posts.get(key, {}).get(self.slot(platform))

    def put(self, key: str, platform: str, entry: Entry) -> None:
        entry.updated_at = now_iso()
        entry.created_at = entry.created_at or entry.updated_at
        self.posts.setdefault(key, {})[self.slot(platform)] = entry
        self._by_source = None

    def remove(self, key: str, platform: str) -> None:
        self.posts.get(key, {}).pop(self.slot(platform), None)
        if key in self.posts and not self.posts[key]:
            del self.posts[key]
        self._by_source = None

    def by_source(self, source: str) -> dict[str, tuple[str, Entry]]:
        """Entries whose post was read from ``source``, by platform, with their post key."""
        if self._by_source is None:
            index: dict[str, dict[str, tuple[str, Entry]]] = {}
            for key, name, entry in self.entries():
                index.setdefault(entry.source or key, {})[name] = (key, entry)
            self._by_source = index
        return self._by_source.get(source, {})

    def all_entries(self) -> Iterator[tuple[str, str, Entry]]:
        """Every entry with its slot name, whatever account it belongs to."""
        for key in sorted(self.posts):
            for slot in sorted(self.posts[key]):
                yield key, slot, self.posts[key][slot]

    def entries(self) -> Iterator[tuple[str, str, Entry]]:
        """(key, platform, entry) of this run's accounts; other accounts' entries are skipped."""
        platform_of = {slot: platform for platform, slot in self.slots.items()}
        for key, slot, entry in self.all_entries():
            if slot in platform_of:
                yield key, platform_of[slot], entry
            elif slot.split("@", 1)[0] not in self.slots:
                yield key, slot, entry

    def to_text(self) -> str:
        data: dict[str, Any] = {
            "version": SCHEMA_VERSION,
            "posts": {key: {name: entry.to_json() for name, entry in platforms.items()}
                      for key, platforms in self.posts.items()}}
        if self.site:
            data["site"] = self.site
        if self.accounts:
            data["accounts"] = self.accounts
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    def save(self) -> None:
        """Atomic replace, and only over the file this run read or last wrote: if someone
        removed or replaced it meanwhile (``git clean``, a copied folder), stop instead of
        writing a record that another run may contradict."""
        try:
            found = os.lstat(self.path)
            now: tuple[int, int] | None = (found.st_dev, found.st_ino)
        except FileNotFoundError:
            now = None
        if self.tracked and now != self.identity:
            raise StateError(
                f"{self.path} was {'removed' if now is None else 'replaced'} while this run was "
                "using it; stopped so that nothing is sent twice. Check the folder (another "
                "syndicate run, a 'git clean', or a copy?) and run again")
        written = write_atomic(self.path, self.to_text())
        self.identity, self.tracked = (written.st_dev, written.st_ino), True


def state_file(site_root: Path, *, sandbox: bool = False) -> Path:
    """Where a run keeps its state: the site's own file, or the sandbox's separate one."""
    if sandbox or os.environ.get(SANDBOX_ENV):
        return site_root / STATE_DIR / SANDBOX_DIR / STATE_NAME
    return site_root / STATE_DIR / STATE_NAME


PRIVATE_FILES = "# written by syndicate: only state.json belongs in git\nlock\ncache/\nsandbox/\n"


def keep_private_files_out_of_git(state_dir: Path) -> None:
    """The lock, the plan memo and the sandbox's state live beside the state file; a
    ``git add .syndicate`` must commit the state file alone (an author's own
    ``.gitignore`` there is left as it is)."""
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text(PRIVATE_FILES, encoding="utf-8")


class StateLock:
    """An exclusive lock on the site's state, held for a whole run.

    The lock is taken on the site folder itself, which no ``git clean`` or copy of
    ``.syndicate/`` can take away while the run lives (a lock file inside an ignored
    folder can be deleted, and a second run then locks a new one). ``.syndicate/lock``
    only tells a waiting run which process holds it.
    """

    def __init__(self, site_root: Path) -> None:
        self.root = site_root
        self.path = site_root / STATE_DIR / "lock"
        self.fd: int | None = None

    def __enter__(self) -> StateLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keep_private_files_out_of_git(self.path.parent)
        self.fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            try:
                holder = self.path.read_text(encoding="utf-8").strip() or "unknown"
            except OSError:
                holder = "unknown"
            raise StateError(f"another syndicate run holds the lock on {self.root} (pid {holder}); "
                             "wait for it to finish") from None
        try:
            self.path.write_text(str(os.getpid()), encoding="utf-8")
        except OSError:  # only a hint for the next run's message
            pass
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
