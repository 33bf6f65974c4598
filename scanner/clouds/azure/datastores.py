"""Live Azure ML datastores (per workspace) and registries (per subscription) → Resources.

Both are listed through azure-mgmt-machinelearningservices (api 2023-04-01; never ``list_secrets``), the
raw ARM JSON of each item judged by the builders
the azapi Terraform face runs over the same JSON bodies (:mod:`arm_facts`): a datastore's credential type
(identity-based, or an account key / SAS / secret stored for every workspace user), a registry's public
network access, private endpoints and CMK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scanner.clouds.artifacts import StorageState, artifact_facts
from scanner.clouds.azure import arm_facts
from scanner.clouds.azure import client as az
from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.types import TYPES
from scanner.clouds.azure.workspaces import WorkspaceContext
from scanner.model import Resource, Source
from scanner.redact import redact_mapping


def datastore_resources(
    client: Any, ctx: WorkspaceContext, storage: tuple[str, StorageState | None] | None = None
) -> list[Resource]:
    """Every datastore of the workspace (raises on a failed listing: the caller reports it).

    ``storage`` is the workspace's storage account (id, judged state): a datastore on that account
    (``accountName``) carries its ``artifacts.*``; one on another account names it, unknown.
    """
    resources = []
    for _, item in az.list_with_raw(client.datastores.list, ctx.resource_group, ctx.name):
        facts = {**arm_facts.datastore_facts(item), "data.sensitivity": fc.sensitivity(ctx.tags)}
        account = (item.get("properties") or {}).get("accountName")
        if isinstance(account, str) and account:
            own = storage is not None and storage[0].rsplit("/", 1)[-1].lower() == account.lower()
            facts.update(
                artifact_facts([storage[0]], [storage[1]]) if own else artifact_facts([account], [None])
            )
        resources.append(
            ctx.resource(
                "data_store",
                TYPES["datastores"].provider_type,
                id=str(item.get("id") or f"{ctx.id}/datastores/{item.get('name')}"),
                name=str(item.get("name") or ""),
                facts=facts,
                raw=item,
                tags=dict(ctx.tags),
                links=(ctx.id,),
            )
        )
    return resources


def registry_resources(
    client: Any, subscription: str, grants: Sequence[fc.Grant] | None, source: Source
) -> list[Resource]:
    """Every Azure ML registry of the subscription (raises on a failed listing)."""
    resources = []
    for _, item in az.list_with_raw(client.registries.list_by_subscription):
        identity = item.get("identity") if isinstance(item.get("identity"), Mapping) else {}
        principals = [identity.get("principalId")] + [
            uai.get("principalId") for uai in (identity.get("userAssignedIdentities") or {}).values()
        ]
        tags = {str(k): str(v) for k, v in (item.get("tags") or {}).items()}
        facts = {
            **arm_facts.registry_facts(item),
            **fc.identity_facts(
                [p for p in principals if p], grants, principal_label=identity.get("type"), default=None
            ),
            "data.sensitivity": fc.sensitivity(tags),
        }
        resources.append(
            Resource(
                provider=fc.PROVIDER,
                service=fc.SERVICE,
                kind="workspace",
                id=str(item.get("id")),
                name=str(item.get("name") or ""),
                source=source,
                facts=facts,
                account=subscription,
                region=item.get("location"),
                tags=tags,
                raw=redact_mapping(item),
                resource_type=TYPES["registries"].provider_type,
            )
        )
    return resources
