"""The plan of a site where nothing changed, answered without parsing, rendering or heavy imports.

``syndicate plan`` is a pure function of its inputs: the post files, the site's
config files, the ``SYNDICATE_*`` settings, the state file, syndicate's own code and
the clock (a post dated in the future becomes due). After a full plan, the result is
kept in ``.syndicate/cache/plan.json`` together with a fingerprint of every one of
those inputs; the next ``plan`` checks the fingerprint with the standard library alone
(stat the folders, hash the files) and, if nothing moved, prints the remembered result.
Any doubt — a folder touched too recently to trust its timestamp, an unreadable file,
a memo from another version — means a full plan, so the memo can make ``plan`` faster
but never different.

Secrets take no part: settings named secret by an adapter are left out of the
fingerprint, so neither their values nor hashes of them are stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from syndicate import __version__
from syndicate.layout import CACHE_DIR, IGNORED_DIRS, MEMO_SWITCH_ENV, STATE_DIR, STATE_NAME

MEMO_NAME = "plan.json"
MEMO_FORMAT = 1
ENV_PREFIX = "SYNDICATE_"
CONFIG_SUFFIXES = (".toml", ".yml", ".yaml", ".json")
ACTION_FIELDS = ("post", "platform", "action", "reason", "title")
"""The keys of an action in the plan's JSON form, in order (rows are stored without them)."""
RACY_NS = 2_000_000_000
"""A folder changed less than this before a scan began may change again within the same
timestamp tick without its time moving (git calls such entries "racily clean")."""


def memo_path(root: str) -> str:
    return os.path.join(root, STATE_DIR, CACHE_DIR, MEMO_NAME)


class Scan(NamedTuple):
    """The folders a plan could have found posts in, with their modification times."""

    folders: dict[str, int]
    racy: bool


def scan_folders(root: str) -> Scan:
    """Every folder under ``root`` that discovery may list (a superset is safe: more misses)."""
    started = time.time_ns()
    folders: dict[str, int] = {}
    racy = False
    pending = [""]
    while pending:
        rel = pending.pop()
        path = os.path.join(root, rel) if rel else root
        mtime = os.stat(path).st_mtime_ns
        racy = racy or mtime > started - RACY_NS
        folders[rel] = mtime
        with os.scandir(path) as listing:
            for entry in listing:
                if entry.name not in IGNORED_DIRS and entry.is_dir(follow_symlinks=False):
                    pending.append(f"{rel}/{entry.name}" if rel else entry.name)
    return Scan(folders, racy)


def folders_unchanged(root: str, folders: Mapping[str, int]) -> bool:
    for rel, mtime in folders.items():
        if os.stat(os.path.join(root, rel) if rel else root).st_mtime_ns != mtime:
            return False
    return True


def file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def without_secret_lines(text: bytes, secret_names: frozenset[str]) -> bytes:
    """A ``.env`` file minus the lines that set a secret (secrets never shape a plan)."""
    kept = []
    for line in text.splitlines():
        name = line.strip().removeprefix(b"export ").split(b"=", 1)[0].strip()
        if name.decode("utf-8", "replace").upper() not in secret_names:
            kept.append(line)
    return b"\n".join(kept)


def code_stamp() -> list[str]:
    """syndicate's own modules and the installed packages (a new adapter, an upgrade)."""
    stamps = [__version__]
    here = os.path.dirname(os.path.abspath(__file__))
    for package in (here, os.path.join(os.path.dirname(here), "adapters")):
        for folder, _dirs, files in os.walk(package):
            stamps.extend(f"{name}:{os.stat(os.path.join(folder, name)).st_mtime_ns}"
                          for name in sorted(files) if name.endswith(".py"))
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            stamps.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
    return stamps


def inputs_key(root: str, platforms: Sequence[str], secret_names: Iterable[str]) -> str:
    """One hash of everything besides the post files that a plan depends on."""
    secrets = frozenset(name.upper() for name in secret_names)
    digest = hashlib.sha256()

    def feed(label: str, value: bytes) -> None:
        digest.update(f"{label}\0{len(value)}\0".encode())
        digest.update(value)

    feed("format", str(MEMO_FORMAT).encode())
    feed("code", "\n".join(code_stamp()).encode())
    feed("platforms", "\n".join(sorted(platforms)).encode())
    for name in sorted(os.environ):
        upper = name.upper()
        if upper.startswith(ENV_PREFIX) and upper not in secrets and upper != MEMO_SWITCH_ENV:
            feed(f"env:{name}", os.environ[name].encode("utf-8", "surrogateescape"))
    config_files = sorted(
        entry.name for entry in os.scandir(root)
        if entry.is_file() and (entry.name == ".env" or entry.name.endswith(CONFIG_SUFFIXES)))
    for name in config_files:
        with open(os.path.join(root, name), "rb") as handle:
            data = handle.read()
        feed(f"file:{name}", without_secret_lines(data, secrets) if name == ".env" else data)
    config_dir = os.path.join(root, "config")  # Hugo's config/_default/ and friends
    for folder, dirs, files in os.walk(config_dir):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                feed(f"file:{os.path.relpath(path, root)}", handle.read())
    state = os.path.join(root, STATE_DIR, STATE_NAME)
    feed("state", file_digest(state).encode() if os.path.exists(state) else b"absent")
    return digest.hexdigest()


class Fingerprint(NamedTuple):
    """Everything a memo is checked against, taken before a full plan starts."""

    key: str
    scan: Scan
    secret_names: tuple[str, ...]


def fingerprint(root: str, platforms: Sequence[str], secret_names: Iterable[str]) -> Fingerprint:
    names = tuple(sorted(secret_names))
    return Fingerprint(inputs_key(root, platforms, names), scan_folders(root), names)


def remember(root: str, platforms: Sequence[str], before: Fingerprint, result: Mapping[str, Any],
             digests: Mapping[str, str], due: float | None) -> bool:
    """Keep ``result`` (the plan's JSON form) for the next plan; False if it cannot be trusted.

    ``before`` was taken before the plan read anything; if any input moved while the plan
    ran, or a folder is racily new, nothing is kept. ``due`` is the first moment a held
    post becomes publishable (the memo expires then).
    """
    try:
        after_key = inputs_key(root, platforms, before.secret_names)
        if before.scan.racy or after_key != before.key:
            forget(root)
            return False
        if not all(os.path.dirname(rel) in before.scan.folders for rel in digests):
            forget(root)
            return False
        memo = {"format": MEMO_FORMAT, "version": __version__, "key": before.key,
                "secret_names": list(before.secret_names), "folders": before.scan.folders,
                "digests": dict(digests), "due": due, "errors": result["errors"],
                "actions": [[a[field] for field in ACTION_FIELDS] for a in result["actions"]]}
        write_atomically(memo_path(root), json.dumps(memo, ensure_ascii=False))
    except OSError:
        return False
    return True


def forget(root: str) -> None:
    try:
        os.unlink(memo_path(root))
    except OSError:
        pass


def write_atomically(path: str, text: str) -> None:
    from syndicate.atomicfile import write_atomic

    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    ignore = os.path.join(folder, ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as handle:
            handle.write("# rebuilt by syndicate as needed; never commit it\n*\n")
    write_atomic(path, text, durable=False)  # a lost memo costs one full plan, nothing more


def recall(root: str, platforms: Sequence[str]) -> dict[str, Any] | None:
    """The remembered plan if every input is as it was, else None (then plan in full)."""
    try:
        with open(memo_path(root), encoding="utf-8") as handle:
            memo = json.load(handle)
        if memo.get("format") != MEMO_FORMAT or memo.get("version") != __version__:
            return None
        due = memo.get("due")
        if due is not None and time.time() >= due:
            return None
        if not folders_unchanged(root, memo["folders"]):
            return None
        if inputs_key(root, platforms, memo["secret_names"]) != memo["key"]:
            return None
        for rel, digest in memo["digests"].items():
            if file_digest(os.path.join(root, rel)) != digest:
                return None
        return {"actions": [dict(zip(ACTION_FIELDS, row, strict=True)) for row in memo["actions"]],
                "errors": memo["errors"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
