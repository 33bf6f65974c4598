"""Validated bundled data (policies, frameworks) kept between runs, keyed by the content that decides it.

Reading the built-in policy and framework YAML and validating it against its JSON Schema costs
more CPU than scanning a small module (jsonschema's import alone is ~0.1 s). The outcome of that
work is a pure function of the files' bytes, the schema and the checking code, so it is stored
once in the user cache directory as JSON under the SHA-256 of all of them: any edit to a policy,
a schema or the validator gives another key, and the files are read and validated again.

Only JSON round-trips are stored (a YAML value with no JSON form, a date, is never cached: that
file is always read afresh). A cache that cannot be read or written is no cache: the files are
read as if it did not exist. The directory is ``$MLSCAN_CACHE_DIR``, else
``$XDG_CACHE_HOME/mlscan``, else ``~/.cache/mlscan``; ``MLSCAN_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from scanner import __version__

FORMAT = 1
"""Bumped when the layout of a cache entry changes."""


def cache_dir() -> Path | None:
    """Where cache entries live, or None when caching is off."""
    configured = os.environ.get("MLSCAN_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlscan"


def content_key(kind: str, files: Sequence[Path], depends: Sequence[Path]) -> str | None:
    """SHA-256 over the version, each file's path and bytes, and the bytes of what judges them;
    None when one cannot be read (then nothing is cached)."""
    digest = hashlib.sha256(f"{kind}\0{FORMAT}\0{__version__}\0".encode())
    try:
        for path in (*files, *depends):
            data = path.read_bytes()
            digest.update(f"{path}\0{len(data)}\0".encode())  # the path: errors name it
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def cached_outcomes(
    kind: str, files: Sequence[Path], depends: Sequence[Path], load: Callable[[Path], Any]
) -> list[Any]:
    """``[load(f) for f in files]``, from the cache when the same content was loaded before.

    ``load`` returns plain JSON data (the validated document, or the errors that made it invalid);
    ``depends`` are the schema and code files whose change must invalidate the entry.
    """
    if not files:
        return []
    directory = cache_dir()
    key = content_key(kind, files, depends) if directory is not None else None
    entry = directory / f"{kind}-{key}.json" if directory is not None and key else None
    if entry is not None:
        try:
            stored = orjson.loads(entry.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            stored = None
        if isinstance(stored, list) and len(stored) == len(files):
            return stored
    outcomes = [load(path) for path in files]
    if entry is not None:
        _store(entry, outcomes)
    return outcomes


def _store(entry: Path, outcomes: list[Any]) -> None:
    """Write the entry atomically, only if it reads back equal (no value lost to JSON); errors are ignored."""
    try:
        encoded = orjson.dumps(outcomes)
        if orjson.loads(encoded) != outcomes:
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, prefix=".tmp-", delete=False) as handle:
            handle.write(encoded)
        os.replace(handle.name, entry)
        kind = entry.name.rsplit("-", 1)[0]
        for stale in entry.parent.glob(f"{kind}-*.json"):  # one entry per kind: older content is gone
            if stale != entry:
                stale.unlink(missing_ok=True)
    except (OSError, TypeError, orjson.JSONEncodeError):
        return


def bundled_yaml(path: Path) -> Any:
    """The data of one bundled YAML file (``scanner/data``), read through the cache.

    Every scan needs the redaction rules and the fact tables; from the cache they cost a hash and an
    orjson parse instead of a YAML parse, and a scan that finds everything cached never imports PyYAML.
    These files ship with mlscan (a test reads each), so a safe loader is all the checking they need.
    """

    def load(file: Path) -> Any:
        import yaml

        return yaml.load(
            file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )  # noqa: S506 - safe loaders only

    return cached_outcomes(f"data-{path.stem}", [path], [], load)[0]
