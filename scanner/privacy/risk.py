"""Can this endpoint leak its training data? The endpoint → model → training-job join and a risk score.

An endpoint's inversion and membership-inference risk is not a property of the
endpoint alone: it is what the endpoint exposes (public network, weak auth,
feature attributions, nearest training examples, probabilities) times how
privately its model was trained (DP and ε) times how sensitive the training
data was (PHI, PII). This module follows ``Resource.links`` from each endpoint
to the models it serves and the jobs that trained them, copies the training
privacy onto the endpoint as ``served.*`` facts (so plain YAML policies can
judge it), and explains the risk in one line per factor, worst endpoint first.

Unknown lineage is never a pass: the ``served.privacy.*`` facts stay None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from scanner.model import Resource
from scanner.privacy.sensitivity import (
    DEFAULT_SENSITIVE_VALUES,
    DEFAULT_TAG_KEYS,
    most_sensitive,
    sensitivity_from_tags,
)
from scanner.tristate import all_of, any_of

DEFAULT_EPSILON_CEILING = 8.0
"""ε above which a DP guarantee is treated as weak (the policies' default ceiling)."""

LEVELS = (("critical", 12.0), ("high", 6.0), ("medium", 3.0), ("low", 0.0))
"""Score thresholds, worst first."""

# Weakest first: a model trained by several jobs is only as private as the weakest one.
_STATUS_ORDER = ("none", "weak", "claimed", "unknown", "dp")
_SENSITIVITY_WEIGHT = {"phi": 3.0, "pii": 3.0, "confidential": 2.0, "internal": 1.0, "public": 0.5}
_UNKNOWN_SENSITIVITY_WEIGHT = 1.5


@dataclass(frozen=True)
class RiskSummary:
    """The inversion / membership-inference risk of one endpoint."""

    endpoint_id: str
    endpoint_name: str
    provider: str
    score: float
    """exposure × training privacy × data sensitivity; higher is worse."""
    level: str
    """critical | high | medium | low."""
    factors: tuple[str, ...]
    """One line per factor, e.g. "public endpoint returns feature attributions"."""
    lineage: str
    """known | unknown."""
    training_jobs: tuple[str, ...] = ()
    privacy_status: str | None = None
    epsilon: float | None = None
    sensitivity: str | None = None


@dataclass(frozen=True)
class _Served:
    lineage: str
    jobs: tuple[Resource, ...]
    models: tuple[Resource, ...]


def _linked(resource: Resource, kind: str, by_id: dict[str, Resource]) -> list[Resource]:
    return [by_id[i] for i in resource.links if i in by_id and by_id[i].kind == kind]


def _served(endpoint: Resource, by_id: dict[str, Resource]) -> _Served:
    models = _linked(endpoint, "model", by_id)
    jobs = _linked(endpoint, "training_job", by_id)
    known = bool(models or jobs)
    for model in models:
        model_jobs = _linked(model, "training_job", by_id)
        if not model_jobs:
            known = False
        seen = {j.id for j in jobs}
        jobs.extend(j for j in model_jobs if j.id not in seen)
    return _Served("known" if known else "unknown", tuple(jobs), tuple(models))


def _served_facts(served: _Served) -> dict[str, Any]:
    if served.lineage != "known":
        return {
            "served.privacy.dp": None,
            "served.privacy.status": None,
            "served.privacy.epsilon": None,
            "served.training_job": None,
            "served.lineage": "unknown",
        }
    statuses = [job.fact("privacy.status") or "unknown" for job in served.jobs]
    status = min(statuses, key=lambda s: _STATUS_ORDER.index(s) if s in _STATUS_ORDER else 3)
    dps = [job.fact("privacy.dp") for job in served.jobs]
    dp = all_of(dps)
    epsilons = [job.fact("privacy.epsilon") for job in served.jobs]
    epsilon = max(epsilons) if epsilons and all(e is not None for e in epsilons) else None
    return {
        "served.privacy.dp": dp,
        "served.privacy.status": status,
        "served.privacy.epsilon": epsilon,
        "served.training_job": ", ".join(job.id for job in served.jobs),
        "served.lineage": "known",
    }


def _sensitivity(resource: Resource, tag_keys: Sequence[str]) -> str | None:
    return resource.fact("data.sensitivity") or sensitivity_from_tags(resource.tags, tag_keys=tag_keys)


JOINED_FACTS = frozenset(
    {
        "served.privacy.dp",
        "served.privacy.status",
        "served.privacy.epsilon",
        "served.training_job",
        "served.lineage",
        "data.sensitivity",
        "artifacts.public",
        "artifacts.cmk",
    }
)
"""Facts :func:`join_served_privacy` can add to every endpoint, whatever its type (for fact coverage)."""


def join_served_privacy(
    resources: Sequence[Resource],
    *,
    sensitive_values: Sequence[str] = DEFAULT_SENSITIVE_VALUES,
    tag_keys: Sequence[str] = DEFAULT_TAG_KEYS,
    epsilon_ceiling: float = DEFAULT_EPSILON_CEILING,
) -> tuple[list[Resource], list[RiskSummary]]:
    """Add ``served.*`` facts (and inherited ``data.sensitivity``) to every endpoint; score each one.

    Returns the resources in their original order (endpoints replaced) and the risk summaries,
    worst first.
    """
    by_id = {r.id: r for r in resources}
    joined: list[Resource] = []
    summaries: list[RiskSummary] = []
    for resource in resources:
        if resource.kind != "endpoint":
            joined.append(resource)
            continue
        served = _served(resource, by_id)
        facts = dict(resource.facts)
        facts.update(_served_facts(served))
        own = _sensitivity(resource, tag_keys)
        inherited = most_sensitive([_sensitivity(r, tag_keys) for r in (*served.models, *served.jobs)])
        facts["data.sensitivity"] = own or inherited
        facts.update(_lineage_storage([resource, *served.models, *served.jobs]))
        endpoint = replace(resource, facts=facts)
        joined.append(endpoint)
        summaries.append(
            score_endpoint(endpoint, sensitive_values=sensitive_values, epsilon_ceiling=epsilon_ceiling)
        )
    summaries.sort(key=lambda s: (-s.score, s.provider, s.endpoint_name))
    return joined, summaries


def _lineage_storage(chain: Sequence[Resource]) -> dict[str, Any]:
    """``artifacts.public`` / ``artifacts.cmk`` over the endpoint, its models and their training jobs.

    Only resources that name storage count; public if any is, customer-key encrypted only if all are.
    """
    named = [r for r in chain if r.fact("artifacts.locations")]
    if not named:
        return {}
    public = [r.fact("artifacts.public") for r in named]
    cmk = [r.fact("artifacts.cmk") for r in named]
    return {
        "artifacts.public": any_of(public),
        "artifacts.cmk": all_of(cmk),
    }


def _exposure(facts: dict[str, Any]) -> tuple[float, list[str]]:
    score, factors = 1.0, []
    public = facts.get("network.public")
    who = "public endpoint" if public else "endpoint"
    if public is True:
        score += 2.0
        factors.append("reachable from the internet")
    elif public is None:
        score += 1.0
        factors.append("network exposure unknown")
    auth = facts.get("auth.mode")
    if auth == "none":
        score += 3.0
        factors.append("callers are not authenticated")
    elif auth == "key":
        score += 1.0
        factors.append("callers authenticate with shared keys, not per-caller identity")
    elif auth is None:
        score += 0.5
        factors.append("caller authentication unknown")
    if facts.get("exposure.explanations") is True:
        score += 2.0
        factors.append(f"{who} returns feature attributions")
    if facts.get("exposure.neighbors") is True:
        score += 3.0
        factors.append(f"{who} returns nearest training examples")
    scores = facts.get("exposure.scores")
    if scores == "probabilities":
        score += 1.0
        factors.append(f"{who} returns class probabilities (membership-inference signal)")
    elif scores == "top_k":
        score += 0.5
        factors.append(f"{who} returns top-k scores")
    if facts.get("artifacts.public") is True:
        score += 3.0
        factors.append("training data or model artifacts publicly readable")
    if facts.get("artifacts.cmk") is False:
        score += 0.5
        factors.append("artifacts not encrypted with a customer key")
    if facts.get("logging.capture") is True and facts.get("logging.capture_encrypted") is False:
        score += 0.5
        factors.append("captured request/response payloads are not encrypted with a customer key")
    return score, factors


def _training(facts: dict[str, Any], on: str, epsilon_ceiling: float) -> tuple[float, str]:
    if facts.get("served.lineage") != "known":
        return 1.0, "training lineage unknown: DP cannot be verified"
    status = facts.get("served.privacy.status")
    epsilon = facts.get("served.privacy.epsilon")
    if status == "dp":
        if epsilon is None:
            return 0.7, f"trained with DP-SGD{on}, ε not computable from the job's parameters"
        if epsilon <= 1.0:
            return 0.25, f"trained with DP{on}: ε = {epsilon:.2f} ≤ 1"
        if epsilon <= epsilon_ceiling:
            return 0.5, f"trained with DP{on}: ε = {epsilon:.2f} ≤ {epsilon_ceiling:g}"
        return 0.8, f"trained with DP{on} but ε = {epsilon:.2f} > {epsilon_ceiling:g} (weak guarantee)"
    if status == "claimed":
        stated = f" (target ε = {epsilon:g})" if epsilon is not None else ""
        return 0.9, f"DP claimed{stated} but not evidenced by a noise multiplier and clipping norm{on}"
    if status == "weak":
        return 1.0, f"a DP library is present but no DP parameters{on}"
    if status == "none":
        return 1.0, f"trained without DP{on}"
    return 1.0, f"training job configuration unreadable: DP unknown{on}"


def score_endpoint(
    endpoint: Resource,
    *,
    sensitive_values: Sequence[str] = DEFAULT_SENSITIVE_VALUES,
    epsilon_ceiling: float = DEFAULT_EPSILON_CEILING,
) -> RiskSummary:
    """The risk summary of one endpoint that already carries its ``served.*`` facts."""
    facts = dict(endpoint.facts)
    exposure, factors = _exposure(facts)
    sensitivity = facts.get("data.sensitivity")
    sensitive = {v.lower() for v in sensitive_values}
    if sensitivity is None:
        weight = _UNKNOWN_SENSITIVITY_WEIGHT
        on = ""
    else:
        weight = _SENSITIVITY_WEIGHT.get(sensitivity, 1.0)
        if sensitivity in sensitive:
            weight = max(weight, 2.0)
        on = f" on {sensitivity.upper() if sensitivity in ('phi', 'pii') else sensitivity} data"
    privacy, training_line = _training(facts, on, epsilon_ceiling)
    factors.append(training_line)
    if sensitivity is None:
        factors.append("data sensitivity unknown (no classification tag)")
    score = round(exposure * privacy * weight, 2)
    level = next(name for name, threshold in LEVELS if score >= threshold)
    jobs = facts.get("served.training_job")
    return RiskSummary(
        endpoint_id=endpoint.id,
        endpoint_name=endpoint.name,
        provider=endpoint.provider,
        score=score,
        level=level,
        factors=tuple(factors),
        lineage=facts.get("served.lineage") or "unknown",
        training_jobs=tuple(jobs.split(", ")) if jobs else (),
        privacy_status=facts.get("served.privacy.status"),
        epsilon=facts.get("served.privacy.epsilon"),
        sensitivity=sensitivity,
    )


def risk_to_dict(summary: RiskSummary) -> dict[str, Any]:
    """JSON form of one summary (the scan result lists them under ``privacy_risk``)."""
    return {
        "endpoint_id": summary.endpoint_id,
        "endpoint_name": summary.endpoint_name,
        "provider": summary.provider,
        "score": summary.score,
        "level": summary.level,
        "factors": list(summary.factors),
        "lineage": summary.lineage,
        "training_jobs": list(summary.training_jobs),
        "privacy_status": summary.privacy_status,
        "epsilon": summary.epsilon,
        "sensitivity": summary.sensitivity,
    }


def risk_from_dict(data: dict[str, Any]) -> RiskSummary:
    """Rebuild a summary from :func:`risk_to_dict` output (e.g. a saved scan's ``privacy_risk``)."""
    return RiskSummary(
        endpoint_id=data["endpoint_id"],
        endpoint_name=data.get("endpoint_name") or data["endpoint_id"],
        provider=data.get("provider", ""),
        score=float(data["score"]),
        level=data["level"],
        factors=tuple(data.get("factors", ())),
        lineage=data.get("lineage", "unknown"),
        training_jobs=tuple(data.get("training_jobs", ())),
        privacy_status=data.get("privacy_status"),
        epsilon=data.get("epsilon"),
        sensitivity=data.get("sensitivity"),
    )
