"""The JSON result contract (``--format json``): stable; every other format derives from it.

``mlscan report RESULTS.json`` re-renders any format from this document, so
:func:`result_to_dict` and :func:`result_from_dict` must round-trip.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scanner import __version__
from scanner.model import (
    Finding,
    PolicyInfo,
    Provenance,
    Resource,
    ScanError,
    ScanResult,
    Severity,
    Source,
    Status,
    Suppression,
)

if TYPE_CHECKING:
    from scanner.compliance.rollup import FrameworkResult

SCHEMA_VERSION = "3"
"""2: compliance controls reference findings by index (``finding_indexes``) instead of copying them.
3: every finding carries ``controls`` (framework id → control ids); policies carry ``help_uri``."""

ControlsOf = Callable[[Finding], Mapping[str, Sequence[str]]]
"""framework id → control ids a finding evidences (``ReportContext.finding_controls``)."""


def result_to_dict(result: ScanResult, controls: ControlsOf | None = None) -> dict[str, Any]:
    """The whole scan as plain JSON data."""
    return {
        key: value if not callable(value) else list(value())
        for key, value in result_sections(result, controls)
    }


def result_sections(result: ScanResult, controls: ControlsOf | None = None) -> Iterator[tuple[str, Any]]:
    """The top-level keys of the JSON result in order; the two big lists come as functions that yield
    their items one at a time, so a writer can serialize them without holding a second copy.

    ``controls`` gives each finding its controls; without it (no frameworks loaded) they are empty."""
    yield "schema_version", SCHEMA_VERSION
    yield "tool", {"name": "mlscan", "version": __version__}
    yield "command", result.command
    yield "targets", list(result.targets)
    yield "started_at", result.started_at
    yield "finished_at", result.finished_at
    yield "summary", summarize(result)
    yield "resources", lambda: (resource_to_dict(r) for r in result.resources)
    yield "policies", [policy_to_dict(p) for p in result.policies]
    yield "findings", lambda: (finding_to_dict(f, controls(f) if controls else None) for f in result.findings)
    yield "errors", [{"where": e.where, "reason": e.reason, "stage": e.stage} for e in result.errors]
    yield from result.extras.items()


def summarize(result: ScanResult) -> dict[str, Any]:
    """Counts by status, and failing (unsuppressed) findings by severity."""
    by_status = Counter(f.status.value for f in result.findings)
    by_status[Status.PASS.value] += (
        result.unbuilt_pass_count
    )  # passes counted, not built (no format lists them)
    failing = Counter(f.severity.value for f in result.findings if f.failing)
    return {
        "resources": len(result.resources),
        "findings": len(result.findings) + result.unbuilt_pass_count,
        "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
        "failing_by_severity": {s.value: failing.get(s.value, 0) for s in Severity},
        "suppressed": sum(1 for f in result.findings if f.suppressed),
        "errors": len(result.errors),
        "complete": not result.errors,
    }


def resource_to_dict(resource: Resource) -> dict[str, Any]:
    """A resource with its facts as a flat object of dotted names."""
    return {
        "provider": resource.provider,
        "service": resource.service,
        "kind": resource.kind,
        "type": resource.resource_type,
        "id": resource.id,
        "name": resource.name,
        "account": resource.account,
        "region": resource.region,
        "tags": dict(resource.tags),
        "source": resource.source.to_dict(),
        "facts": dict(resource.facts),
        "links": list(resource.links),
        "raw": dict(resource.raw),
        "provenance": {fact: p.to_dict() for fact, p in resource.provenance.items()},
    }


def finding_to_dict(finding: Finding, controls: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """One finding; ``suppressed`` is null or the suppression (reason, origin, owner, expiry);
    ``controls`` maps each framework id to the control ids the finding evidences (derived from the
    frameworks of the scan: :func:`result_from_dict` drops it and a re-render recomputes it)."""
    return {
        "policy_id": finding.policy_id,
        "title": finding.title,
        "category": finding.category,
        "severity": finding.severity.value,
        "status": finding.status.value,
        "resource_id": finding.resource_id,
        "resource_kind": finding.resource_kind,
        "resource_name": finding.resource_name,
        "provider": finding.provider,
        "account": finding.account,
        "region": finding.region,
        "resource_type": finding.resource_type,
        "fingerprint": finding.fingerprint,
        "message": finding.message,
        "source": finding.source.to_dict(),
        "evidence": dict(finding.evidence),
        "remediation": finding.remediation,
        "suppressed": _suppression_to_dict(finding.suppressed),
        "provenance": {key: p.to_dict() for key, p in finding.provenance.items()},
        "controls": {framework: list(ids) for framework, ids in (controls or {}).items()},
    }


def policy_to_dict(policy: PolicyInfo) -> dict[str, Any]:
    """One policy that ran: what SARIF rules, HTML and CSV say about it."""
    return {
        "id": policy.id,
        "title": policy.title,
        "description": policy.description,
        "category": policy.category,
        "severity": policy.severity.value,
        "remediation": dict(policy.remediation),
        "references": list(policy.references),
        "help_uri": policy.help_uri,
    }


def _policy_from_dict(p: Mapping[str, Any]) -> PolicyInfo:
    return PolicyInfo(
        id=p["id"],
        title=p.get("title", p["id"]),
        description=p.get("description", ""),
        category=p.get("category", ""),
        severity=Severity(p.get("severity", "info")),
        remediation=dict(p.get("remediation") or {}),
        references=tuple(p.get("references") or ()),
        help_uri=p.get("help_uri") or "",
    )


def _suppression_to_dict(s: Suppression | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {k: v for k, v in s.__dict__.items() if v is not None}


def result_from_dict(data: Mapping[str, Any]) -> ScanResult:
    """Rebuild a ScanResult from its JSON form (for ``mlscan report``)."""
    resources = tuple(
        Resource(
            provider=r["provider"],
            service=r.get("service", ""),
            kind=r["kind"],
            id=r["id"],
            name=r.get("name") or r["id"],
            source=Source(**r.get("source", {"kind": "unknown"})),
            facts=r.get("facts", {}),
            account=r.get("account"),
            region=r.get("region"),
            tags=r.get("tags", {}),
            raw=r.get("raw", {}),
            links=tuple(r.get("links", ())),
            resource_type=r.get("type"),
            provenance={k: Provenance.from_dict(v) for k, v in r.get("provenance", {}).items()},
        )
        for r in data.get("resources", [])
    )
    findings = tuple(
        Finding(
            policy_id=f["policy_id"],
            title=f["title"],
            category=f["category"],
            severity=Severity(f["severity"]),
            status=Status(f["status"]),
            resource_id=f["resource_id"],
            resource_kind=f["resource_kind"],
            resource_name=f.get("resource_name") or f["resource_id"],
            provider=f["provider"],
            message=f["message"],
            source=Source(**f.get("source", {"kind": "unknown"})),
            evidence=f.get("evidence", {}),
            remediation=f.get("remediation"),
            suppressed=Suppression(**f["suppressed"]) if f.get("suppressed") else None,
            provenance={k: Provenance.from_dict(v) for k, v in f.get("provenance", {}).items()},
            account=f.get("account"),
            region=f.get("region"),
            resource_type=f.get("resource_type"),
        )
        for f in data.get("findings", [])
    )
    errors = tuple(
        ScanError(where=e["where"], reason=e["reason"], stage=e.get("stage", "source"))
        for e in data.get("errors", [])
    )
    known = {
        "schema_version",
        "tool",
        "command",
        "targets",
        "started_at",
        "finished_at",
        "summary",
        "resources",
        "findings",
        "policies",
        "errors",
        "compliance",
    }
    return ScanResult(
        resources=resources,
        findings=findings,
        errors=errors,
        started_at=data.get("started_at", ""),
        finished_at=data.get("finished_at", ""),
        command=data.get("command", ""),
        targets=tuple(data.get("targets", ())),
        extras={k: v for k, v in data.items() if k not in known},
        policies=tuple(_policy_from_dict(p) for p in data.get("policies", [])),
    )


def compliance_to_dict(
    frameworks: Sequence[FrameworkResult], findings: Sequence[Finding] | None = None
) -> list[dict[str, Any]]:
    """The control roll-up as JSON: per framework, per control, the status and the findings behind it.

    With ``findings`` (the result's own list, as in the JSON result) a control names its findings by
    position in that list (``finding_indexes``), so no finding is written twice; without it (an
    evidence pack's standalone summary) each finding is named by policy, resource and status.
    Derived data: :func:`result_from_dict` drops it and a re-render recomputes it.
    """
    position = _positions_by_policy(findings) if findings is not None else None
    return [
        {
            "id": fr.framework.id,
            "name": fr.framework.name,
            "version": fr.framework.version,
            "status": fr.status.value,
            "counts": fr.counts(),
            "controls": [_control(c, position, fr.framework.providers or ()) for c in fr.controls],
        }
        for fr in frameworks
    ]


def _positions_by_policy(findings: Sequence[Finding]) -> dict[str, list[tuple[int, str]]]:
    """policy id → [(index in the result's findings, provider)], in finding order."""
    found: dict[str, list[tuple[int, str]]] = {}
    for index, finding in enumerate(findings):
        found.setdefault(finding.policy_id, []).append((index, finding.provider))
    return found


def _indexes(c: Any, providers: Sequence[str], positions: Mapping[str, list[tuple[int, str]]]) -> list[int]:
    """The positions of a control's findings, in the roll-up's order (its policies, then finding order)."""
    return [
        index
        for pid in c.control.policies
        for index, provider in positions.get(pid, ())
        if not providers or provider in providers
    ]


def _control(
    c: Any, position: Mapping[str, list[tuple[int, str]]] | None, providers: Sequence[str] = ()
) -> dict[str, Any]:
    data = {
        "id": c.control.id,
        "title": c.control.title,
        "status": c.status.value,
        "reason": c.reason,
        "policies": list(c.control.policies),
        "suppressed": c.suppressed,
    }
    if position is not None:
        data["finding_indexes"] = _indexes(c, providers, position) if c.findings else []
    else:
        data["findings"] = [
            {"policy_id": f.policy_id, "resource_id": f.resource_id, "status": f.status.value}
            for f in c.findings
        ]
    return data
