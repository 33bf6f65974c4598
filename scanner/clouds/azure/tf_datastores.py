"""azurerm Azure ML datastores and Synapse Spark attachments → Resources.

A datastore either lets Azure ML reach the storage with an identity (no secret kept) or stores an
account key, a SAS token or a service principal secret in the workspace's key vault, usable by every
workspace user. The credential type is judged by the same rule as live and azapi
(:func:`scanner.clouds.azure.arm_facts.credential_facts`).
"""

from __future__ import annotations

from scanner.clouds.azure import arm_facts
from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.tf_common import identity, resource
from scanner.clouds.azure.tf_storage import storage_artifact_facts
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_bool, is_set
from scanner.model import Resource

# attribute holding a secret → the ARM credentialsType it means, in the order the provider checks them
_SECRETS = {
    "azurerm_machine_learning_datastore_blobstorage": (
        ("account_key", "AccountKey"),
        ("shared_access_signature", "Sas"),
    ),
    "azurerm_machine_learning_datastore_fileshare": (
        ("account_key", "AccountKey"),
        ("shared_access_signature", "Sas"),
    ),
    "azurerm_machine_learning_datastore_datalake_gen2": (("client_secret", "ServicePrincipal"),),
}
DATASTORE_TYPES = tuple(_SECRETS)


def credentials_type(tf: TfResource) -> object:
    """The ARM credentialsType the block's attributes amount to (``None`` = identity-based)."""
    for attribute, kind in _SECRETS[tf.type]:
        present = is_set(tf.attrs.get(attribute))
        if present is None:
            return Unknown(attribute)
        if present:
            return kind
    return "None"


def map_datastore(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azurerm_machine_learning_datastore_* → data_store (identity-based or a stored key / SAS / secret)."""
    facts = arm_facts.credential_facts(credentials_type(tf))
    target = tf.attrs.get("storage_container_id") or tf.attrs.get("storage_account_id")
    facts.update(storage_artifact_facts(target, tf, index))
    workspace = index.resolve(tf.attrs.get("workspace_id"), tf)
    return [resource(tf, "data_store", facts, links=[workspace.address] if workspace else [])]


def map_synapse_spark(tf: TfResource, index: TfIndex) -> list[Resource]:
    """azurerm_machine_learning_synapse_spark → compute (local auth defaults to enabled)."""
    facts = fc.compute_facts(
        local_auth_enabled=as_bool(tf.attrs.get("local_auth_enabled"), True),
        node_public_ip=None,
        ssh_public=None,
        subnet=None,
    )
    ident, keys = identity(tf, index, None)
    facts.update(ident)
    workspace = index.resolve(tf.attrs.get("machine_learning_workspace_id"), tf)
    return [resource(tf, "compute", facts, links=[*([workspace.address] if workspace else []), *keys])]
