"""Read a JSON input file within bounds, so hostile input becomes one located error instead of a crash.

Plans, saved results, baselines and evidence manifests are all JSON someone else wrote. Whatever
their bytes are, reading them either gives a value or raises :class:`JsonFileError` naming
``file:line`` and the reason: text in UTF-8 (a byte-order mark is accepted) or, with its BOM,
UTF-16/UTF-32; no integer longer than Python's conversion limit turned into a ``ValueError``;
nesting no deeper than :data:`MAX_DEPTH` (deeper trees would exhaust recursion in every later
stage); and no file larger than :data:`MAX_BYTES`.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

MAX_BYTES = 1 << 30
"""1 GiB: far above the largest real plan (~125 MB for 100,000 resources), far below memory exhaustion."""
MAX_DEPTH = 200
"""Nesting levels of arrays and objects; Terraform plans nest a few dozen at most."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class JsonFileError(ValueError):
    """A JSON file that cannot be read, decoded or bounded; ``where`` is ``file`` or ``file:line``."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def read_json(path: str | Path) -> Any:
    """The parsed content of ``path``; :class:`JsonFileError` for anything that is not bounded JSON."""
    where = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise JsonFileError(where, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise JsonFileError(where, f"larger than {MAX_BYTES >> 20} MiB")
    return parse_json(data, where)


def parse_json(data: bytes | str, where: str = "<string>") -> Any:
    """Parse JSON text or bytes under the bounds of this module (see the module docstring)."""
    text = decode(data, where) if isinstance(data, bytes) else data
    if not text.strip():
        raise JsonFileError(where, "empty file, not JSON")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonFileError(f"{where}:{exc.lineno}", f"invalid JSON: {exc.msg}") from exc
    except ValueError as exc:  # an integer beyond sys.get_int_max_str_digits()
        raise JsonFileError(where, f"invalid JSON: {str(exc).splitlines()[0]}") from exc
    except RecursionError as exc:
        raise JsonFileError(where, f"invalid JSON: nested deeper than {MAX_DEPTH} levels") from exc
    if depth_exceeds(value, MAX_DEPTH):
        raise JsonFileError(where, f"invalid JSON: nested deeper than {MAX_DEPTH} levels")
    return value


def decode(data: bytes, where: str) -> str:
    """Text of ``data``: UTF-8 (with or without BOM), or UTF-16/32 announced by a BOM."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if encoding == "utf-8" else None
        at = f"{where}:{line}" if line else where
        raise JsonFileError(at, f"not {encoding.upper()} text (byte {exc.start})") from exc


def depth_exceeds(value: Any, limit: int) -> bool:
    """True when lists/dicts nest more than ``limit`` levels (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
