"""manifest.json: the SHA-256 of every file of an evidence pack, and verification against it.

An auditor receives a directory; ``mlscan evidence verify DIR`` proves no file was
changed, removed or added since the scan. The manifest's own digest is printed when
the pack is written so it can be recorded elsewhere (a ticket, a signed e-mail) and
checked with ``--expect-digest``: editing a file *and* its manifest entry is then
detected too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scanner.jsondoc import InputFileError, read_json
from scanner.model import InputError

MANIFEST = "manifest.json"
ALGORITHM = "sha256"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a pack against its manifest."""

    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    """Manifest-level problems (unreadable, wrong digest, unsafe paths)."""
    checked: int = 0

    @property
    def ok(self) -> bool:
        """True when every file matches and nothing is missing or extra."""
        return not (self.changed or self.missing or self.added or self.problems)

    def lines(self) -> list[str]:
        """Human-readable report, one problem per line."""
        out = list(self.problems)
        out += [f"changed: {p}" for p in self.changed]
        out += [f"missing: {p}" for p in self.missing]
        out += [f"added:   {p}" for p in self.added]
        return out


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pack_files(root: Path) -> list[str]:
    """Every regular file under ``root`` except the manifest, as sorted POSIX relative paths."""
    return sorted(_scan_tree(root)[0])


def _scan_tree(root: Path) -> tuple[set[str], list[str]]:
    """(regular files, problems) under ``root``: never following a link, naming every link and special file."""
    files: set[str] = set()
    problems: list[str] = []
    for directory, subdirs, names in os.walk(
        root,
        followlinks=False,
        onerror=lambda e: problems.append(
            f"unreadable directory: {_shown(os.path.relpath(e.filename, root))}: {e.strerror}"
        ),
    ):
        for name in [*subdirs, *names]:
            path = Path(directory) / name
            rel = path.relative_to(root).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                problems.append(
                    f"symlink not allowed in a pack: {_shown(rel)} -> {_shown(os.readlink(path))}"
                )
            elif stat.S_ISREG(mode):
                if rel != MANIFEST:
                    files.add(rel)
            elif not stat.S_ISDIR(mode):
                problems.append(f"special file not allowed in a pack: {_shown(rel)} ({_file_kind(mode)})")
    return files, problems


def _file_kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "fifo", stat.S_ISSOCK: "socket", stat.S_ISCHR: "character device"}
    return next((name for test, name in kinds.items() if test(mode)), "block device")


def _shown(name: str) -> str:
    """A file name on one line: a name with control characters is shown escaped."""
    return name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name


def entry_problem(rel: Any, digest: Any) -> str | None:
    """Why a manifest entry is unsafe or malformed, or None when it names a pack-relative file."""
    if not isinstance(rel, str) or not rel:
        return f"malformed entry name {rel!r}"
    shown = _shown(rel)
    if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        return f"malformed digest for {shown}"
    if "\\" in rel:
        return f"backslash in path: {shown}"
    if rel.startswith("/") or PurePosixPath(rel).is_absolute() or re.match(r"^[A-Za-z]:", rel):
        return f"absolute path: {shown}"
    parts = rel.split("/")
    if ".." in parts:
        return f"parent reference (..) in path: {shown}"
    if "" in parts or "." in parts or not rel.isprintable():
        return f"path not in normal form: {shown}"
    if rel == MANIFEST:
        return f"the manifest lists itself: {shown}"
    return None


def write_manifest(root: Path, header: dict[str, Any]) -> str:
    """Hash every file under ``root`` into ``manifest.json``; return the manifest's own SHA-256."""
    files = {rel: sha256_file(root / rel) for rel in pack_files(root)}
    document = {**header, "algorithm": ALGORITHM, "files": files}
    path = root / MANIFEST
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return sha256_file(path)


class NotAPackError(InputError):
    """The path given to verify is not a directory: a usage error (exit 2), not evidence of tampering."""


def verify_pack(root: str | Path, expect_digest: str | None = None) -> Verification:
    """Compare every file under ``root`` with ``manifest.json`` (and the manifest with ``expect_digest``).

    Raises :class:`NotAPackError` when ``root`` is not a directory. Every other problem is one
    line of the verification: changed, missing and added files; unsafe or malformed manifest
    entries (``..``, absolute paths, backslashes, bad digests); symlinks of any kind and special
    files anywhere in the pack; a manifest whose own digest differs from the one recorded.
    """
    root = Path(root)
    manifest_path = root / MANIFEST
    if not root.is_dir():
        raise NotAPackError(str(root), "no such directory (expected an evidence pack written by --evidence)")
    if manifest_path.is_symlink() or (manifest_path.exists() and not manifest_path.is_file()):
        return Verification(problems=(f"{manifest_path}: manifest is not a regular file",))
    try:
        document = read_json(manifest_path)
        recorded = document["files"]
        if document.get("algorithm") != ALGORITHM or not isinstance(recorded, dict):
            raise ValueError(f"unsupported manifest (algorithm {document.get('algorithm')!r})")
    except InputFileError as exc:
        if not manifest_path.exists():
            return Verification(problems=(f"{manifest_path}: manifest missing",))
        return Verification(problems=(f"{manifest_path}: unreadable manifest: {exc.reason}",))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return Verification(problems=(f"{manifest_path}: unreadable manifest: {exc}",))
    problems = []
    if expect_digest and sha256_file(manifest_path) != expect_digest.lower():
        problems.append(f"{manifest_path}: digest differs from the expected {expect_digest}")
    unsafe = {rel for rel, digest in recorded.items() if entry_problem(rel, digest)}
    problems += [f"{manifest_path}: {entry_problem(rel, recorded[rel])}" for rel in sorted(unsafe, key=str)]
    present, tree_problems = _scan_tree(root)
    problems += tree_problems
    changed, missing = [], []
    for rel, digest in sorted((k, v) for k, v in recorded.items() if k not in unsafe):
        if rel not in present:
            missing.append(_shown(rel))
            continue
        try:
            if sha256_file(root / rel) != digest.lower():
                changed.append(_shown(rel))
        except OSError as exc:
            problems.append(f"unreadable: {_shown(rel)}: {exc.strerror}")
    added = sorted(_shown(rel) for rel in present - set(recorded))
    return Verification(tuple(changed), tuple(missing), tuple(added), tuple(problems), len(recorded))
