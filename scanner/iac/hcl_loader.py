"""Load one Terraform module (a directory of .tf files, or a single file) from HCL.

Files are parsed by :mod:`scanner.iac.hcl_syntax` (tree-sitter); variables (defaults,
terraform.tfvars, *.auto.tfvars, a caller's inputs), locals and references are resolved by
:mod:`scanner.iac.expressions`. A file with a syntax error is one error entry (file:line:column
and the bad token) and is not loaded; the other files are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from scanner.iac.expressions import Pending, Provided, Scope, evaluate, references_in
from scanner.iac.hcl_syntax import Attribute, Block, HclDocument, node_text, parse_hcl
from scanner.iac.json_syntax import is_json_syntax, parse_json_syntax
from scanner.iac.types import AttributeOrigin, TfResource
from scanner.iac.values import Unknown
from scanner.iac.variables import VariableSource, VarValue, typed_value
from scanner.jsondoc import InputFileError, read_input_bytes
from scanner.model import ScanError, Source, Suppression

_SKIP = re.compile(r"mlscan:skip=([\w.*,-]+)(?:[:\s]+(.*))?")

ParsedFile = HclDocument
"""One parsed .tf or .tfvars file (the name the module loaders use)."""

Parse = Callable[[Path], HclDocument]
"""How loaders get a parsed file: :func:`parse_file`, or a :class:`ParseCache`."""


MAX_TF_BYTES = 64 << 20
"""A .tf / .tfvars file larger than this is refused (hand-written Terraform is kilobytes)."""


def parse_file(path: Path) -> HclDocument:
    """Parse one HCL file (or Terraform JSON syntax, ``*.tf.json`` / ``*.tfvars.json``); raises :class:`HclError` with line, column and reason on bad syntax, and
    :class:`UnreadableFile` for a file that cannot be read (permissions, a FIFO or a directory named
    ``*.tf``, a dangling symlink or a symlink loop, too large)."""
    try:
        source = read_input_bytes(path, MAX_TF_BYTES)
    except InputFileError as exc:
        raise UnreadableFile(path, exc.reason) from exc
    document = parse_json_syntax(path, source) if is_json_syntax(path) else parse_hcl(path, source)
    if document.problem is not None:
        problem = document.problem
        raise HclError(path, problem.line, problem.reason, problem.column)
    return document


class HclError(Exception):
    """A .tf file with a syntax error."""

    def __init__(self, path: Path, line: int | None, reason: str, column: int | None = None) -> None:
        super().__init__(reason)
        self.path, self.line, self.reason, self.column = path, line, reason, column

    def to_scan_error(self) -> ScanError:
        """The one-line error the scan reports for this file (``file:line:column: invalid HCL: ...``)."""
        where = str(self.path)
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        syntax = "Terraform JSON" if is_json_syntax(self.path) else "HCL"
        return ScanError(where=where, reason=f"invalid {syntax}: {self.reason}")


class UnreadableFile(HclError):
    """A Terraform input file that could not be read at all (reported as such, not as bad syntax)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, None, reason)

    def to_scan_error(self) -> ScanError:
        """``file: cannot read ...`` (the reason already says why)."""
        return ScanError(where=str(self.path), reason=self.reason)


class ParseCache:
    """Parse each file once, however its path was spelled (a module's files are reached both from the
    directory walk and, resolved, from the ``module`` block that calls them)."""

    def __init__(self, parse: Parse = parse_file) -> None:
        self._parse = parse
        self._outcomes: dict[str, HclDocument | HclError] = {}

    def __call__(self, path: Path) -> HclDocument:
        key = os.path.realpath(path)
        outcome = self._outcomes.get(key)
        if outcome is None:
            try:
                outcome = self._parse(path)
            except HclError as exc:
                outcome = exc
            self._outcomes[key] = outcome
        if isinstance(outcome, HclError):
            raise outcome
        return outcome


def load_module(
    files: Sequence[Path],
    tfvars: Sequence[VariableSource] = (),
    parse: Parse = parse_file,
    *,
    inputs: Mapping[str, Any] | None = None,
    prefix: str = "",
) -> tuple[list[TfResource], list[ScanError]]:
    """Load the resources of one module: every file parsed, names resolved, skips collected.

    ``parse`` lets a caller share parsed files (a :class:`ParseCache`). ``inputs`` and ``prefix``
    instantiate the module as a child (``module.x``) with the values its caller passes
    (see :mod:`scanner.iac.modules`).
    """
    errors: list[ScanError] = []
    parsed = parse_files(files, parse, errors)
    scope = module_scope(parsed, tfvars, errors, parse, inputs)
    return module_resources(parsed, scope, errors, prefix), errors


def module_resources(
    parsed: Iterable[HclDocument], scope: Scope, errors: list[ScanError], prefix: str = ""
) -> list[TfResource]:
    """The resource and data blocks of parsed files, resolved in ``scope``, addressed under ``prefix``."""
    resources: list[TfResource] = []
    for document in parsed:
        for block in document.body.blocks:
            if block.type not in ("resource", "data"):
                continue
            if len(block.labels) != 2:
                errors.append(ScanError(where=str(block.span), reason=f"{block.type} block needs two labels"))
                continue
            resource = _build(document, block, scope, errors, prefix)
            if resource is not None:
                resources.append(resource)
    return resources


def parse_files(files: Sequence[Path], parse: Parse, errors: list[ScanError]) -> list[HclDocument]:
    """Every file that parses; the others become errors."""
    parsed: list[HclDocument] = []
    for path in files:
        try:
            parsed.append(parse(path))
        except HclError as exc:
            errors.append(exc.to_scan_error())
    return parsed


def module_scope(
    parsed: Iterable[HclDocument],
    tfvars: Sequence[VariableSource],
    errors: list[ScanError],
    parse: Parse = parse_file,
    inputs: Mapping[str, Any] | None = None,
) -> Scope:
    """Variables (defaults, then tfvars files and ``--var`` values in order, then a caller's inputs) and
    locals of one module."""
    scope = Scope(errors=errors)
    declared_types: dict[str, str] = {}
    for document in parsed:
        for block in document.body.blocks:
            if block.type == "variable" and block.labels and "type" in block.attributes:
                declared_types[block.labels[0]] = _type_text(document, block.attributes["type"], scope)
            if block.type == "variable" and block.labels and "default" in block.attributes:
                scope.variables[block.labels[0]] = _pending(
                    document, block.attributes["default"], "default at"
                )
            elif block.type == "locals":
                scope.locals.update(
                    {name: _pending(document, a, "local at") for name, a in block.attributes.items()}
                )
    for path in tfvars:
        if isinstance(path, VarValue):
            value = typed_value(path, declared_types.get(path.name), errors)
            scope.variables[path.name] = Provided(value, path.label)
            continue
        try:
            document = parse(path)
        except HclError as exc:
            errors.append(exc.to_scan_error())
            continue
        scope.variables.update(
            {name: _pending(document, a, "tfvars") for name, a in document.body.attributes.items()}
        )
    scope.variables.update(inputs or {})
    return scope


def _type_text(document: HclDocument, attribute: Attribute, scope: Scope) -> str:
    """A variable's type constraint as text (``list(string)``): a string in JSON syntax, an expression in HCL."""
    value = evaluate(attribute.node, document.source, scope)
    return value if isinstance(value, str) else node_text(attribute.node, document.source)


def _pending(document: HclDocument, attribute: Attribute, label: str) -> Pending:
    span = attribute.span
    where = f"{document.path}:{span.start_line}"
    return Pending(attribute.node, document.source, where, f"{label} {where}:{span.start_column}")


def _build(
    document: HclDocument, block: Block, scope: Scope, errors: list[ScanError], prefix: str = ""
) -> TfResource | None:
    mode = "managed" if block.type == "resource" else "data"
    rtype, rname = block.labels
    line = block.span.start_line
    where = f"{document.path}:{line}"
    try:
        count = _attribute(document, block, "count", scope)
        if count == 0 or count is False:
            return None
        origins: dict[str, AttributeOrigin] = {}
        attrs = materialize(block, document.source, scope, origins)
        references = references_of(block, document.source)
    except RecursionError:
        errors.append(
            ScanError(where=where, reason=f"{rtype}.{rname}: expressions nested too deeply; not loaded")
        )
        return None
    address = f"{rtype}.{rname}" if mode == "managed" else f"data.{rtype}.{rname}"
    address = f"{prefix}.{address}" if prefix else address
    return TfResource(
        type=rtype,
        name=rname,
        address=address,
        attrs=attrs,
        source=Source(kind="hcl", file=str(document.path), line=line),
        mode=mode,
        module=prefix,
        suppressions=tuple(_skips(block.comments, where, errors)),
        references=tuple(sorted(references)),
        origins=origins,
    )


def _attribute(document: HclDocument, block: Block, name: str, scope: Scope) -> Any:
    attribute = block.attributes.get(name)
    return evaluate(attribute.node, document.source, scope) if attribute is not None else None


def materialize(
    block: Block,
    source: bytes,
    scope: Scope,
    origins: dict[str, AttributeOrigin] | None = None,
    path: str = "",
) -> dict[str, Any]:
    """Resolve a block body: attributes evaluated, nested blocks as lists of dicts (as plans give them);
    ``dynamic "x"`` blocks become blocks when for_each resolves, else Unknown.

    With ``origins``, every attribute and nested block records where it is written and which
    variables and locals fed it, under its path (``a``, ``block.a``, ``block[1].a``)."""
    attrs: dict[str, Any] = {}
    for name, attribute in block.attributes.items():
        if origins is None:
            attrs[name] = evaluate(attribute.node, source, scope)
            continue
        scope.trace = []
        try:
            attrs[name] = evaluate(attribute.node, source, scope)
            origins[path + name] = AttributeOrigin(attribute.span, tuple(dict.fromkeys(scope.trace)))
        finally:
            scope.trace = None
    for nested in block.blocks:
        if nested.type == "dynamic" and nested.labels:
            name = nested.labels[0]
            if origins is not None:
                origins[path + name] = AttributeOrigin(nested.span)
            attrs[name] = _dynamic(nested, source, scope, origins, f"{path}{name}.")
            continue
        existing = attrs.get(nested.type)
        index = len(existing) if isinstance(existing, list) else 0
        key = f"{path}{nested.type}" + (f"[{index}]" if index else "")
        if origins is not None:
            origins[key] = AttributeOrigin(nested.span)
        body = materialize(nested, source, scope, origins, key + ".")
        if nested.json_object:  # JSON syntax: a block or a map, read as one mapping (values.block reads both)
            attrs[nested.type] = body
        elif isinstance(existing, list):
            existing.append(body)
        else:
            attrs[nested.type] = [body]
    return attrs


def _dynamic(
    block: Block, source: bytes, scope: Scope, origins: dict[str, AttributeOrigin] | None, path: str
) -> Any:
    for_each = block.attributes.get("for_each")
    value = evaluate(for_each.node, source, scope) if for_each is not None else None
    if not isinstance(value, (list, dict)):
        return Unknown(f'dynamic "{block.labels[0]}"')
    content = next(block.blocks_of("content"), None)
    body = materialize(content, source, scope, origins, path) if content is not None else {}
    return [body for _ in range(len(value))]


def references_of(block: Block, source: bytes) -> set[str]:
    """Every resource address the block's expressions (nested blocks included) point at."""
    found: set[str] = set()
    for attribute in block.attributes.values():
        found |= references_in(attribute.node, source)
    for nested in block.blocks:
        found |= references_of(nested, source)
    return found


def _skips(comments: Iterable[str], where: str, errors: list[ScanError]) -> Iterator[Suppression]:
    """``# mlscan:skip=ID[,ID] reason`` comments anywhere inside the block (reason required)."""
    for comment in comments:
        match = _SKIP.search(comment)
        if not match:
            continue
        reason = (match.group(2) or "").strip().removesuffix("*/").strip()
        if not reason:
            errors.append(
                ScanError(where=where, reason=f"mlscan:skip={match.group(1)} ignored: a reason is required")
            )
            continue
        for policy_id in match.group(1).split(","):
            if policy_id:
                yield Suppression(policy_id=policy_id, reason=reason, origin="inline")
