"""The one pipeline: sources → resources → policies → findings → ScanResult.

Every stage takes plain data and returns plain data; the CLI and ``mlscan demo``
call :func:`run_scan` whatever the sources were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from scanner.clouds.base import SourceResult
from scanner.clouds.coverage import produced
from scanner.drift import DRIFT_POLICY, compare, drift_findings
from scanner.model import Finding, Resource, ScanResult, Status
from scanner.policy.evaluate import judge_all
from scanner.policy.loader import fact_vocabulary
from scanner.policy.model import PolicySet
from scanner.privacy.risk import join_served_privacy, risk_to_dict

QUERIES_ANALYSED = "queries.analysed"
"""Set by ``scanner.queries.join`` when ``--query-logs`` measured the endpoint's traffic."""


def now() -> str:
    """UTC timestamp in ISO 8601, for result and evidence metadata."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_scan(
    sources: Sequence[SourceResult],
    policy_set: PolicySet,
    *,
    parameters: Mapping[str, Any] | None = None,
    command: str = "",
    targets: Sequence[str] = (),
    started_at: str | None = None,
    keep_passes: bool = True,
    terraform: SourceResult | None = None,
) -> ScanResult:
    """Join, judge and package everything the sources produced.

    ``keep_passes=False`` counts passing verdicts instead of building them (``unbuilt_passes``),
    for runs whose outputs never list a pass. With ``terraform`` (the declared resources), live
    resources matched to a Terraform resource are compared with it: one ``MLS-DRIFT-001`` finding per
    match and a ``drift`` section.
    """
    started = started_at or now()
    resources: list[Resource] = [r for source in sources for r in source.resources]
    errors = [e for source in sources for e in source.errors] + list(policy_set.errors)
    resources, extras = enrich(resources)
    judged = judge_all(policy_set, resources, parameters, produced, keep_passes=keep_passes)
    findings = list(judged.findings)
    unbuilt = dict(judged.unbuilt_passes)
    policies = [policy.info for policy in policy_set.policies]
    if terraform is not None:
        drift, extras["drift"] = drift_of(terraform, resources)
        passes = [f for f in drift if f.status is Status.PASS]
        if not keep_passes and passes:
            counted: dict[str, int] = {}
            for finding in passes:
                counted[finding.provider] = counted.get(finding.provider, 0) + 1
            unbuilt[DRIFT_POLICY.id] = counted
            drift = [f for f in drift if f.status is not Status.PASS]
        findings += drift
        policies = sorted([*policies, DRIFT_POLICY], key=lambda p: p.id)
        errors += list(terraform.errors)
    return ScanResult(
        resources=tuple(resources),
        findings=tuple(findings),
        unbuilt_passes=unbuilt,
        errors=tuple(errors),
        started_at=started,
        finished_at=now(),
        command=command,
        targets=tuple(targets),
        extras=extras,
        policies=tuple(policies),
    )


def drift_of(terraform: SourceResult, live: Sequence[Resource]) -> tuple[list[Finding], dict[str, Any]]:
    """Drift findings of the live resources against the declared ones, and the report's drift section."""
    matches, unmatched = compare(terraform.resources, live)
    meanings = {
        name: str(d.get("meaning", "")) for name, d in fact_vocabulary().items() if isinstance(d, dict)
    }
    drifted = [m for m in matches if m.items]
    section = {
        "terraform_resources": len(terraform.resources),
        "matched": len(matches),
        "drifted": len(drifted),
        "unmatched_terraform": [r.id for r in unmatched],
        "resources": [m.to_dict() for m in drifted],
    }
    return drift_findings(matches, meanings), section


def enrich(resources: list[Resource]) -> tuple[list[Resource], dict[str, Any]]:
    """Cross-resource joins that add facts before policies run (the privacy join of endpoints).

    An endpoint whose inference logs this scan did not analyse (no ``--query-logs``, or logs of other
    endpoints) gets ``queries.analysed`` false, so the query-alert policies do not apply to it rather
    than being unknown on every endpoint of every scan.
    """
    resources = [
        replace(r, facts={**r.facts, QUERIES_ANALYSED: False})
        if r.kind == "endpoint" and QUERIES_ANALYSED not in r.facts
        else r
        for r in resources
    ]
    joined, summaries = join_served_privacy(resources)
    return list(joined), {"privacy_risk": [risk_to_dict(s) for s in summaries]}
