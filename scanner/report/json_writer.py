"""Write JSON fast and without a second copy: orjson, compact by default, the result streamed item by item.

The standard library's pretty printer is pure Python: on a 10,000-resource plan it spent most of
the scan's time writing. orjson is written in Rust; ``--pretty`` indents (two spaces). The JSON
result is written section by section and resource by resource, so no stage holds the whole
document as a dict and again as bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, BinaryIO

import orjson

from scanner.report.context import ReportContext

_COMPACT = orjson.OPT_NON_STR_KEYS
_PRETTY = orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2


def _default(value: Any) -> Any:
    """What orjson cannot encode by itself: other mappings and sets as JSON, anything else as text."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def dumps(data: Any, *, pretty: bool = False) -> bytes:
    """``data`` as UTF-8 JSON bytes (non-ASCII kept as is).

    A lone surrogate (JSON input may hold ``"\\ud800"``), which orjson refuses, is written as its
    ``\\ud800`` escape through the standard encoder instead.
    """
    try:
        return orjson.dumps(data, default=_default, option=_PRETTY if pretty else _COMPACT)
    except orjson.JSONEncodeError:
        text = json.dumps(data, default=_default, ensure_ascii=False, indent=2 if pretty else None)
        return text.encode("utf-8", "backslashreplace")


CHUNK = 500
"""Items serialized per call when streaming a big list: few calls, bounded memory."""


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to ``size`` consecutive items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_result(ctx: ReportContext, handle: BinaryIO, *, pretty: bool = False) -> None:
    """The JSON result (contract + compliance roll-up) to ``handle``, one section or item at a time."""
    from scanner.report.json_contract import compliance_to_dict, result_sections, result_to_dict

    if pretty:
        data = result_to_dict(ctx.result, ctx.finding_controls)
        if ctx.frameworks:
            data["compliance"] = compliance_to_dict(ctx.frameworks, ctx.result.findings)
        handle.write(dumps(data, pretty=True) + b"\n")
        return
    handle.write(b"{")
    first = True
    sections = list(result_sections(ctx.result, ctx.finding_controls))
    if ctx.frameworks:
        sections.append(("compliance", compliance_to_dict(ctx.frameworks, ctx.result.findings)))
    for key, value in sections:
        handle.write((b"" if first else b",") + dumps(key) + b":")
        first = False
        if callable(value):
            handle.write(b"[")
            for index, chunk in enumerate(batched(value(), CHUNK)):
                handle.write((b"," if index else b"") + dumps(chunk)[1:-1])  # the items, without [ ]
            handle.write(b"]")
        else:
            handle.write(dumps(value))
    handle.write(b"}\n")
