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
from scanner.model import Resource, ScanResult
from scanner.policy.evaluate import judge_all
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
) -> ScanResult:
    """Join, judge and package everything the sources produced.

    ``keep_passes=False`` counts passing verdicts instead of building them (``unbuilt_passes``),
    for runs whose outputs never list a pass.
    """
    started = started_at or now()
    resources: list[Resource] = [r for source in sources for r in source.resources]
    errors = [e for source in sources for e in source.errors] + list(policy_set.errors)
    resources, extras = enrich(resources)
    judged = judge_all(policy_set, resources, parameters, produced, keep_passes=keep_passes)
    return ScanResult(
        resources=tuple(resources),
        findings=tuple(judged.findings),
        unbuilt_passes=judged.unbuilt_passes,
        errors=tuple(errors),
        started_at=started,
        finished_at=now(),
        command=command,
        targets=tuple(targets),
        extras=extras,
        policies=tuple(policy.info for policy in policy_set.policies),
    )


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
