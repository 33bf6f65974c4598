"""Azure ML workspaces (live) → ``workspace`` Resources, and the context their children share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.clouds.azure import arm_facts
from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.iam import identity_label, identity_principals
from scanner.clouds.azure.types import TYPES
from scanner.model import Resource, Source
from scanner.redact import redact_mapping


@dataclass(frozen=True)
class WorkspaceContext:
    """What a workspace's endpoints, jobs and computes need from it."""

    subscription: str
    resource_group: str
    name: str
    id: str
    location: str | None
    cmk: bool | None
    grants: Sequence[fc.Grant] | None
    """Role assignments of the subscription; None when they could not be read."""
    source: Source
    tags: Mapping[str, str] = field(default_factory=dict)
    egress_restricted: bool | None = None
    """The workspace's managed network allows approved outbound only (covers its managed computes)."""

    @property
    def where(self) -> str:
        """``azure/<subscription>/<workspace>``: the prefix of this workspace's ScanErrors."""
        return f"azure/{self.subscription}/{self.name}"

    def resource(
        self,
        kind: str,
        resource_type: str,
        *,
        id: str,
        name: str,
        facts: Mapping[str, Any],
        raw: Mapping[str, Any],
        tags: Mapping[str, str],
        links: Sequence[str] = (),
        region: str | None = None,
    ) -> Resource:
        """A Resource of this workspace's subscription: raw redacted, region defaulting to the workspace's."""
        return Resource(
            provider=fc.PROVIDER,
            service=fc.SERVICE,
            kind=kind,
            id=id,
            name=name,
            source=self.source,
            facts=dict(facts),
            account=self.subscription,
            region=region or self.location,
            tags=dict(tags),
            raw=redact_mapping(raw),
            links=tuple(links),
            resource_type=resource_type,
        )


def resource_group_of(arm_id: str) -> str:
    """The resource group segment of an ARM id."""
    parts = arm_id.split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered else ""


def storage_facts(storage: Mapping[str, Any] | None) -> bool | None:
    """``storage.public`` from a storage account's ARM JSON (None when it could not be read)."""
    if storage is None:
        return None
    props = storage.get("properties") or {}
    access = str(props.get("publicNetworkAccess") or "Enabled").lower() != "disabled"
    return fc.storage_public(access, str((props.get("networkAcls") or {}).get("defaultAction") or "Allow"))


def workspace_resource(
    model: Any, raw: Mapping[str, Any], ctx: WorkspaceContext, storage: Mapping[str, Any] | None = None
) -> Resource:
    """One workspace's settings as facts, from its ARM JSON (the builder azapi bodies use too).

    The raw JSON, not the SDK model, is read: SDK 2.0.0b2 (api 2023-04-01) has no model for ``managedNetwork``.
    """
    facts = arm_facts.workspace_facts(raw)
    facts["storage.public"] = storage_facts(storage)
    principals = identity_principals(getattr(model, "identity", None))
    identity = fc.identity_facts(
        principals,
        ctx.grants,
        principal_label=identity_label(getattr(model, "identity", None)),
        default=False,
    )
    facts.update(identity)
    facts["data.sensitivity"] = fc.sensitivity(ctx.tags)
    return ctx.resource(
        "workspace",
        TYPES["workspaces"].provider_type,
        id=ctx.id,
        name=ctx.name,
        facts=facts,
        raw=raw,
        tags=dict(ctx.tags),
        links=tuple(principals),
    )
