"""Azure ML online endpoints merged with their deployments (live) → ``endpoint`` Resources."""

from __future__ import annotations

from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.client import list_with_raw
from scanner.clouds.azure.iam import identity_label, identity_principals
from scanner.clouds.azure.monitoring import capture_completeness
from scanner.clouds.azure.types import TYPES
from scanner.clouds.azure.workspaces import WorkspaceContext
from scanner.model import Resource


def endpoint_resources(client: Any, ctx: WorkspaceContext) -> list[Resource]:
    """Every online endpoint of the workspace, with its deployments merged in."""
    resources: list[Resource] = []
    for model, raw in list_with_raw(client.online_endpoints.list, ctx.resource_group, ctx.name):
        deployments = [
            dep_raw
            for _, dep_raw in list_with_raw(
                client.online_deployments.list, ctx.resource_group, ctx.name, model.name
            )
        ]
        props = getattr(model, "properties", None)
        public = str(getattr(props, "public_network_access", None) or "Enabled").lower() == "enabled"
        facts: dict[str, Any] = {
            "auth.mode": fc.endpoint_auth_mode(getattr(props, "auth_mode", None)),
            "network.public": public,
            "network.private": not public,
            "encryption.cmk": ctx.cmk,
        }
        facts.update(fc.deployment_facts(deployments, ctx.cmk))
        facts.update(capture_completeness(deployments))
        identity = getattr(model, "identity", None)
        principals = identity_principals(identity)
        facts.update(
            fc.identity_facts(principals, ctx.grants, principal_label=identity_label(identity), default=None)
        )
        tags = dict(getattr(model, "tags", None) or {})
        facts["data.sensitivity"] = fc.sensitivity(tags) or fc.sensitivity(ctx.tags)
        models = [
            str((d.get("properties") or {}).get("model"))
            for d in deployments
            if (d.get("properties") or {}).get("model")
        ]
        resources.append(
            ctx.resource(
                "endpoint",
                TYPES["onlineEndpoints"].provider_type,
                id=model.id,
                name=model.name,
                facts=facts,
                raw={**raw, "deployments": deployments},
                tags=tags,
                links=tuple(dict.fromkeys([*models, *principals])),
                region=getattr(model, "location", None),
            )
        )
    return resources
