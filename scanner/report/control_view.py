"""The compliance lead's drill-down: every control, failing first, opening to the resources behind it.

A control's status says *whether* it holds; an auditor's next question is *which
resources* make it fail. Each control row carries its resources, fail first, then
unknown, then pass, each with where it came from (live account/region, HCL file:line, a
plan), so the HTML report can list them and filter by framework, control id and source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scanner.compliance.rollup import ControlResult, FrameworkResult
from scanner.model import Finding, Resource, Status
from scanner.report.where import origin, resource_origin

RESOURCE_ORDER = ("fail", "suppressed", "unknown", "pass")
CONTROL_ORDER = ("fail", "unknown", "pass", "not_assessed")


@dataclass(frozen=True)
class ControlResource:
    """One resource under a control: its status for that control and where it was read."""

    resource_id: str
    label: str
    """``provider:kind name``."""
    where: str
    source: str
    """``live``, ``hcl`` or ``plan``: what the report's source filter matches."""
    status: str
    """``fail``, ``suppressed`` (an accepted failure), ``unknown`` or ``pass``."""
    policies: tuple[str, ...]
    """The policies behind that status (the failing ones when it fails)."""


@dataclass(frozen=True)
class ControlRow:
    """One control of one framework, ready for the template."""

    framework_id: str
    framework_name: str
    control_id: str
    title: str
    status: str
    reason: str
    policies: tuple[str, ...]
    resources: tuple[ControlResource, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Resources per status, in :data:`RESOURCE_ORDER`, zeros left out."""
        counted = Counter(r.status for r in self.resources)
        return {status: counted[status] for status in RESOURCE_ORDER if counted[status]}

    @property
    def sources(self) -> tuple[str, ...]:
        """The source kinds of its resources (for the source filter)."""
        return tuple(sorted({r.source for r in self.resources}))


def control_rows(
    frameworks: Sequence[FrameworkResult], resources: Mapping[str, Resource]
) -> list[ControlRow]:
    """Every control of every framework, failing first, then unknown, pass and not assessed."""
    rows = [
        ControlRow(
            framework_id=fr.framework.id,
            framework_name=fr.framework.name,
            control_id=c.control.id,
            title=c.control.title,
            status=c.status.value,
            reason=c.reason,
            policies=tuple(c.control.policies),
            resources=_resources(c, resources),
        )
        for fr in frameworks
        for c in fr.controls
    ]
    rank = {status: i for i, status in enumerate(CONTROL_ORDER)}
    return sorted(rows, key=lambda r: (rank.get(r.status, len(rank)), r.framework_id, r.control_id))


def _resources(control: ControlResult, resources: Mapping[str, Resource]) -> tuple[ControlResource, ...]:
    by_resource: dict[str, list[Finding]] = {}
    for finding in control.findings:
        by_resource.setdefault(finding.resource_id, []).append(finding)
    rows = [_resource_row(rid, items, resources.get(rid)) for rid, items in by_resource.items()]
    rank = {status: i for i, status in enumerate(RESOURCE_ORDER)}
    return tuple(sorted(rows, key=lambda r: (rank[r.status], r.label)))


def _resource_row(resource_id: str, findings: list[Finding], resource: Resource | None) -> ControlResource:
    first = findings[0]
    status, behind = _status(findings)
    return ControlResource(
        resource_id=resource_id,
        label=f"{first.provider}:{first.resource_kind} {first.resource_name}",
        where=resource_origin(resource) if resource is not None else origin(first.source),
        source=(resource.source if resource is not None else first.source).kind,
        status=status,
        policies=tuple(dict.fromkeys(f.policy_id for f in behind)),
    )


def _status(findings: list[Finding]) -> tuple[str, list[Finding]]:
    """The resource's status for the control: any failing finding fails it; unknown is never a pass."""
    for status, test in (
        ("fail", lambda f: f.failing),
        ("suppressed", lambda f: f.status is Status.FAIL),
        ("unknown", lambda f: f.status in (Status.UNKNOWN, Status.ERROR)),
    ):
        behind = [f for f in findings if test(f)]
        if behind:
            return status, behind
    return "pass", findings
