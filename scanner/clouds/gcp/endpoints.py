"""Live Vertex AI endpoints (with their deployed models) → ``endpoint`` Resources.

An endpoint's risk is the sum of what it serves: every deployed model's
explanations, identity and access logging are folded into the endpoint's facts,
and the endpoint links to the models so the privacy join can reach the training job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp import monitoring as mon
from scanner.clouds.gcp.context import LiveContext
from scanner.clouds.gcp.types import TYPES
from scanner.model import Resource
from scanner.tristate import any_of


def endpoint_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """One endpoint (a snake_case dict of the API object) as a normalized Resource."""
    labels = dict(item.get("labels") or {})
    deployed = list(item.get("deployed_models") or [])
    facts: dict[str, Any] = {"auth.mode": "iam"}
    facts.update(fc.kms_facts(item))
    facts.update(fc.endpoint_network_facts(item))
    facts.update(fc.request_logging_facts(item))
    facts.update(mon.capture_completeness(item))
    facts.update(
        mon.monitoring_facts([item["name"].rsplit("/", 1)[-1]], ctx.audit_configs, ctx.alert_policies)
    )
    facts.update(deployed_models_facts(deployed, ctx))
    facts["data.sensitivity"] = fc.sensitivity(labels)
    served = [(ctx.models or {}).get(dm.get("model")) for dm in deployed]
    facts.update(ctx.artifacts(*(model for model in served if model)))
    if not ctx.jobs_listed and "artifacts.locations" in facts:
        # the training jobs' storage could not be read: it may be public or Google-key encrypted
        facts["artifacts.public"] = True if facts.get("artifacts.public") is True else None
        facts["artifacts.cmk"] = False if facts.get("artifacts.cmk") is False else None
    return ctx.resource(
        "endpoint",
        TYPES["endpoints"].provider_type,
        item,
        facts,
        tuple(dict.fromkeys(dm["model"] for dm in deployed if dm.get("model"))),
    )


def deployed_models_facts(deployed: list[Mapping[str, Any]], ctx: LiveContext) -> dict[str, Any]:
    """Facts that come from what the endpoint serves; all unknown when nothing is deployed."""
    if not deployed:
        return {
            "exposure.explanations": None,
            "exposure.neighbors": None,
            "logging.access": None,
            "identity.principal": None,
            "identity.default": None,
            "identity.overprivileged": None,
        }
    per_model = [_one_deployed_model(dm, ctx) for dm in deployed]
    principals = sorted({p for p in (f.get("identity.principal") for f in per_model) if p})
    grants = sorted({g for f in per_model for g in f.get("identity.grants", [])})
    counts = [_min_replicas(dm) for dm in deployed]
    return {
        "exposure.explanations": any_of(f["exposure.explanations"] for f in per_model),
        "exposure.neighbors": any_of(f["exposure.neighbors"] for f in per_model),
        "logging.access": all(bool(dm.get("enable_access_logging")) for dm in deployed),
        "identity.principal": ", ".join(principals) or None,
        "identity.default": any_of(f["identity.default"] for f in per_model),
        "identity.overprivileged": any_of(f["identity.overprivileged"] for f in per_model),
        "identity.grants": grants,
        "availability.instance_count": min(counts),
    }


def _one_deployed_model(dm: Mapping[str, Any], ctx: LiveContext) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    spec = dm.get("explanation_spec")
    if spec or dm.get("disable_explanations"):
        facts.update(fc.explanation_facts(spec, dm.get("disable_explanations")))
    elif ctx.models is None or dm.get("model") not in ctx.models:
        # Without its own spec a deployed model inherits its model's: unknown if the model was not read.
        facts.update({"exposure.explanations": None, "exposure.neighbors": None})
    else:
        facts.update(fc.explanation_facts(ctx.models[dm["model"]].get("explanation_spec")))
    account = dm.get("service_account")
    roles = ctx.roles_of(account) if account else None
    # No service account: a Vertex-managed account that can only read the model's artifacts.
    facts.update(fc.identity_facts(account, roles, default_grants=()))
    return facts


def _min_replicas(dm: Mapping[str, Any]) -> int:
    resources = dm.get("dedicated_resources") or dm.get("automatic_resources") or {}
    return int(resources.get("min_replica_count") or 1)
