"""Fix → re-scan → compare: the check that a fix plan fixes what it claims and breaks nothing.

Used by the tests and ``bench/fix_rate.py`` on copies of Terraform trees. New input
variables get test values in an ``.auto.tfvars`` file, standing in for the caller who
must set them; without them those findings would be ``unknown`` (not failing) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner.fix.hcl_tree import HclFile
from scanner.fix.metadata import IN_PLACE, Variable
from scanner.fix.patch import write
from scanner.fix.terraform import FixPlan, plan_fixes
from scanner.model import ScanResult, fingerprint_of
from scanner.policy.model import PolicySet

TFVARS_NAME = "mlscan-fix-inputs.auto.tfvars"


@dataclass(frozen=True)
class VerifyReport:
    """What applying every fix to a tree did to its findings."""

    failing: int
    fixed: int
    fixed_in_place: int
    still_failing: tuple[str, ...]
    """Findings a fix claimed that still fail after the re-scan."""
    new_failing: tuple[str, ...]
    """Failing findings the fixed tree has that the original did not."""
    broken_files: tuple[str, ...]
    """Files that parsed before the fix and not after."""
    changed_files: tuple[Path, ...]
    plan: FixPlan


Scanner = Callable[[Path], ScanResult]
"""Scans a Terraform tree with the policies the plan is made from (the caller builds it from the pipeline)."""


def verify_tree(root: Path, policies: PolicySet, scan: Scanner, *, with_inputs: bool = True) -> VerifyReport:
    """Fix ``root`` in place (pass a copy), re-scan it and compare the failing findings."""
    before = scan(root)
    plan = plan_fixes(before, policies, allow_replace=True)
    parsed_before = {path: not HclFile.parse(path, old).broken for path, old, _ in plan.files}
    write(plan)
    if with_inputs:
        write_test_inputs(plan.inputs)
    after = scan(root)
    failing_before, failing_after = _failing(before), _failing(after)
    claimed = {fingerprint_of(o.policy_id, o.resource_id) for o in plan.fixed}
    return VerifyReport(
        failing=len(failing_before),
        fixed=len(claimed),
        fixed_in_place=sum(1 for o in plan.fixed if o.change == IN_PLACE),
        still_failing=tuple(sorted(failing_after[f] for f in claimed & failing_after.keys())),
        new_failing=tuple(sorted(failing_after[f] for f in failing_after.keys() - failing_before.keys())),
        broken_files=tuple(str(p) for p, ok in parsed_before.items() if ok and HclFile.parse(p).broken),
        changed_files=tuple(path for path, _, _ in plan.files),
        plan=plan,
    )


def write_test_inputs(inputs: Iterable[tuple[Path, Variable]]) -> None:
    """Give every new input variable a test value (a string, or a list of one string)."""
    by_directory: dict[Path, list[Variable]] = {}
    for directory, variable in inputs:
        by_directory.setdefault(directory, []).append(variable)
    for directory, variables in by_directory.items():
        lines = [f"{v.name} = {_test_value(v)}" for v in variables]
        (directory / TFVARS_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _test_value(variable: Variable) -> str:
    value = f'"mlscan-test-{variable.name.replace("_", "-")}"'
    return f"[{value}]" if variable.type.startswith(("list", "set")) else value


def _failing(result: ScanResult) -> dict[str, str]:
    """Failing findings by fingerprint (this policy on this resource), with a name to show."""
    return {f.fingerprint: f"{f.policy_id} {f.resource_id}" for f in result.findings if f.failing}
