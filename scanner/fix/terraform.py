"""Turn failing Terraform findings into exact edits of the .tf files that declare the resources.

For each failing finding the policy's fix entry for the resource type says what to set.
The block is found by its type, name and line; a ``via`` entry follows a reference
(an endpoint to its configuration, a configuration to its model, a workspace to its
storage account). A value held in ``var.X`` is fixed where X gets its value (tfvars,
else the variable's default); a value that cannot be invented becomes a new input
variable. Fixes that replace the resource are written only when allowed. Every
finding gets an outcome saying what was done, or why not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.fix.hcl_edit import FileEditor, ManualFix, VariableInput
from scanner.fix.hcl_tree import (
    HclFile,
    attribute_value,
    block_body,
    block_labels,
    child_attribute,
    child_blocks,
    resource_reference,
)
from scanner.fix.metadata import (
    IN_PLACE,
    REPLACEMENT,
    Setting,
    TerraformFix,
    Variable,
    manual_reason,
    terraform_fix_for,
)
from scanner.model import Finding, Resource, ScanError, ScanResult
from scanner.policy.model import Policy, PolicySet

FIXED = "fixed"
NEEDS_REPLACE = "needs --allow-replace"
MANUAL = "manual"
NO_FIX = "no mechanical fix"


@dataclass(frozen=True)
class FixOutcome:
    """What ``mlscan fix`` did about one failing finding."""

    policy_id: str
    resource_id: str
    status: str
    """``fixed``, ``needs --allow-replace``, ``manual`` or ``no mechanical fix``."""
    detail: str
    """What was set (``root_access = "Disabled"``) or why nothing was."""
    change: str | None = None
    """``in_place`` or ``replacement`` for the resource the fix edits."""
    explanation: str = ""
    location: str = ""
    inputs: tuple[str, ...] = ()
    """Input variables the fix added that whoever applies it must set."""


@dataclass(frozen=True)
class FixPlan:
    """Every outcome and the new content of every file that changes."""

    outcomes: tuple[FixOutcome, ...]
    files: tuple[tuple[Path, bytes, bytes], ...]
    """(path, original bytes, new bytes) for each changed file."""
    errors: tuple[ScanError, ...] = ()
    inputs: tuple[tuple[Path, Variable], ...] = ()
    """(module directory, variable) for every input variable the fixes reference."""

    @property
    def fixed(self) -> tuple[FixOutcome, ...]:
        """Outcomes whose edits are in :attr:`files`."""
        return tuple(o for o in self.outcomes if o.status == FIXED)


@dataclass
class _Workspace:
    """Parsed files and their editors, shared by every finding of one run."""

    editors: dict[Path, FileEditor] = field(default_factory=dict)
    declared: dict[tuple[Path, str], Variable] = field(default_factory=dict)

    def editor(self, path: Path) -> FileEditor:
        key = path.resolve()
        if key not in self.editors:
            self.editors[key] = FileEditor(HclFile.parse(path))
        return self.editors[key]

    def module_files(self, path: Path) -> list[Path]:
        return [path, *(p for p in sorted(path.parent.glob("*.tf")) if p.resolve() != path.resolve())]

    def find_block(self, path: Path, kind: str, *labels: str) -> tuple[FileEditor, Any] | None:
        for candidate in self.module_files(path):
            editor = self.editor(candidate)
            found = editor.hcl.blocks(kind, *labels)
            if found:
                return editor, found[0]
        return None

    def tfvars(self, path: Path) -> list[Path]:
        directory = path.parent
        named = directory / "terraform.tfvars"
        return ([named] if named.is_file() else []) + sorted(directory.glob("*.auto.tfvars"))


def plan_fixes(result: ScanResult, policies: PolicySet, *, allow_replace: bool = False) -> FixPlan:
    """Edits for every failing finding of a Terraform scan, and an outcome per finding."""
    workspace = _Workspace()
    resources = {r.id: r for r in result.resources}
    outcomes = []
    for finding in result.findings:
        if not finding.failing:
            continue
        policy = policies.by_id(finding.policy_id)
        resource = resources.get(finding.resource_id)
        outcomes.append(_fix_one(workspace, finding, policy, resource, allow_replace))
    files, errors = [], []
    for editor in workspace.editors.values():
        if not editor.changed:
            continue
        try:
            new = editor.render()
        except ManualFix as exc:
            errors.append(ScanError(where=str(editor.hcl.path), reason=str(exc), stage="fix"))
            continue
        if HclFile.parse(editor.hcl.path, new).broken and not editor.hcl.broken:
            errors.append(
                ScanError(where=str(editor.hcl.path), reason="fix would not parse; not written", stage="fix")
            )
            continue
        files.append((editor.hcl.path, editor.hcl.source, new))
    inputs = tuple((directory, variable) for (directory, _), variable in workspace.declared.items())
    return FixPlan(tuple(outcomes), tuple(sorted(files)), tuple(errors), inputs)


def _fix_one(
    workspace: _Workspace,
    finding: Finding,
    policy: Policy | None,
    resource: Resource | None,
    allow_replace: bool,
) -> FixOutcome:
    where = str(finding.source)
    base = {"policy_id": finding.policy_id, "resource_id": finding.resource_id, "location": where}
    if policy is None or resource is None or resource.source.kind != "hcl" or not resource.source.file:
        return FixOutcome(
            **base, status=NO_FIX, detail="not declared in a .tf file (plans and live: use --from)"
        )
    if resource.source.file.endswith(".json"):
        return FixOutcome(
            **base, status=NO_FIX, detail="declared in Terraform JSON syntax (.tf.json): fix its generator"
        )
    entry = terraform_fix_for(policy, resource.resource_type)
    if entry is None:
        reason = manual_reason(policy) or f"no fix entry for {resource.resource_type}"
        return FixOutcome(**base, status=NO_FIX, detail=reason)
    type_name, name = _type_and_name(resource)
    located = _locate(workspace, resource.source.path, type_name, name, resource.source.line)
    if located is None:
        return FixOutcome(**base, status=MANUAL, detail=f"resource {type_name}.{name} not found in {where}")
    states = {path: e.checkpoint() for path, e in workspace.editors.items()}
    try:
        steps = list(_resolve(workspace, policy, entry, *located, resource.id.split(":")[-1]))
        change = REPLACEMENT if any(e.replaces for e, _, _ in steps) else IN_PLACE
        explanation = " ".join(e.explanation for e, _, _ in steps if e.explanation)
        if change == REPLACEMENT and not allow_replace:
            raise _Skip(NEEDS_REPLACE, "replaces the resource: " + explanation)
        details, inputs = [], []
        for step, editor, block in steps:
            d, i = _apply(workspace, step, editor, block, resource.id.split(":")[-1].startswith("module."))
            details += d
            inputs += i
    except (ManualFix, _Skip) as exc:
        for path, state in states.items():
            workspace.editors[path].rollback(state)
        status = exc.status if isinstance(exc, _Skip) else MANUAL
        return FixOutcome(**base, status=status, detail=exc.detail if isinstance(exc, _Skip) else str(exc))
    return FixOutcome(
        **base,
        status=FIXED,
        detail="; ".join(details) or "already set",
        change=change,
        explanation=explanation,
        inputs=tuple(dict.fromkeys(inputs)),
    )


class _Skip(Exception):
    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def _type_and_name(resource: Resource) -> tuple[str, str]:
    address = resource.id.split(":")[-1]
    parts = [p.split("[")[0] for p in address.split(".")]
    return resource.resource_type or parts[-2], parts[-1]


def _locate(
    workspace: _Workspace, path: Path, type_name: str, name: str, line: int | None
) -> tuple[FileEditor, Any] | None:
    if not path.is_file():
        return None
    editor = workspace.editor(path)
    blocks = editor.hcl.blocks("resource", type_name, name)
    at_line = [b for b in blocks if line is None or b.start_point[0] + 1 == line]
    if at_line or blocks:
        return editor, (at_line or blocks)[0]
    return workspace.find_block(path, "resource", type_name, name)


def _resolve(
    workspace: _Workspace, policy: Policy, entry: TerraformFix, editor: FileEditor, block: Any, address: str
) -> Iterable[tuple[TerraformFix, FileEditor, Any]]:
    """The entry itself, or (through ``via``) the entries of the blocks it references, or (through
    ``referenced_by``) those of the blocks that reference it (an endpoint's azapi deployments)."""
    if entry.referenced_by:
        yield from _resolve_referrers(workspace, policy, entry, editor, block, address)
        return
    if not entry.via:
        yield entry, editor, block
        return
    targets = _references(editor, block, entry.via)
    if not targets:
        raise ManualFix(f"{'.'.join(entry.via)} of {address} does not reference a resource in this module")
    for type_name, name in targets:
        target_entry = terraform_fix_for(policy, type_name)
        found = workspace.find_block(editor.hcl.path, "resource", type_name, name)
        if target_entry is None or found is None:
            raise ManualFix(f"{type_name}.{name} (from {'.'.join(entry.via)}) cannot be fixed here")
        yield entry, found[0], found[1]  # the via entry's own change and explanation count too
        yield from _resolve(workspace, policy, target_entry, *found, f"{type_name}.{name}")


def _resolve_referrers(
    workspace: _Workspace, policy: Policy, entry: TerraformFix, editor: FileEditor, block: Any, address: str
) -> Iterable[tuple[TerraformFix, FileEditor, Any]]:
    referrer_type, attribute = entry.referenced_by
    target_entry = terraform_fix_for(policy, referrer_type)
    me = tuple(block_labels(editor.hcl, block)[:2])
    found = [
        (other, candidate)
        for path in workspace.module_files(editor.hcl.path)
        for other in [workspace.editor(path)]
        for candidate in other.hcl.blocks("resource", referrer_type)
        if me in _references(other, candidate, attribute)
    ]
    if target_entry is None or not found:
        raise ManualFix(
            f"no {referrer_type} in this module references {address} through {'.'.join(attribute)}"
        )
    for other, candidate in found:
        yield entry, other, candidate
        yield target_entry, other, candidate


def _references(editor: FileEditor, block: Any, path: tuple[str, ...]) -> list[tuple[str, str]]:
    hcl = editor.hcl
    bodies = [block_body(block)]
    for segment in path[:-1]:
        bodies = [block_body(b) for body in bodies for b in child_blocks(hcl, body, segment)]
    found = []
    for body in bodies:
        attribute = child_attribute(hcl, body, path[-1])
        reference = (
            resource_reference(hcl.text(attribute_value(attribute))) if attribute is not None else None
        )
        if reference is not None and reference not in found:
            found.append(reference)
    return found


def _apply(
    workspace: _Workspace, entry: TerraformFix, editor: FileEditor, block: Any, in_child_module: bool
) -> tuple[list[str], list[str]]:
    details: list[str] = []
    inputs: list[str] = []
    for path in entry.remove:
        if editor.remove(block, path) == "set":
            details.append(f"removed {'.'.join(path)}")
    for setting in entry.settings:
        outcome = editor.set(block, setting)
        if isinstance(outcome, VariableInput):
            outcome = _set_variable(workspace, editor.hcl.path, outcome.name, setting, in_child_module)
        if setting.variable is not None:
            _declare(workspace, editor, setting)
            inputs.append(setting.variable.name)
        if outcome == "set":
            details.append(f"{setting.where} = {setting.rendered()}")
    return details, inputs


def _set_variable(
    workspace: _Workspace, path: Path, name: str, setting: Setting, in_child_module: bool
) -> str:
    """Fix ``var.name`` where it gets its value: a tfvars file, else the variable's default."""
    if in_child_module:
        raise ManualFix(f"the caller of this module must set input {name} = {setting.rendered()}")
    for tfvars in workspace.tfvars(path):
        editor = workspace.editor(tfvars)
        attribute = child_attribute(editor.hcl, editor.hcl.body, name)
        if attribute is not None:
            return editor.replace_value(attribute_value(attribute), setting)
    found = workspace.find_block(path, "variable", name)
    default = child_attribute(found[0].hcl, block_body(found[1]), "default") if found else None
    if default is None:
        raise ManualFix(f"input var.{name} has no default; set {name} = {setting.rendered()} in tfvars")
    return found[0].replace_value(attribute_value(default), setting)


def _declare(workspace: _Workspace, editor: FileEditor, setting: Setting) -> None:
    """Add the ``variable`` block a setting references unless the module already declares it."""
    variable = setting.variable
    key = (editor.hcl.path.resolve().parent, variable.name) if variable else None
    if variable is None or key in workspace.declared:
        return
    workspace.declared[key] = variable
    if workspace.find_block(editor.hcl.path, "variable", variable.name) is None:
        editor.append(variable.block())
