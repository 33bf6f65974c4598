"""Read an input file within bounds, so hostile input becomes one located error instead of a crash.

:func:`read_input_bytes` is how every input file someone else wrote is opened (plans, results,
baselines, manifests, and the Terraform loader's .tf / .tfvars files): only a regular file is
read (a FIFO would block forever, a directory named ``x.tf`` is not a file), a dangling symlink
or a symlink loop is named as such, and nothing larger than the caller's bound is read.

Plans, saved results, baselines and evidence manifests are all JSON someone else wrote. Whatever
their bytes are, reading them either gives a value or raises :class:`InputFileError` naming
``file:line`` and the reason: text in UTF-8 (a byte-order mark is accepted) or, with its BOM,
UTF-16/UTF-32; no integer longer than Python's conversion limit turned into a ``ValueError``;
nesting no deeper than :data:`MAX_DEPTH` (deeper trees would exhaust recursion in every later
stage); and no file larger than :data:`MAX_BYTES`.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import orjson

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


class InputFileError(ValueError):
    """An input file that cannot be read, decoded or bounded; ``where`` is ``file`` or ``file:line``."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def read_json(path: str | Path) -> Any:
    """The parsed content of ``path``; :class:`InputFileError` for anything that is not bounded JSON."""
    return parse_json(read_input_bytes(path, MAX_BYTES), str(path))


def input_file_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be read as an input file (dangling or looping symlink, a directory, a FIFO,
    a device, no permission), or None when it is a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if os.path.islink(path):
            return f"dangling symlink (to {os.readlink(path)})"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if not stat.S_ISREG(mode):
        kind = "fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
        return f"not a regular file ({kind})"
    return None


def read_input_bytes(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`InputFileError` naming why not."""
    where = str(path)
    problem = input_file_problem(path)
    if problem:
        raise InputFileError(where, problem)
    try:  # O_NONBLOCK: a file swapped for a FIFO after the check still cannot block the scan
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputFileError(where, "not a regular file")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputFileError(where, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise InputFileError(where, f"larger than {limit >> 20} MiB")
    return data


def parse_json(data: bytes | str, where: str = "<string>") -> Any:
    """Parse JSON text or bytes under the bounds of this module (see the module docstring)."""
    text = decode(data, where) if isinstance(data, bytes) else data
    if not text.strip():
        raise InputFileError(where, "empty file, not JSON")
    try:
        value = orjson.loads(text)
    except json.JSONDecodeError as exc:  # orjson's error is a subclass, with line and message
        raise InputFileError(f"{where}:{exc.lineno}", f"invalid JSON: {exc.msg}") from exc
    except ValueError as exc:  # an integer beyond sys.get_int_max_str_digits()
        raise InputFileError(where, f"invalid JSON: {str(exc).splitlines()[0]}") from exc
    except RecursionError as exc:
        raise InputFileError(where, f"invalid JSON: nested deeper than {MAX_DEPTH} levels") from exc
    if depth_exceeds(value, MAX_DEPTH):
        raise InputFileError(where, f"invalid JSON: nested deeper than {MAX_DEPTH} levels")
    if _SURROGATE_ESCAPE.search(text):  # rare: only then walk the strings
        value = _without_lone_surrogates(value)
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _without_lone_surrogates(value: Any) -> Any:
    """The value with every lone UTF-16 surrogate (``"\\ud800"`` alone, which no UTF-8 output can
    carry) replaced by U+FFFD, so one hostile string cannot break every report downstream."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def decode(data: bytes, where: str) -> str:
    """Text of ``data``: UTF-8 (with or without BOM), or UTF-16/32 announced by a BOM."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if encoding == "utf-8" else None
        at = f"{where}:{line}" if line else where
        raise InputFileError(at, f"not {encoding.upper()} text (byte {exc.start})") from exc


def depth_exceeds(value: Any, limit: int) -> bool:
    """True when lists/dicts nest more than ``limit`` levels (checked level by level, without recursion)."""
    level = [value] if type(value) in (dict, list) else []
    depth = 1
    while level:
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) is dict or type(child) is list
        ]
        depth += 1
    return False
