"""Facts from Azure ML ARM JSON: one builder per resource type, shared by the live face and azapi bodies.

The live API answers with ARM JSON and an ``azapi_resource`` body *is* ARM JSON, so both faces call
these functions and one setting yields one fact. Values may be Terraform references or unresolved
expressions (azapi): :func:`scanner.iac.values.as_bool` / ``as_str`` turn those into None (unknown),
never into a default. API defaults are resolved here: ``publicNetworkAccess`` Enabled,
``enableNodePublicIp`` true, ``disableLocalAuth`` false, instance SSH Disabled, cluster SSH
NotSpecified, a datastore without credentials is identity-based.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.iac.values import Ref, Unknown, as_bool, as_str, is_set
from scanner.tristate import negate

STORED_CREDENTIALS = frozenset(
    {
        "accountkey",
        "sas",
        "serviceprincipal",
        "certificate",
        "usernamepassword",
        "pat",
        "apikey",
        "customkeys",
    }
)
"""Credential types whose secret Azure ML keeps (datastores and connections); None / identity ones are not."""


def _props(arm: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """``properties`` of an ARM document; None when it cannot be read (an unresolved azapi body)."""
    props = arm.get("properties", {})
    return props if isinstance(props, Mapping) else None


def _get(mapping: Any, *path: str) -> Any:
    for key in path:
        if isinstance(mapping, (Ref, Unknown)):
            return mapping
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def _enabled(value: Any, default: str) -> bool | None:
    """An Enabled / Disabled setting as a bool (absent = the API default)."""
    text = as_str(value, default)
    return None if text is None else text.lower() == "enabled"


def workspace_facts(arm: Mapping[str, Any]) -> dict[str, Any]:
    """A workspace: public access, managed network, CMK, HBI, private endpoints, primary identity.

    A workspace's system-assigned identity is its own (``identity.default`` false); a user-assigned
    primary identity is ``identity.user_assigned``.
    """
    props = _props(arm)
    if props is None:
        facts = fc.workspace_facts(
            public_network_access=None,
            public_behind_vnet=None,
            isolation_mode=None,
            cmk_key_id=None,
            hbi=None,
            private_endpoint=None,
        )
        return {**facts, "identity.default": False, "identity.user_assigned": None}
    encryption = props.get("encryption")
    status = as_str(_get(encryption, "status"), "Disabled") if isinstance(encryption, Mapping) else None
    key = _get(encryption, "keyVaultProperties", "keyIdentifier")
    if isinstance(encryption, (Ref, Unknown)):
        cmk_key: Any = None
    elif status is None:
        cmk_key = None if encryption else False
    else:
        cmk_key = (str(key) if is_set(key) else "customer-managed") if status.lower() == "enabled" else False
    isolation = _get(props, "managedNetwork", "isolationMode")
    endpoints = props.get("privateEndpointConnections")
    facts = fc.workspace_facts(
        public_network_access=_enabled(props.get("publicNetworkAccess"), "Enabled"),
        public_behind_vnet=as_bool(props.get("allowPublicAccessWhenBehindVnet"), False),
        isolation_mode=as_str(isolation, "Disabled"),
        cmk_key_id=cmk_key,
        hbi=as_bool(props.get("hbiWorkspace"), False),
        private_endpoint=is_set(endpoints),
    )
    facts["identity.default"] = False
    facts["identity.user_assigned"] = is_set(props.get("primaryUserAssignedIdentity"))
    return facts


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
    inner = inner if isinstance(inner, Mapping) else {}
    disabled = as_bool(disable_local_auth, False)
    local = (
        None
        if disable_local_auth is None and compute_type not in ("AmlCompute", "ComputeInstance")
        else negate(disabled)
    )
    subnet_value = _get(inner, "subnet", "id")
    subnet: str | bool | None = (
        None if isinstance(subnet_value, Unknown) else (str(subnet_value) if subnet_value else False)
    )
    if compute_type == "AmlCompute":
        facts = fc.compute_facts(
            local_auth_enabled=local,
            node_public_ip=as_bool(inner.get("enableNodePublicIp"), True),
            ssh_public=fc.cluster_ssh_public(
                as_str(inner.get("remoteLoginPortPublicAccess")), None if subnet is None else bool(subnet)
            ),
            subnet=subnet,
        )
        minimum = _get(inner, "scaleSettings", "minNodeCount")
        minimum = 0 if minimum is None else minimum
        facts["compute.min_nodes"] = (
            minimum if isinstance(minimum, int) and not isinstance(minimum, bool) else None
        )
        return facts
    if compute_type == "ComputeInstance":
        ssh = as_str(_get(inner, "sshSettings", "sshPublicAccess"), "Disabled")
        facts = fc.compute_facts(
            local_auth_enabled=local,
            node_public_ip=as_bool(inner.get("enableNodePublicIp"), True),
            ssh_public=None if ssh is None else ssh.lower() == "enabled",
            subnet=subnet,
        )
        facts["compute.idle_shutdown"] = idle_shutdown(inner)
        return facts
    if compute_type == "AKS":
        networking = inner.get("aksNetworkingConfiguration") or {}
        aks_subnet = networking.get("subnetId") if isinstance(networking, Mapping) else None
        facts = fc.compute_facts(
            local_auth_enabled=local,
            node_public_ip=None,
            ssh_public=None,
            subnet=str(aks_subnet) if aks_subnet else False,
        )
        balancer = as_str(inner.get("loadBalancerType"))
        facts["network.public"] = None if balancer is None else balancer.lower() != "internalloadbalancer"
        return facts
    return fc.compute_facts(local_auth_enabled=local, node_public_ip=None, ssh_public=None, subnet=None)


def credential_facts(credentials_type: Any) -> dict[str, Any]:
    """``datastore.stored_credentials`` / ``datastore.credential`` from a credentials type (None = identity)."""
    if isinstance(credentials_type, (Ref, Unknown)):
        return {"datastore.stored_credentials": None, "datastore.credential": None}
    kind = str(credentials_type or "None").replace("_", "").lower()
    if kind in ("none", "managedidentity", "aad"):
        return {"datastore.stored_credentials": False, "datastore.credential": "identity"}
    return {
        "datastore.stored_credentials": True if kind in STORED_CREDENTIALS else None,
        "datastore.credential": kind,
    }


def datastore_facts(arm: Mapping[str, Any]) -> dict[str, Any]:
    """A datastore: identity-based access (no credentials) or a stored account key / SAS / secret."""
    props = _props(arm)
    if props is None:
        return credential_facts(Unknown("properties"))
    creds = props.get("credentials")
    kind = _get(creds, "credentialsType") if creds is not None else "None"
    return credential_facts(kind)


def connection_facts(arm: Mapping[str, Any]) -> dict[str, Any]:
    """A workspace connection: the credential it stores (authType), by the same rule as datastores."""
    props = _props(arm)
    return credential_facts(Unknown("properties") if props is None else props.get("authType", "None"))


def registry_facts(arm: Mapping[str, Any]) -> dict[str, Any]:
    """A registry (models and environments shared across workspaces): public network access, CMK.

    A registry without ``publicNetworkAccess`` is reachable from the internet (Enabled is the default).
    """
    props = _props(arm)
    if props is None:
        return {"network.public": None, "network.private": None, "encryption.cmk": None}
    public = _enabled(props.get("publicNetworkAccess"), "Enabled")
    key = _get(props, "encryption", "keyVaultProperties", "keyIdentifier")
    endpoints = is_set(props.get("registryPrivateEndpointConnections"))
    return {
        "network.public": public,
        "network.private": endpoints,
        "encryption.cmk": None if isinstance(key, Unknown) else bool(is_set(key)),
        "encryption.key_id": str(key) if is_set(key) else None,
    }


def serverless_endpoint_facts(arm: Mapping[str, Any]) -> dict[str, Any]:
    """A serverless (models-as-a-service) endpoint: key or Entra ID auth (``authMode``, default Key)."""
    props = _props(arm)
    mode = None if props is None else as_str(props.get("authMode"), "Key")
    return {"auth.mode": None if mode is None else fc.endpoint_auth_mode(mode)}
