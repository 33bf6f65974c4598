"""Azure ML settings → facts, shared by the live face and the Terraform face.

Both faces first reduce what they read to the plain settings below (provider
defaults already resolved, ``None`` when unreadable), then call these functions,
so one setting yields one fact whichever way it was read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.privacy.sensitivity import sensitivity_from_tags
from scanner.tristate import any_of, negate

SERVICE = "machinelearningservices"
PROVIDER = "azure"

# Built-in role definition GUIDs (identical in every tenant) of the roles mlscan treats as overprivileged.
BROAD_ROLES: Mapping[str, str] = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c4a72b9d": "User Access Administrator",
}
BROAD_ROLE_NAMES = frozenset(name.lower() for name in BROAD_ROLES.values())

_BROAD_SCOPE = re.compile(
    r"^(/providers/microsoft\.management/managementgroups/[^/]+|/subscriptions/[^/]+(/resourcegroups/[^/]+)?)/?$",
    re.IGNORECASE,
)


# Data collector collections that hold request / response payloads (model inputs and outputs).
PAYLOAD_COLLECTIONS = frozenset({"request", "response", "model_inputs", "model_outputs"})


sensitivity = sensitivity_from_tags
"""``data.sensitivity`` from tags / labels: the shared reading every cloud uses (scanner/privacy/sensitivity.py)."""


def role_name(role: str | None) -> str | None:
    """The broad built-in role a role definition id or name denotes, or None when it is not broad."""
    if not role:
        return None
    guid = role.rstrip("/").rsplit("/", 1)[-1].lower()
    if guid in BROAD_ROLES:
        return BROAD_ROLES[guid]
    if role.lower() in BROAD_ROLE_NAMES:
        return next(name for name in BROAD_ROLES.values() if name.lower() == role.lower())
    return None


def is_broad_scope(scope: str) -> bool:
    """True for a management group, subscription or resource group scope (not a single resource)."""
    return bool(_BROAD_SCOPE.match(scope))


@dataclass(frozen=True)
class Grant:
    """One role assignment, reduced to what decides overprivilege.

    Live grants are always fully known. Terraform grants may not be: a role or scope from an
    unresolved variable, or a ``count`` that may be 0. Such a grant makes overprivilege
    unknown rather than false when it could be broad.
    """

    principal: str
    role: str | None
    """Built-in role name or role definition id; None when unresolved."""
    scope: str | None
    """Scope as an ARM id or a Terraform reference text; None when unresolved."""
    broad_scope: bool | None = None
    """Whether ``scope`` is subscription / resource-group wide, when the caller knows better than the id."""
    certain: bool = True
    """False when the assignment may not be created (Terraform ``count`` / ``for_each`` unresolved)."""

    def broad(self) -> bool | None:
        """True when a broad role is held at a broad scope; None when that cannot be decided."""
        if self.role is None:
            return None
        if role_name(self.role) is None:
            return False
        wide = self.broad_scope
        if wide is None:
            wide = None if self.scope is None else is_broad_scope(self.scope)
        if wide and not self.certain:
            return None
        return wide

    def describe(self) -> str:
        """``Contributor at /subscriptions/…``: what goes into ``identity.grants``."""
        return f"{role_name(self.role) or self.role} at {self.scope or '(unresolved scope)'}"


def identity_facts(
    principals: Iterable[str],
    grants: Iterable[Grant] | None,
    *,
    principal_label: str | None,
    default: bool | None,
) -> dict[str, Any]:
    """``identity.*`` facts from the principals a resource runs as and the grants known for them.

    ``grants`` None means the role assignments could not be read: overprivilege is then unknown.
    """
    principals = [p for p in principals if p]
    facts: dict[str, Any] = {"identity.principal": principal_label, "identity.default": default}
    if grants is None:
        facts["identity.overprivileged"] = None if principals else False
        facts["identity.grants"] = None if principals else []
        return facts
    wanted = {p.lower() for p in principals}
    mine = [g for g in grants if g.principal.lower() in wanted]
    verdicts = [g.broad() for g in mine]
    broad = [g.describe() for g, v in zip(mine, verdicts, strict=False) if v]
    facts["identity.grants"] = sorted(set(broad))
    facts["identity.overprivileged"] = any_of(verdicts)
    return facts


def workspace_facts(
    *,
    public_network_access: bool | None,
    public_behind_vnet: bool | None,
    isolation_mode: str | None,
    cmk_key_id: Any,
    hbi: bool | None,
    private_endpoint: bool | None,
) -> dict[str, Any]:
    """Workspace network, encryption and HBI facts.

    ``public_network_access`` is the resolved setting (the ARM and azurerm default is Enabled);
    ``public_behind_vnet`` (allowPublicAccessWhenBehindVnet) re-opens a Disabled workspace.
    ``isolation_mode`` is the managed network mode (default Disabled); only
    AllowOnlyApprovedOutbound blocks outbound internet.
    """
    if public_network_access is None:
        public = None
    elif public_network_access:
        public = True
    else:
        public = bool(public_behind_vnet) if public_behind_vnet is not None else False
    egress = None if isolation_mode is None else isolation_mode.lower() == "allowonlyapprovedoutbound"
    cmk = None if cmk_key_id is None else bool(cmk_key_id)
    return {
        "network.public": public,
        "network.private": private_endpoint,
        "network.egress_restricted": egress,
        "encryption.cmk": cmk,
        "encryption.key_id": str(cmk_key_id) if cmk_key_id else None,
        "workspace.hbi": hbi,
    }


def compute_facts(
    *,
    local_auth_enabled: bool | None,
    node_public_ip: bool | None,
    ssh_public: bool | None,
    subnet: str | None | bool,
) -> dict[str, Any]:
    """Compute cluster / instance facts; every argument already has its provider default resolved.

    ``subnet`` is the subnet id, False when none is attached, None when unknown (a Terraform
    reference resolves to its address text, which still counts as attached).
    """
    return {
        "auth.local_enabled": local_auth_enabled,
        "network.public_ip": node_public_ip,
        "network.ssh_public": ssh_public,
        "network.private": None if subnet is None else bool(subnet),
        "network.subnet": subnet if isinstance(subnet, str) and subnet else None,
    }


def storage_public(public_network_access: bool | None, default_action: str | None) -> bool | None:
    """A storage account is public when public network access is on and its firewall's default is Allow."""
    if public_network_access is None:
        return None
    if not public_network_access:
        return False
    return None if default_action is None else default_action.lower() != "deny"


def cluster_ssh_public(remote_login: str | None, has_subnet: bool | None) -> bool | None:
    """AmlCompute remoteLoginPortPublicAccess → SSH open to the internet.

    NotSpecified (the API default) means open on public nodes unless the cluster sits in a VNet.
    """
    if remote_login is None or remote_login.lower() == "notspecified":
        return negate(has_subnet)
    return remote_login.lower() == "enabled"


def endpoint_auth_mode(auth_mode: str | None) -> str:
    """authMode (default Key) → ``key`` | ``iam``."""
    if auth_mode is None or auth_mode.lower() == "key":
        return "key"
    return "iam"


def collector_captures(data_collector: Mapping[str, Any] | None) -> bool:
    """True when a deployment's data collector records request or response payloads."""
    if not isinstance(data_collector, Mapping):
        return False
    collections = data_collector.get("collections") or {}
    for name, spec in collections.items():
        if name.lower() not in PAYLOAD_COLLECTIONS:
            continue
        mode = (spec or {}).get("dataCollectionMode", "Enabled") if isinstance(spec, Mapping) else "Enabled"
        if str(mode).lower() == "enabled":
            return True
    return False


def deployment_facts(deployments: Sequence[Mapping[str, Any]], workspace_cmk: bool | None) -> dict[str, Any]:
    """Facts every deployment of an endpoint contributes, from their ARM JSON.

    egressPublicNetworkAccess defaults to Enabled and appInsightsEnabled to false; the data
    collector (absent from SDK 2.0.0b2's models) logs payloads when a request / response /
    model_inputs / model_outputs collection is enabled. Collected payloads land in the
    workspace's storage, so they are customer-key encrypted exactly when the workspace is.
    With no deployment, egress, logging and capacity are unknown.
    """
    # Azure ML online endpoints have no platform explanation feature (unlike SageMaker Clarify or Vertex
    # explanation_spec): nothing configured returns attributions or neighbours to callers.
    exposure = {"exposure.explanations": False, "exposure.neighbors": False}
    if not deployments:
        return {
            **exposure,
            "network.egress_restricted": None,
            "logging.access": None,
            "logging.capture": None,
            "logging.capture_encrypted": None,
            "availability.instance_count": None,
        }
    props = [d.get("properties") or {} for d in deployments]
    egress = all(str(p.get("egressPublicNetworkAccess", "Enabled")).lower() == "disabled" for p in props)
    capture = any(collector_captures(p.get("dataCollector")) for p in props)
    capacities = [(d.get("sku") or {}).get("capacity") for d in deployments]
    known = [c for c in capacities if isinstance(c, int)]
    return {
        **exposure,
        "network.egress_restricted": egress,
        "logging.access": all(bool(p.get("appInsightsEnabled", False)) for p in props),
        "logging.capture": capture,
        "logging.capture_encrypted": workspace_cmk if capture else None,
        "availability.instance_count": min(known) if len(known) == len(capacities) else None,
    }
