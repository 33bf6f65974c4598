"""Live findings → a remediation plan: the exact aws / az / gcloud commands, in order, with impact and rollback.

mlscan never calls a mutating API. The plan is a shell script and a Markdown runbook for a
person (or a change pipeline) to review and run. What to run comes from each policy's
``fix.live`` data; this module fills in the resource's names, quotes every value for the
shell, keeps the operator's inputs (a KMS key ARN...) as ``$VARIABLES`` the script checks
before it starts, and merges the SageMaker endpoint changes of one endpoint into one new
endpoint configuration followed by one UpdateEndpoint.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.model import Resource, ScanResult
from scanner.policy.model import Policy, PolicySet

_PLACEHOLDER = re.compile(r"\{([a-z]+)(?:\.([A-Za-z0-9_.]+))?\}")
ENDPOINT_CONFIG = "sagemaker_endpoint_config"
"""The step kind that changes a SageMaker endpoint's configuration (new config, then UpdateEndpoint)."""


@dataclass(frozen=True)
class LiveStep:
    """One command of the plan, with what it is for."""

    say: str
    command: str


@dataclass(frozen=True)
class LiveAction:
    """Everything the plan does for one resource under one or more policies."""

    resource_id: str
    resource_name: str
    provider: str
    policy_ids: tuple[str, ...]
    steps: tuple[LiveStep, ...]
    impact: tuple[str, ...]
    rollback: tuple[str, ...]


@dataclass(frozen=True)
class LivePlan:
    """The ordered actions, the inputs the operator must set, and the findings left to people."""

    actions: tuple[LiveAction, ...]
    inputs: Mapping[str, str] = field(default_factory=dict)
    """Shell variable → what to set it to."""
    manual: tuple[tuple[str, str, str], ...] = ()
    """(policy id, resource id, why) for failing findings with no live fix."""


def plan_live(result: ScanResult, policies: PolicySet) -> LivePlan:
    """A remediation plan for the failing live findings of a saved scan."""
    resources = {r.id: r for r in result.resources}
    grouped: dict[str, list[tuple[Policy, Mapping[str, Any]]]] = {}
    manual: list[tuple[str, str, str]] = []
    for finding in result.findings:
        resource = resources.get(finding.resource_id)
        if not finding.failing or resource is None or resource.source.kind != "live":
            continue
        policy = policies.by_id(finding.policy_id)
        entry = _entry_for(policy, resource) if policy else None
        if entry is None:
            reason = (policy.fix or {}).get("manual") if policy else None
            manual.append((finding.policy_id, resource.id, " ".join((reason or "no live fix entry").split())))
            continue
        grouped.setdefault(resource.id, []).append((policy, entry))
    actions, inputs = [], {}
    for resource_id in sorted(grouped, key=lambda rid: _order(resources[rid])):
        entries = grouped[resource_id]
        for _, entry in entries:
            inputs.update(entry.get("inputs", {}))
        actions.append(_action(resources[resource_id], entries))
    return LivePlan(tuple(actions), dict(sorted(inputs.items())), tuple(manual))


def _entry_for(policy: Policy, resource: Resource) -> Mapping[str, Any] | None:
    for entry in (policy.fix or {}).get("live", ()):
        if entry["provider"] == resource.provider and resource.resource_type in entry["types"]:
            return entry
    return None


_STAGES = ("prepare", "change", "finish")
_KIND_ORDER = ("data_store", "workspace", "compute", "notebook", "model", "training_job", "endpoint")


def _order(resource: Resource) -> tuple[int, str]:
    """Dependency order: what others use first (a workspace before its computes and endpoints)."""
    rank = _KIND_ORDER.index(resource.kind) if resource.kind in _KIND_ORDER else len(_KIND_ORDER)
    return rank, resource.id


def _action(resource: Resource, entries: Sequence[tuple[Policy, Mapping[str, Any]]]) -> LiveAction:
    staged: list[tuple[int, LiveStep]] = []
    filters: list[str] = []
    purposes: list[str] = []
    for _, entry in entries:
        for step in entry["steps"]:
            if ENDPOINT_CONFIG in step:
                filters.append(step[ENDPOINT_CONFIG])
                purposes.append(step["say"])
                continue
            rendered = (
                _STAGES.index(step.get("stage", "change")),
                LiveStep(step["say"], fill(step["command"], resource)),
            )
            if all(existing.command != rendered[1].command for _, existing in staged):
                staged.append(rendered)
    steps = [step for _, step in sorted(staged, key=lambda item: item[0])]
    if filters:
        merged = " | ".join(f"({f})" for f in filters)
        command = fill("mlscan_new_endpoint_config {name} {region} ", resource) + shlex.quote(merged)
        say = "New endpoint configuration (" + "; ".join(purposes) + "), then UpdateEndpoint"
        steps.append(LiveStep(say, command))
    return LiveAction(
        resource_id=resource.id,
        resource_name=resource.name,
        provider=resource.provider,
        policy_ids=tuple(p.id for p, _ in entries),
        steps=tuple(steps),
        impact=tuple(dict.fromkeys(fill(e["impact"], resource, quote=False) for _, e in entries)),
        rollback=tuple(dict.fromkeys(fill(e["rollback"], resource, quote=False) for _, e in entries)),
    )


def fill(template: str, resource: Resource, *, quote: bool = True) -> str:
    """Replace ``{name}``, ``{region}``, ``{account}``, ``{id}``, ``{raw.A.B}`` and ``{id.segment}``.

    ``{id.resourceGroups}`` is the path segment after ``resourceGroups`` in an ARM or Vertex id.
    Values are shell-quoted; a value that cannot be found is an error, never an empty string.
    """

    def value(match: re.Match[str]) -> str:
        kind, path = match.group(1), match.group(2)
        found = _lookup(resource, kind, path)
        if found is None:
            raise ValueError(f"{resource.id}: no value for {match.group(0)}")
        return shlex.quote(str(found)) if quote else str(found)

    return _PLACEHOLDER.sub(value, template)


def _lookup(resource: Resource, kind: str, path: str | None) -> Any:
    if kind == "raw" and path:
        current: Any = resource.raw
        for part in path.split("."):
            current = current.get(part) if isinstance(current, Mapping) else None
        return current
    if kind == "id" and path:
        parts = resource.id.split("/")
        lowered = [p.lower() for p in parts]
        if path.lower() in lowered[:-1]:
            return parts[lowered.index(path.lower()) + 1]
        return None
    return {
        "name": resource.name,
        "region": resource.region,
        "account": resource.account,
        "id": resource.id,
    }.get(kind)
