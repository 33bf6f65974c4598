"""Instantiate local child modules (``module "x" { source = "./modules/y" ... }``) as Terraform would.

A module directory means something only with the values its caller passes: scanned on
its own, every input without a default is unknown. So a directory that another scanned
directory calls is loaded as ``module.x`` with the caller's inputs (resolved in the
caller's scope), its resources addressed ``module.x.type.name``, and not again on its own.
Registry and git sources cannot be fetched offline; scan a plan for those.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.iac.expressions import Provided, Scope, evaluate
from scanner.iac.hcl_loader import HclDocument, Parse, module_resources, module_scope, parse_files
from scanner.iac.types import TfResource
from scanner.iac.variables import VariableSource
from scanner.model import ScanError

MAX_DEPTH = 8
"""Deeper nesting than this is almost certainly a cycle through symlinks; stop there."""
_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


@dataclass(frozen=True)
class ModuleCall:
    """One ``module`` block with a local source, and the inputs it passes."""

    name: str
    directory: Path
    """The source directory as written from the caller (normalized, not resolved: paths stay as typed)."""
    inputs: Mapping[str, Any]


def local_calls(parsed: Iterable[HclDocument], scope: Scope, base: Path) -> list[ModuleCall]:
    """The module blocks of a module whose source is a local path (``./`` or ``../``)."""
    calls: list[ModuleCall] = []
    for document in parsed:
        for block in document.body.blocks_of("module"):
            source_attr = block.attributes.get("source")
            source = evaluate(source_attr.node, document.source, scope) if source_attr else None
            if not block.labels or not isinstance(source, str) or not source.startswith(("./", "../")):
                continue
            count = block.attributes.get("count")
            if count is not None and evaluate(count.node, document.source, scope) == 0:
                continue
            inputs = {
                name: Provided(
                    evaluate(attribute.node, document.source, scope),
                    f"module.{block.labels[0]} input at {attribute.span}",
                )
                for name, attribute in block.attributes.items()
                if name not in _META_ARGUMENTS
            }
            calls.append(ModuleCall(block.labels[0], Path(os.path.normpath(base / source)), inputs))
    return calls


def called_directories(
    directory: Path, files: Sequence[Path], tfvars: Sequence[VariableSource], parse: Parse
) -> set[Path]:
    """The local module directories a module calls (directly), resolved."""
    errors: list[ScanError] = []
    parsed = parse_files(files, parse, errors)
    scope = module_scope(parsed, tfvars, errors, parse)
    return {call.directory.resolve() for call in local_calls(parsed, scope, directory)}


def load_tree(
    directory: Path,
    files: Sequence[Path],
    tfvars: Sequence[VariableSource],
    parse: Parse,
    files_of: Callable[[Path], list[Path]],
    *,
    prefix: str = "",
    inputs: Mapping[str, Any] | None = None,
    stack: tuple[Path, ...] = (),
) -> tuple[list[TfResource], list[ScanError]]:
    """A module's resources plus those of every local child module, instantiated with their inputs."""
    errors: list[ScanError] = []
    parsed = parse_files(files, parse, errors)
    scope = module_scope(parsed, tfvars, errors, parse, inputs)
    resources = module_resources(parsed, scope, errors, prefix)
    for call in local_calls(parsed, scope, directory):
        where = f"{directory} (module.{call.name})"
        child_files = files_of(call.directory)
        if not child_files:
            errors.append(ScanError(where=where, reason=f"module source {call.directory} has no .tf files"))
            continue
        if call.directory.resolve() in (*stack, directory.resolve()) or len(stack) >= MAX_DEPTH:
            errors.append(ScanError(where=where, reason="module nesting too deep or cyclic; not expanded"))
            continue
        child_prefix = f"{prefix}.module.{call.name}" if prefix else f"module.{call.name}"
        child_resources, child_errors = load_tree(
            call.directory,
            child_files,
            (),
            parse,
            files_of,
            prefix=child_prefix,
            inputs=call.inputs,
            stack=(*stack, directory.resolve()),
        )
        resources += child_resources
        errors += child_errors
    return resources, errors
