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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import chain

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


@dataclass
class PolicyTally:
    """The findings of one policy in one scan, with their failing and undetermined counts (counted once)."""

    findings: list[Finding]
    failed: int = 0
    unknown: int = 0
    unbuilt_passes: int = 0
    """Passes counted but not built as findings (``ScanResult.unbuilt_passes``)."""


def tally(
    findings: Iterable[Finding],
    providers: Sequence[str] = (),
    unbuilt_passes: Mapping[str, Mapping[str, int]] | None = None,
) -> dict[str, PolicyTally]:
    """Findings grouped by policy id (only ``providers``' when given), counted in one pass, plus the
    passes a lean scan counted without building (policy id → provider → count)."""
    by_policy: dict[str, PolicyTally] = {}
    for policy_id, by_provider in (unbuilt_passes or {}).items():
        count = sum(n for provider, n in by_provider.items() if not providers or provider in providers)
        if count:
            by_policy[policy_id] = PolicyTally([], unbuilt_passes=count)
    for finding in findings:
        if providers and finding.provider not in providers:
            continue
        entry = by_policy.get(finding.policy_id)
        if entry is None:
            entry = by_policy[finding.policy_id] = PolicyTally([])
        entry.findings.append(finding)
        if finding.status is Status.FAIL:
            entry.failed += 1
        elif finding.status is not Status.PASS:
            entry.unknown += 1
    return by_policy


def roll_up_control(control: Control, tallies: dict[str, PolicyTally]) -> ControlResult:
    """The status of ``control`` given the scan's findings tallied by policy id."""
    if not control.policies:
        return ControlResult(
            control, ControlStatus.NOT_ASSESSED, (), "no automated policy maps to this control"
        )
    parts = [tallies[pid] for pid in control.policies if pid in tallies]
    findings = tuple(chain.from_iterable(t.findings for t in parts))
    checks = len(findings) + sum(t.unbuilt_passes for t in parts)
    if not checks:
        return ControlResult(control, ControlStatus.NOT_ASSESSED, (), "no resource in scope of its policies")
    failed = sum(t.failed for t in parts)
    unknown = sum(t.unknown for t in parts)
    if failed:
        return ControlResult(control, ControlStatus.FAIL, findings, f"{failed} of {checks} checks failed")
    if unknown:
        reason = f"{unknown} of {checks} checks could not be determined"
        return ControlResult(control, ControlStatus.UNKNOWN, findings, reason)
    return ControlResult(control, ControlStatus.PASS, findings, f"all {checks} checks passed")


def roll_up(
    framework: Framework, findings: Iterable[Finding], tallies: dict[str, PolicyTally] | None = None
) -> FrameworkResult:
    """Roll the findings of one scan up into every control of ``framework``.

    A framework limited to some providers only counts findings on those providers. ``tallies``
    (from :func:`tally` with the framework's providers) lets several frameworks share one pass.
    """
    by_policy = tallies if tallies is not None else tally(findings, framework.providers)
    return FrameworkResult(framework, tuple(roll_up_control(c, by_policy) for c in framework.controls))


def roll_up_all(
    frameworks: Sequence[Framework],
    findings: Sequence[Finding],
    unbuilt_passes: Mapping[str, Mapping[str, int]] | None = None,
) -> tuple[FrameworkResult, ...]:
    """:func:`roll_up` for each framework, in the order given (findings tallied once per provider scope).

    ``unbuilt_passes`` (``ScanResult.unbuilt_passes``) counts as passing checks that are not findings."""
    shared: dict[tuple[str, ...], dict[str, PolicyTally]] = {}
    results = []
    for fw in frameworks:
        scope = tuple(fw.providers or ())
        if scope not in shared:
            shared[scope] = tally(findings, scope, unbuilt_passes)
        results.append(roll_up(fw, findings, shared[scope]))
    return tuple(results)


def controls_by_policy(frameworks: Sequence[Framework]) -> dict[str, list[str]]:
    """policy id → ``["<framework id>:<control id>", ...]`` (for CSV, SARIF and JUnit columns)."""
    mapping: dict[str, list[str]] = {}
    for framework in frameworks:
        for control in framework.controls:
            for pid in control.policies:
                mapping.setdefault(pid, []).append(f"{framework.id}:{control.id}")
    return mapping
