"""Load one Terraform module (a directory of .tf files, or a single file) from HCL.

Variables (defaults, terraform.tfvars, *.auto.tfvars), locals and references are
resolved through :mod:`scanner.iac.expressions`. python-hcl2 gives no line numbers,
so block header lines are found by scanning the source text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.iac.expressions import META_KEYS, Scope, references_in, resolve
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown
from scanner.model import ScanError, Source, Suppression

_HEADER = re.compile(r'^[ \t]*(resource|data)\s+"?([\w-]+)"?\s+"?([\w-]+)"?\s*\{', re.M)
_SKIP = re.compile(r"mlscan:skip=([\w.*,-]+)(?:[:\s]+(.*))?")


@dataclass(frozen=True)
class ParsedFile:
    """One .tf file as python-hcl2 parsed it, with its block header lines."""

    path: Path
    body: Mapping[str, Any]
    lines: Mapping[tuple[str, str, str], int]


def parse_file(path: Path) -> ParsedFile:
    """Parse one HCL file; raises :class:`HclError` with the line and reason on bad syntax."""
    import hcl2
    from hcl2.utils import SerializationOptions

    text = path.read_text(encoding="utf-8", errors="replace")
    options = SerializationOptions(strip_string_quotes=True, preserve_heredocs=True, with_comments=True)
    try:
        body = hcl2.loads(text, serialization_options=options)
    except Exception as exc:  # noqa: BLE001 - lark raises many types; all mean "bad HCL"
        raise HclError(path, getattr(exc, "line", None), _first_line(exc)) from exc
    lines = {
        (m.group(1), m.group(2), m.group(3)): text.count("\n", 0, m.start()) + 1
        for m in _HEADER.finditer(text)
    }
    return ParsedFile(path, body, lines)


class HclError(Exception):
    """A .tf file that python-hcl2 cannot parse."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.path, self.line, self.reason = path, line, reason

    def to_scan_error(self) -> ScanError:
        """The one-line error the scan reports for this file."""
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return ScanError(where=where, reason=f"invalid HCL: {self.reason}")


def load_module(
    files: Sequence[Path],
    tfvars: Sequence[Path] = (),
    parse: Callable[[Path], ParsedFile] = parse_file,
    *,
    inputs: Mapping[str, Any] | None = None,
    prefix: str = "",
) -> tuple[list[TfResource], list[ScanError]]:
    """Load the resources of one module: every file parsed, names resolved, skips collected.

    ``parse`` lets a caller hand in files it already parsed (see :mod:`scanner.iac.parallel`).
    ``inputs`` and ``prefix`` instantiate the module as a child (``module.x``) with the values
    its caller passes (see :mod:`scanner.iac.modules`).
    """
    errors: list[ScanError] = []
    parsed = parse_files(files, parse, errors)
    scope = module_scope(parsed, tfvars, errors, parse, inputs)
    return module_resources(parsed, scope, errors, prefix), errors


def module_resources(
    parsed: Iterable[ParsedFile], scope: Scope, errors: list[ScanError], prefix: str = ""
) -> list[TfResource]:
    """The resource and data blocks of parsed files, resolved in ``scope``, addressed under ``prefix``."""
    resources: list[TfResource] = []
    for pf in parsed:
        for mode, blocks in (("managed", pf.body.get("resource", [])), ("data", pf.body.get("data", []))):
            for rtype, rname, raw in _blocks(blocks):
                resource = _build(pf, mode, rtype, rname, raw, scope, errors, prefix)
                if resource is not None:
                    resources.append(resource)
    return resources


def parse_files(
    files: Sequence[Path], parse: Callable[[Path], ParsedFile], errors: list[ScanError]
) -> list[ParsedFile]:
    """Every file that parses; the others become errors."""
    parsed: list[ParsedFile] = []
    for path in files:
        try:
            parsed.append(parse(path))
        except HclError as exc:
            errors.append(exc.to_scan_error())
    return parsed


def module_scope(
    parsed: Iterable[ParsedFile],
    tfvars: Sequence[Path],
    errors: list[ScanError],
    parse: Callable[[Path], ParsedFile] = parse_file,
    inputs: Mapping[str, Any] | None = None,
) -> Scope:
    """Variables (defaults, then tfvars, then a caller's inputs) and locals of one module."""
    scope = Scope()
    for pf in parsed:
        for block in pf.body.get("variable", []):
            for name, spec in block.items():
                if isinstance(spec, Mapping) and "default" in spec:
                    scope.variables[name] = spec["default"]
        for block in pf.body.get("locals", []):
            scope.locals.update({k: v for k, v in block.items() if k not in META_KEYS})
    for path in tfvars:
        try:
            values = parse(path).body
        except HclError as exc:
            errors.append(exc.to_scan_error())
            continue
        scope.variables.update({k: v for k, v in values.items() if k not in META_KEYS})
    scope.variables.update(inputs or {})
    return scope


def _blocks(blocks: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    for block in blocks:
        for rtype, named in block.items():
            if not isinstance(named, Mapping):
                continue
            for rname, raw in named.items():
                if isinstance(raw, Mapping):
                    yield rtype, rname, raw


def _build(
    pf: ParsedFile,
    mode: str,
    rtype: str,
    rname: str,
    raw: Mapping[str, Any],
    scope: Scope,
    errors: list[ScanError],
    prefix: str = "",
) -> TfResource | None:
    line = pf.lines.get(("resource" if mode == "managed" else "data", rtype, rname))
    where = f"{pf.path}:{line}" if line else str(pf.path)
    count = resolve(raw.get("count"), scope) if "count" in raw else None
    if count == 0 or count is False:
        return None
    attrs = materialize(raw, scope)
    address = f"{rtype}.{rname}" if mode == "managed" else f"data.{rtype}.{rname}"
    address = f"{prefix}.{address}" if prefix else address
    return TfResource(
        type=rtype,
        name=rname,
        address=address,
        attrs=attrs,
        source=Source(kind="hcl", file=str(pf.path), line=line),
        mode=mode,
        module=prefix,
        suppressions=tuple(_skips(raw, where, errors)),
        references=tuple(sorted(references_in(raw))),
    )


def materialize(raw: Mapping[str, Any], scope: Scope) -> dict[str, Any]:
    """Resolve a block body; ``dynamic "x"`` blocks become blocks when for_each resolves, else Unknown."""
    attrs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in META_KEYS:
            continue
        if key == "dynamic":
            for _kind, name, spec in _named(value):
                attrs[name] = _dynamic(name, spec, scope)
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            attrs[key] = [materialize(v, scope) for v in value]
        else:
            attrs[key] = resolve(value, scope)
    return attrs


def _dynamic(name: str, spec: Mapping[str, Any], scope: Scope) -> Any:
    for_each = resolve(spec.get("for_each"), scope)
    content = spec.get("content", [{}])
    content = content[0] if isinstance(content, list) and content else content
    if not isinstance(for_each, (list, dict)):
        return Unknown(f'dynamic "{name}"')
    body = materialize(content, scope) if isinstance(content, Mapping) else {}
    return [body for _ in range(len(for_each))]


def _named(dynamic_blocks: Any) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    if not isinstance(dynamic_blocks, list):
        return
    for block in dynamic_blocks:
        if isinstance(block, Mapping):
            for name, spec in block.items():
                if isinstance(spec, Mapping):
                    yield "dynamic", name, spec


def _skips(raw: Mapping[str, Any], where: str, errors: list[ScanError]) -> Iterable[Suppression]:
    """``# mlscan:skip=ID[,ID] reason`` comments anywhere inside the block (reason required)."""
    for comment in _comments(raw):
        match = _SKIP.search(comment)
        if not match:
            continue
        reason = (match.group(2) or "").strip()
        if not reason:
            errors.append(
                ScanError(where=where, reason=f"mlscan:skip={match.group(1)} ignored: a reason is required")
            )
            continue
        for policy_id in match.group(1).split(","):
            if policy_id:
                yield Suppression(policy_id=policy_id, reason=reason, origin="inline")


def _comments(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in ("__comments__", "__inline_comments__") and isinstance(item, list):
                yield from (c.get("value", "") for c in item if isinstance(c, Mapping))
            else:
                yield from _comments(item)
    elif isinstance(value, list):
        for item in value:
            yield from _comments(item)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    column = getattr(exc, "column", None)
    token = getattr(exc, "token", None)
    if token is not None:
        message = f"unexpected {str(token)!r}" + (f" at column {column}" if column else "")
    return message
