"""Azure ML computes (live) → ``compute`` Resources: clusters, instances, attached Kubernetes / AKS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.arm_facts import compute_facts
from scanner.clouds.azure.client import list_with_raw
from scanner.clouds.azure.iam import identity_label, identity_principals
from scanner.clouds.azure.types import TYPES
from scanner.clouds.azure.workspaces import WorkspaceContext
from scanner.model import Resource


@dataclass(frozen=True)
class ComputeInfo:
    """What a job needs from the compute it runs on."""

    principals: tuple[str, ...]
    """Managed identities of the compute: a job without its own identity runs as these."""
    private: bool | None
    """The compute sits in a customer subnet."""


def compute_resources(client: Any, ctx: WorkspaceContext) -> tuple[list[Resource], dict[str, ComputeInfo]]:
    """The workspace's computes, and lower-cased compute name → :class:`ComputeInfo`."""
    resources: list[Resource] = []
    infos: dict[str, ComputeInfo] = {}
    for model, raw in list_with_raw(client.compute.list, ctx.resource_group, ctx.name):
        props = raw.get("properties") or {}
        compute_type = props.get("computeType") or getattr(
            getattr(model, "properties", None), "compute_type", ""
        )
        facts = compute_facts(str(compute_type), props, props.get("disableLocalAuth"))
        identity = getattr(model, "identity", None)
        principals = identity_principals(identity)
        infos[str(model.name).lower()] = ComputeInfo(tuple(principals), facts.get("network.private"))
        facts.update(
            fc.identity_facts(principals, ctx.grants, principal_label=identity_label(identity), default=None)
        )
        tags = dict(getattr(model, "tags", None) or {})
        facts["data.sensitivity"] = fc.sensitivity(tags) or fc.sensitivity(ctx.tags)
        resources.append(
            ctx.resource(
                "compute",
                TYPES["computes"].type_name(str(compute_type)),
                id=model.id,
                name=model.name,
                facts=facts,
                raw=raw,
                tags=tags,
                links=(ctx.id, *principals),
                region=getattr(model, "location", None),
            )
        )
    return resources, infos
