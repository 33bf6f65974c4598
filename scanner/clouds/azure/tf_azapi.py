"""``azapi_resource`` blocks of Microsoft.MachineLearningServices types → Resources, from their ARM body.

Azure's Verified Module for ML workspaces and most online-endpoint code use azapi. An azapi body is ARM
JSON, so the facts come from :mod:`scanner.clouds.azure.arm_facts`, the builders the live face uses: a
workspace, compute, datastore, registry, connection or serverless endpoint written with azapi gives the
same facts as its azurerm twin and the live API. Online endpoints and their deployments are mapped in
:mod:`scanner.clouds.azure.terraform` (deployments merge into their endpoint).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanner.clouds.azure import arm_facts
from scanner.clouds.azure.tf_common import identity, resource, storage_public
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_str
from scanner.model import Resource

_PREFIX = "microsoft.machinelearningservices/"


def azapi_type(tf: TfResource) -> str:
    """The ARM type of an azapi block, lower case, without its ``@api-version``."""
    return (as_str(tf.attrs.get("type")) or "").split("@", 1)[0].lower()


def body(tf: TfResource) -> Mapping[str, Any]:
    """The ARM body; an unresolvable one reads as ``properties`` unknown (every fact None)."""
    value = tf.attrs.get("body")
    if isinstance(value, Mapping):
        return value
    return {"properties": Unknown("body")} if isinstance(value, Unknown) else {}


def _parent_links(tf: TfResource, index: TfIndex) -> list[str]:
    parent = index.resolve(tf.attrs.get("parent_id"), tf)
    return [parent.address] if parent is not None else []


def map_workspace(tf: TfResource, index: TfIndex) -> list[Resource]:
    """workspaces → workspace (public access, managed network, CMK, HBI, identity, storage account)."""
    arm = body(tf)
    facts = arm_facts.workspace_facts(arm)
    props = arm.get("properties")
    storage = props.get("storageAccount") if isinstance(props, Mapping) else None
    facts["storage.public"] = storage_public(storage, tf, index)
    ident, keys = identity(tf, index, False)
    facts.update(ident)
    return [resource(tf, "workspace", facts, links=keys)]


def map_compute(tf: TfResource, index: TfIndex) -> list[Resource]:
    """workspaces/computes → compute (local auth, node public IP, SSH, subnet; cluster minimum nodes)."""
    props = body(tf).get("properties")
    if not isinstance(props, Mapping):
        facts = arm_facts.compute_facts("", {}, None)
    else:
        compute_type = as_str(props.get("computeType")) or ""
        facts = arm_facts.compute_facts(compute_type, props, props.get("disableLocalAuth"))
    ident, keys = identity(tf, index, None)
    facts.update(ident)
    return [resource(tf, "compute", facts, links=[*_parent_links(tf, index), *keys])]


def map_datastore(tf: TfResource, index: TfIndex) -> list[Resource]:
    """workspaces/datastores → data_store (identity-based access or a stored key / SAS / secret)."""
    facts = arm_facts.datastore_facts(body(tf))
    return [resource(tf, "data_store", facts, links=_parent_links(tf, index))]


def map_connection(tf: TfResource, index: TfIndex) -> list[Resource]:
    """workspaces/connections → data_store: the credential the workspace keeps for an external resource."""
    facts = arm_facts.connection_facts(body(tf))
    return [resource(tf, "data_store", facts, links=_parent_links(tf, index))]


def map_registry(tf: TfResource, index: TfIndex) -> list[Resource]:
    """registries → workspace: models and environments shared across workspaces (public access, CMK)."""
    facts = arm_facts.registry_facts(body(tf))
    ident, keys = identity(tf, index, None)
    facts.update(ident)
    return [resource(tf, "workspace", facts, links=keys)]


def map_serverless_endpoint(tf: TfResource, index: TfIndex) -> list[Resource]:
    """workspaces/serverlessEndpoints → endpoint (key or Entra ID auth)."""
    facts = arm_facts.serverless_endpoint_facts(body(tf))
    return [resource(tf, "endpoint", facts, links=_parent_links(tf, index))]


AZAPI_MAPPERS: dict[str, Callable[[TfResource, TfIndex], list[Resource]]] = {
    f"{_PREFIX}workspaces": map_workspace,
    f"{_PREFIX}workspaces/computes": map_compute,
    f"{_PREFIX}workspaces/datastores": map_datastore,
    f"{_PREFIX}workspaces/connections": map_connection,
    f"{_PREFIX}registries": map_registry,
    f"{_PREFIX}workspaces/serverlessendpoints": map_serverless_endpoint,
}
"""ARM type (lower case) → mapper, for the azapi types other than online endpoints and deployments."""
