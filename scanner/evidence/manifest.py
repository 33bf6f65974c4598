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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
ALGORITHM = "sha256"


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
    manifest = root / MANIFEST
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p != manifest)


def write_manifest(root: Path, header: dict[str, Any]) -> str:
    """Hash every file under ``root`` into ``manifest.json``; return the manifest's own SHA-256."""
    files = {rel: sha256_file(root / rel) for rel in pack_files(root)}
    document = {**header, "algorithm": ALGORITHM, "files": files}
    path = root / MANIFEST
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return sha256_file(path)


def verify_pack(root: str | Path, expect_digest: str | None = None) -> Verification:
    """Compare every file under ``root`` with ``manifest.json`` (and the manifest with ``expect_digest``)."""
    root = Path(root)
    manifest_path = root / MANIFEST
    if not root.is_dir():
        return Verification(problems=(f"{root}: not a directory",))
    try:
        document = json.loads(manifest_path.read_text(encoding="utf-8"))
        recorded: dict[str, str] = document["files"]
        if document.get("algorithm") != ALGORITHM or not isinstance(recorded, dict):
            raise ValueError(f"unsupported manifest (algorithm {document.get('algorithm')!r})")
    except FileNotFoundError:
        return Verification(problems=(f"{manifest_path}: manifest missing",))
    except (ValueError, KeyError, TypeError) as exc:
        return Verification(problems=(f"{manifest_path}: unreadable manifest: {exc}",))
    problems = []
    if expect_digest and sha256_file(manifest_path) != expect_digest.lower():
        problems.append(f"{manifest_path}: digest differs from the expected {expect_digest}")
    unsafe = [p for p in recorded if PurePosixPath(p).is_absolute() or ".." in PurePosixPath(p).parts]
    problems += [f"{manifest_path}: unsafe path in manifest: {p}" for p in unsafe]
    present = set(pack_files(root))
    changed, missing = [], []
    for rel, digest in sorted(recorded.items()):
        if rel in unsafe:
            continue
        if rel not in present:
            missing.append(rel)
        elif sha256_file(root / rel) != digest:
            changed.append(rel)
    added = sorted(present - set(recorded))
    return Verification(tuple(changed), tuple(missing), tuple(added), tuple(problems), len(recorded))
