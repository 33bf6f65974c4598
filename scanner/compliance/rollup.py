"""Control roll-up: the status of every control of a framework, from the findings of one scan.

Rules (issue 6): a control *fails* if any finding of a mapped policy fails, is
*unknown* if any is unknown or errored (and none fails), *passes* only if every
mapped finding passed, and is *not assessed* when no automated policy maps to it
or no resource was in scope. "Not assessed" is never counted as passed.

Suppressed (waived, baselined, inline-skipped) findings keep their status here:
an accepted risk is still a gap an auditor must see; the count of suppressed
findings is reported beside the status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from scanner.compliance.frameworks import Control, Framework
from scanner.model import Finding, Status


class ControlStatus(str, Enum):
    """Outcome of one control."""

    FAIL = "fail"
    UNKNOWN = "unknown"
    PASS = "pass"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class ControlResult:
    """One control's status and the findings behind it."""

    control: Control
    status: ControlStatus
    findings: tuple[Finding, ...]
    reason: str
    """Why the status is what it is, in one sentence (shown in reports and evidence)."""

    @property
    def suppressed(self) -> int:
        """How many of the findings behind the control are accepted risks."""
        return sum(1 for f in self.findings if f.suppressed is not None)

    @property
    def resource_ids(self) -> tuple[str, ...]:
        """The resources whose findings evidence this control, in first-seen order."""
        return tuple(dict.fromkeys(f.resource_id for f in self.findings))


@dataclass(frozen=True)
class FrameworkResult:
    """Every control of one framework after a scan."""

    framework: Framework
    controls: tuple[ControlResult, ...]

    def counts(self) -> dict[str, int]:
        """Controls per status, every status present (zero when none)."""
        counts = {s.value: 0 for s in ControlStatus}
        for c in self.controls:
            counts[c.status.value] += 1
        return counts

    @property
    def status(self) -> ControlStatus:
        """The framework's overall status: the worst control status, ignoring not-assessed ones."""
        statuses = {c.status for c in self.controls}
        for candidate in (ControlStatus.FAIL, ControlStatus.UNKNOWN, ControlStatus.PASS):
            if candidate in statuses:
                return candidate
        return ControlStatus.NOT_ASSESSED


def roll_up_control(control: Control, findings_by_policy: dict[str, list[Finding]]) -> ControlResult:
    """The status of ``control`` given the scan's findings grouped by policy id."""
    if not control.policies:
        return ControlResult(
            control, ControlStatus.NOT_ASSESSED, (), "no automated policy maps to this control"
        )
    findings = tuple(f for pid in control.policies for f in findings_by_policy.get(pid, ()))
    if not findings:
        return ControlResult(control, ControlStatus.NOT_ASSESSED, (), "no resource in scope of its policies")
    failed = sum(1 for f in findings if f.status is Status.FAIL)
    unknown = sum(1 for f in findings if f.status in (Status.UNKNOWN, Status.ERROR))
    if failed:
        return ControlResult(
            control, ControlStatus.FAIL, findings, f"{failed} of {len(findings)} checks failed"
        )
    if unknown:
        reason = f"{unknown} of {len(findings)} checks could not be determined"
        return ControlResult(control, ControlStatus.UNKNOWN, findings, reason)
    return ControlResult(control, ControlStatus.PASS, findings, f"all {len(findings)} checks passed")


def roll_up(framework: Framework, findings: Iterable[Finding]) -> FrameworkResult:
    """Roll the findings of one scan up into every control of ``framework``.

    A framework limited to some providers only counts findings on those providers.
    """
    by_policy: dict[str, list[Finding]] = {}
    for finding in findings:
        if framework.providers and finding.provider not in framework.providers:
            continue
        by_policy.setdefault(finding.policy_id, []).append(finding)
    return FrameworkResult(framework, tuple(roll_up_control(c, by_policy) for c in framework.controls))


def roll_up_all(frameworks: Sequence[Framework], findings: Sequence[Finding]) -> tuple[FrameworkResult, ...]:
    """:func:`roll_up` for each framework, in the order given."""
    return tuple(roll_up(fw, findings) for fw in frameworks)


def controls_by_policy(frameworks: Sequence[Framework]) -> dict[str, list[str]]:
    """policy id → ``["<framework id>:<control id>", ...]`` (for CSV, SARIF and JUnit columns)."""
    mapping: dict[str, list[str]] = {}
    for framework in frameworks:
        for control in framework.controls:
            for pid in control.policies:
                mapping.setdefault(pid, []).append(f"{framework.id}:{control.id}")
    return mapping
