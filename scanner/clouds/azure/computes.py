"""Azure ML computes (live) → ``compute`` Resources: clusters, instances, attached Kubernetes / AKS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.client import list_with_raw
from scanner.clouds.azure.rbac import identity_label, identity_principals
from scanner.clouds.azure.workspaces import WorkspaceContext
from scanner.model import Resource


def idle_shutdown(instance: Mapping[str, Any]) -> bool:
    """A compute instance stops itself: idleTimeBeforeShutdown set, or an enabled Stop schedule."""
    if instance.get("idleTimeBeforeShutdown"):
        return True
    schedules = (instance.get("schedules") or {}).get("computeStartStop") or []
    return any(
        str(s.get("action", "")).lower() == "stop" and str(s.get("status", "Enabled")).lower() == "enabled"
        for s in schedules
        if isinstance(s, Mapping)
    )


def compute_facts(compute_type: str, props: Mapping[str, Any], disable_local_auth: Any) -> dict[str, Any]:
    """Facts of one compute from its ARM ``properties`` (API defaults resolved).

    ``properties.properties`` holds the type-specific settings; enableNodePublicIp defaults to
    true, disableLocalAuth to false, instance SSH to Disabled, cluster SSH to NotSpecified.
    """
    inner = props.get("properties") or {}
    local = (
        None
        if disable_local_auth is None and compute_type not in ("AmlCompute", "ComputeInstance")
        else (not bool(disable_local_auth))
    )
    if compute_type == "AmlCompute":
        subnet = (inner.get("subnet") or {}).get("id") or False
        facts = fc.compute_facts(
            local_auth_enabled=local,
            node_public_ip=bool(inner.get("enableNodePublicIp", True)),
            ssh_public=fc.cluster_ssh_public(inner.get("remoteLoginPortPublicAccess"), bool(subnet)),
            subnet=subnet,
        )
        minimum = (inner.get("scaleSettings") or {}).get("minNodeCount", 0)
        facts["compute.min_nodes"] = minimum if isinstance(minimum, int) else None
        return facts
    if compute_type == "ComputeInstance":
        subnet = (inner.get("subnet") or {}).get("id") or False
        ssh = (inner.get("sshSettings") or {}).get("sshPublicAccess", "Disabled")
        facts = fc.compute_facts(
            local_auth_enabled=local,
            node_public_ip=bool(inner.get("enableNodePublicIp", True)),
            ssh_public=str(ssh).lower() == "enabled",
            subnet=subnet,
        )
        facts["compute.idle_shutdown"] = idle_shutdown(inner)
        return facts
    if compute_type == "AKS":
        networking = inner.get("aksNetworkingConfiguration") or {}
        subnet = networking.get("subnetId") or False
        facts = fc.compute_facts(
            local_auth_enabled=local, node_public_ip=None, ssh_public=None, subnet=subnet
        )
        balancer = inner.get("loadBalancerType")
        facts["network.public"] = None if balancer is None else balancer.lower() != "internalloadbalancer"
        return facts
    return fc.compute_facts(local_auth_enabled=local, node_public_ip=None, ssh_public=None, subnet=None)


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
                f"workspaces/computes/{compute_type}",
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
