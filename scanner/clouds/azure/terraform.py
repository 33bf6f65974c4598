"""Terraform face of Azure ML: azurerm (and azapi) blocks → normalized Resources.

Provider defaults are resolved from the azurerm schema, so an omitted attribute means what
Azure does with it: ``public_network_access_enabled`` defaults to true (Checkov's
CKV2_AZURE_49 passes an omitted value, CKV_AZURE_144 fails it; the provider sends
``Enabled``, so the workspace is public), ``local_auth_enabled`` and
``node_public_ip_enabled`` default to true, a compute cluster's omitted
``ssh_public_access_enabled`` is sent as Disabled, a compute instance without an ``ssh``
block gets SSH Disabled, and ``managed_network.isolation_mode`` defaults to Disabled.
Facts come from :mod:`scanner.clouds.azure.facts_common`, shared with the live face.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure import monitoring as mon
from scanner.clouds.azure.tf_azapi import AZAPI_MAPPERS, azapi_type
from scanner.clouds.azure.tf_common import identity as _identity
from scanner.clouds.azure.tf_common import resource as _resource
from scanner.clouds.azure.tf_common import storage_public
from scanner.clouds.azure.tf_datastores import DATASTORE_TYPES, map_datastore, map_synapse_spark
from scanner.clouds.azure.tf_iam import primary_is_user_assigned
from scanner.clouds.azure.tf_monitoring import endpoint_keys, surroundings
from scanner.clouds.azure.tf_storage import storage_artifact_facts
from scanner.clouds.base import TerraformMapper
from scanner.iac.graph import TfIndex
from scanner.iac.plan_loader import KNOWN_AFTER_APPLY
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown, as_bool, as_str, block, display, is_set
from scanner.model import Resource
from scanner.tristate import negate

_ENDPOINT_TYPE = "microsoft.machinelearningservices/workspaces/onlineendpoints"
_DEPLOYMENT_TYPE = f"{_ENDPOINT_TYPE}/deployments"


def _subnet(value: Any) -> str | bool | None:
    present = is_set(value)
    if present is None:
        return None
    return str(display(value)) if present else False


def _computed(value: Any) -> Any:
    """An Optional+Computed attribute the configuration leaves unset shows in a plan as known after apply.

    With no configuration reference behind it (``Ref("(known after apply)")``) it is the
    provider's choice, i.e. the omitted case, not an unknown.
    """
    return None if isinstance(value, Ref) and value.target == KNOWN_AFTER_APPLY else value


def _exists(tf: TfResource) -> bool | None:
    """False never happens here (count = 0 blocks are dropped by the loader); None when count is unresolved."""
    return None if any(isinstance(tf.attrs.get(k), Unknown) for k in ("count", "for_each")) else True


def _private_endpoint(ws: TfResource, index: TfIndex) -> bool | None:
    """An azurerm_private_endpoint connects to this workspace (None when its existence is unresolved)."""
    verdicts = [_exists(pe) for pe in index.referencing(ws, "azurerm_private_endpoint")]
    if any(verdicts):
        return True
    return None if verdicts else False


def workspace_cmk(ws: TfResource) -> Any:
    """The workspace's CMK key (text), False when it has none, None when unresolvable."""
    enc = block(ws.attrs, "encryption")
    if isinstance(enc, Unknown):
        return None
    if enc is None:
        return False
    key = enc.get("key_id", enc.get("key_vault_key_id"))
    present = is_set(key)
    return None if present is None else (str(display(key)) if present else False)


def map_workspace(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azurerm_machine_learning_workspace → workspace."""
    attrs = tf.attrs
    managed = block(attrs, "managed_network")
    isolation = (
        None if isinstance(managed, Unknown) else as_str((managed or {}).get("isolation_mode"), "Disabled")
    )
    facts = fc.workspace_facts(
        public_network_access=as_bool(attrs.get("public_network_access_enabled"), True),
        public_behind_vnet=as_bool(attrs.get("public_access_behind_virtual_network_enabled"), False),
        isolation_mode=isolation,
        cmk_key_id=workspace_cmk(tf),
        hbi=as_bool(attrs.get("high_business_impact"), False),
        private_endpoint=_private_endpoint(tf, index),
    )
    facts["storage.public"] = storage_public(tf.attrs.get("storage_account_id"), tf, index)
    facts.update(storage_artifact_facts(tf.attrs.get("storage_account_id"), tf, index))
    # A workspace's system-assigned identity is its own, not one shared with other workloads.
    identity, keys = _identity(tf, index, False)
    facts.update(identity)
    facts["identity.user_assigned"] = primary_is_user_assigned(attrs)
    return [_resource(tf, "workspace", facts, links=keys)]


def _workspace_of(tf: TfResource, index: TfIndex) -> TfResource | None:
    return index.resolve(tf.attrs.get("machine_learning_workspace_id"), tf)


def map_compute_cluster(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azurerm_machine_learning_compute_cluster → compute."""
    attrs = tf.attrs
    facts = fc.compute_facts(
        local_auth_enabled=as_bool(attrs.get("local_auth_enabled"), True),
        node_public_ip=as_bool(attrs.get("node_public_ip_enabled"), True),
        ssh_public=as_bool(_computed(attrs.get("ssh_public_access_enabled")), False),
        subnet=_subnet(attrs.get("subnet_resource_id")),
    )
    scale = block(attrs, "scale_settings")
    minimum = None if isinstance(scale, Unknown) else (scale or {}).get("min_node_count", 0)
    facts["compute.min_nodes"] = (
        minimum if isinstance(minimum, int) and not isinstance(minimum, bool) else None
    )
    return _compute(tf, index, facts)


def map_compute_instance(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azurerm_machine_learning_compute_instance → compute (an ``ssh`` block opens public SSH)."""
    attrs = tf.attrs
    ssh = block(attrs, "ssh")
    facts = fc.compute_facts(
        local_auth_enabled=as_bool(attrs.get("local_auth_enabled"), True),
        node_public_ip=as_bool(attrs.get("node_public_ip_enabled"), True),
        ssh_public=None if isinstance(ssh, Unknown) else ssh is not None,
        subnet=_subnet(attrs.get("subnet_resource_id")),
    )
    facts["compute.idle_shutdown"] = None  # azurerm has no idle-shutdown attribute
    return _compute(tf, index, facts)


def map_inference_cluster(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azurerm_machine_learning_inference_cluster → compute, networking read from the AKS cluster it attaches."""
    aks = index.resolve(tf.attrs.get("kubernetes_cluster_id"), tf)
    public: bool | None = None
    subnet: str | bool | None = None
    if aks is not None and aks.type == "azurerm_kubernetes_cluster":
        private = as_bool(aks.attrs.get("private_cluster_enabled"), False)
        public = negate(private)
        pool = block(aks.attrs, "default_node_pool")
        subnet = None if isinstance(pool, Unknown) else _subnet((pool or {}).get("vnet_subnet_id"))
    facts = fc.compute_facts(local_auth_enabled=None, node_public_ip=None, ssh_public=None, subnet=subnet)
    facts["network.public"] = public
    return _compute(tf, index, facts)


def _compute(tf: TfResource, index: TfIndex, facts: dict[str, Any]) -> list[Resource]:
    identity, keys = _identity(tf, index, None)
    facts.update(identity)
    workspace = _workspace_of(tf, index)
    links = [workspace.address] if workspace is not None else []
    return [_resource(tf, "compute", facts, links=[*links, *keys])]


def _endpoint_common(
    tf: TfResource,
    index: TfIndex,
    workspace: TfResource | None,
    auth_mode: Any,
    public: bool | None,
    deployments: list[Mapping[str, Any]],
) -> Resource:
    cmk = workspace_cmk(workspace) if workspace is not None else None
    cmk_fact = None if cmk is None else bool(cmk)
    facts: dict[str, Any] = {
        "auth.mode": None if isinstance(auth_mode, (Ref, Unknown)) else fc.endpoint_auth_mode(auth_mode),
        "network.public": public,
        "network.private": negate(public),
        "encryption.cmk": cmk_fact,
    }
    facts.update(fc.deployment_facts(deployments, cmk_fact))
    facts.update(mon.capture_completeness(deployments))
    keys_of = endpoint_keys(tf, workspace, auth_mode, tf.attrs.get("name"))
    facts.update(mon.monitoring_facts(keys_of, surroundings(index)))
    identity, keys = _identity(tf, index, None)
    facts.update(identity)
    models = [
        str(display((d.get("properties") or {}).get("model")))
        for d in deployments
        if (d.get("properties") or {}).get("model")
    ]
    raw = {**tf.attrs, "deployments": deployments} if deployments else tf.attrs
    return _resource(tf, "endpoint", facts, links=[*models, *keys], raw=raw)


def map_online_endpoint(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azurerm_machine_learning_online_endpoint → endpoint (deployments come only through azapi)."""
    attrs = tf.attrs
    deployments = _azapi_deployments(tf, index)
    return [
        _endpoint_common(
            tf,
            index,
            _workspace_of(tf, index),
            attrs.get("authentication_mode"),
            as_bool(attrs.get("public_network_access_enabled"), True),
            deployments,
        )
    ]


def _body(tf: TfResource) -> Mapping[str, Any]:
    body = tf.attrs.get("body")
    return body if isinstance(body, Mapping) else {}


def _azapi_deployments(endpoint: TfResource, index: TfIndex) -> list[Mapping[str, Any]]:
    found = []
    for dep in index.referencing(endpoint, "azapi_resource"):
        if azapi_type(dep) == _DEPLOYMENT_TYPE and isinstance(dep.attrs.get("parent_id"), Ref):
            target = index.resolve(dep.attrs.get("parent_id"), dep)
            if target is endpoint:
                found.append({"name": display(dep.attrs.get("name")), **_body(dep)})
    return found


def map_azapi(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azapi_resource ML types: online endpoints (their azapi deployments merged) here, the others by
    :data:`AZAPI_MAPPERS`; non-ML azapi types are skipped."""
    arm_type = azapi_type(tf)
    if arm_type in AZAPI_MAPPERS:
        return AZAPI_MAPPERS[arm_type](tf, index)
    if arm_type != _ENDPOINT_TYPE:
        return []
    body = tf.attrs.get("body")
    props = (body.get("properties") or {}) if isinstance(body, Mapping) else None
    if props is None:
        auth_mode, public = Unknown("body"), None
    else:
        auth_mode = props.get("authMode")
        access = as_str(props.get("publicNetworkAccess"), "Enabled")
        public = None if access is None else access.lower() == "enabled"
    workspace = index.resolve(tf.attrs.get("parent_id"), tf)
    return [_endpoint_common(tf, index, workspace, auth_mode, public, _azapi_deployments(tf, index))]


MAPPERS: dict[str, TerraformMapper] = {
    "azurerm_machine_learning_workspace": map_workspace,
    "azurerm_machine_learning_compute_cluster": map_compute_cluster,
    "azurerm_machine_learning_compute_instance": map_compute_instance,
    "azurerm_machine_learning_inference_cluster": map_inference_cluster,
    "azurerm_machine_learning_online_endpoint": map_online_endpoint,
    "azapi_resource": map_azapi,
    **dict.fromkeys(DATASTORE_TYPES, map_datastore),
    "azurerm_machine_learning_synapse_spark": map_synapse_spark,
}

AZAPI_TYPES = frozenset({_ENDPOINT_TYPE, _DEPLOYMENT_TYPE, *AZAPI_MAPPERS})
"""The Microsoft.MachineLearningServices types (lower case) whose azapi_resource blocks are mapped
(deployments are merged into their endpoint)."""
