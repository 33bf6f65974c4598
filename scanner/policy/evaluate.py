"""Judge resources with policies: one Finding per (applicable policy, resource).

``when`` narrows a policy to some resources (false: no finding at all; unknown:
an `unknown` finding, since we cannot tell whether the policy applies).
Inline suppressions are kept on the finding, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from itertools import chain
from typing import Any

from scanner.model import Finding, Provenance, Resource, Status
from scanner.policy.assertions import Outcome, Subject, evaluate
from scanner.policy.model import Policy, PolicySet

FactCoverage = Callable[[str | None, str], frozenset[str] | None]
"""``(resource_type, kind)`` → the facts that type can produce, or None when it declares none."""


def evaluate_all(
    policy_set: PolicySet | Sequence[Policy],
    resources: Iterable[Resource],
    parameters: Mapping[str, Any] | None = None,
    produces: FactCoverage | None = None,
) -> list[Finding]:
    """Every finding of every applicable policy on every resource, in policy then resource order.

    ``produces(resource_type, kind)`` says which facts a type can produce (None: not declared); a
    policy reading only facts the type never produces is not applied to it (no finding at all).
    """
    return judge_all(policy_set, resources, parameters, produces).findings


@dataclass(frozen=True)
class Judged:
    """The verdicts of a scan: the findings built, and the passes counted without being built."""

    findings: list[Finding]
    unbuilt_passes: dict[str, dict[str, int]] = field(default_factory=dict)
    """policy id → provider → passing verdicts not built as findings (``keep_passes=False``)."""


def judge_all(
    policy_set: PolicySet | Sequence[Policy],
    resources: Iterable[Resource],
    parameters: Mapping[str, Any] | None = None,
    produces: FactCoverage | None = None,
    *,
    keep_passes: bool = True,
) -> Judged:
    """:func:`evaluate_all`, optionally counting passes instead of building them.

    Formats that never show a pass (SARIF, console, Markdown) need only how many passed per
    policy and provider (summary and compliance counts); a large plan's passes are most of its
    findings. A pass on a resource with an inline suppression is always built (it is counted as
    suppressed).
    """
    policies = policy_set.policies if isinstance(policy_set, PolicySet) else tuple(policy_set)
    overrides = parameters or {}
    # Subjects and applicability are worked out once per resource and per resource type.
    by_type: dict[tuple[str, str, str | None], list[tuple[int, Resource, Subject]]] = {}
    for index, resource in enumerate(resources):
        key = (resource.provider, resource.kind, resource.resource_type)
        by_type.setdefault(key, []).append((index, resource, subject_of(resource)))
    produced = {key: produces(key[2], key[1]) if produces else None for key in by_type}
    findings: list[Finding] = []
    unbuilt: dict[str, dict[str, int]] = {}
    for policy in policies:
        merged = {**policy.parameters, **{k: v for k, v in overrides.items() if k in policy.parameters}}
        groups = [
            group
            for key, group in by_type.items()
            if policy.applies_to(*key) and policy.covered_by(produced[key])
        ]
        applicable = groups[0] if len(groups) == 1 else sorted(chain.from_iterable(groups), key=_first)
        for _, resource, subject in applicable:
            verdict = _verdict(policy, resource, subject, merged)
            if verdict is None:
                continue
            if not keep_passes and verdict[0] is Status.PASS and not resource.suppressions:
                counts = unbuilt.setdefault(policy.id, {})
                counts[resource.provider] = counts.get(resource.provider, 0) + 1
                continue
            findings.append(_finding(policy, resource, *verdict))
    return Judged(findings, unbuilt)


def _first(entry: tuple[int, Resource, Subject]) -> int:
    return entry[0]


def subject_of(resource: Resource) -> Subject:
    """What an assertion reads of ``resource``."""
    return Subject(
        facts=resource.facts,
        raw=resource.raw,
        tags=resource.tags,
        provider=resource.provider,
        kind=resource.kind,
        type=resource.resource_type or "",
        name=resource.name,
    )


def judge(policy: Policy, resource: Resource, overrides: Mapping[str, Any]) -> Finding | None:
    """The finding of one policy on one resource, or None when ``when`` says it does not apply."""
    parameters = {**policy.parameters, **{k: v for k, v in overrides.items() if k in policy.parameters}}
    verdict = _verdict(policy, resource, subject_of(resource), parameters)
    return None if verdict is None else _finding(policy, resource, *verdict)


def _verdict(
    policy: Policy, resource: Resource, subject: Subject, parameters: Mapping[str, Any]
) -> tuple[Status, str, Outcome] | None:
    """Status, message and outcome of one policy on one resource; None when ``when`` says it does not apply."""
    try:
        if policy.when is not None:
            applies = evaluate(policy.when, subject, parameters)
            if applies.value is False:
                return None
            if applies.value is None:
                return Status.UNKNOWN, f"cannot tell whether the policy applies: {applies.reason}", applies
        outcome = evaluate(policy.assertion, subject, parameters)
    except Exception as exc:  # noqa: BLE001 - a broken policy must not stop the scan
        return Status.ERROR, f"policy evaluation failed: {exc}", Outcome(None, str(exc), {})
    status = {True: Status.PASS, False: Status.FAIL, None: Status.UNKNOWN}[outcome.value]
    message = outcome.reason
    if status is Status.FAIL and policy.message:
        message = f"{policy.message.replace('{resource}', resource.name)} ({outcome.reason})"
    return status, message, outcome


def _finding(policy: Policy, resource: Resource, status: Status, message: str, outcome: Outcome) -> Finding:
    suppression = next((s for s in resource.suppressions if fnmatchcase(policy.id, s.policy_id)), None)
    provenance = _evidence_provenance(resource, outcome.evidence)
    located = next((p.location for p in provenance.values() if p.location is not None), None)
    defaults = [p.detail for p in provenance.values() if p.kind == "default" and p.default is not None]
    if defaults and status is not Status.ERROR:
        message = f"{message} [{'; '.join(dict.fromkeys(defaults))}]"
    return Finding(
        policy_id=policy.id,
        title=policy.title,
        category=policy.category,
        severity=policy.severity,
        status=status,
        resource_id=resource.id,
        resource_kind=resource.kind,
        resource_name=resource.name,
        provider=resource.provider,
        message=message,
        source=located or resource.source,
        evidence=dict(outcome.evidence),
        suppressed=suppression,
        remediation=policy.remediation_for(resource.provider, resource.source.kind),
        provenance=provenance,
        account=resource.account,
        region=resource.region,
        resource_type=resource.resource_type,
    )


def _evidence_provenance(resource: Resource, evidence: Mapping[str, Any]) -> dict[str, Provenance]:
    """Provenance of the facts the policy read, keyed like the evidence (``facts.x``)."""
    if not resource.provenance:
        return {}
    found: dict[str, Provenance] = {}
    for key in evidence:
        fact = key[len("facts.") :] if key.startswith("facts.") else None
        if fact is not None and fact in resource.provenance:
            found[key] = resource.provenance[fact]
    return found
