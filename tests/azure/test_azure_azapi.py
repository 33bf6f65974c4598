"""azapi_resource bodies are ARM JSON: the same documents give the same facts in HCL as live (emulator).

The estate's workspace and compute documents are written into ``azapi_resource`` blocks (HCL object
syntax, as azapi 2.x takes ``body``), parsed by the real Terraform loader, and compared with what the live
scanner reads from the ARM emulator serving the same documents.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.clouds.sources import terraform_source
from scanner.sandbox.arm_emulator import start_arm_emulator

SUB = "55555555-5555-5555-5555-555555555555"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-azapi"
WS = f"{RG}/providers/Microsoft.MachineLearningServices/workspaces"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/ml"

LOCKED = {
    "publicNetworkAccess": "Disabled",
    "hbiWorkspace": True,
    "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"},
    "encryption": {
        "status": "Enabled",
        "keyVaultProperties": {"keyIdentifier": "https://kv.vault.azure.net/keys/k/1"},
    },
}
OPEN = {"managedNetwork": {"isolationMode": "AllowInternetOutbound"}}
CLUSTER = {
    "computeType": "AmlCompute",
    "disableLocalAuth": True,
    "properties": {"enableNodePublicIp": False, "remoteLoginPortPublicAccess": "Disabled", "subnet": {"id": SUBNET},
                   "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2}},
}  # fmt: skip
INSTANCE = {"computeType": "ComputeInstance", "properties": {"sshSettings": {"sshPublicAccess": "Enabled"}}}

WORKSPACE_FACTS = (
    "network.public",
    "network.private",
    "network.egress_restricted",
    "encryption.cmk",
    "encryption.key_id",
    "workspace.hbi",
    "identity.default",
    "identity.user_assigned",
)
COMPUTE_FACTS = (
    "auth.local_enabled",
    "network.public_ip",
    "network.ssh_public",
    "network.private",
    "compute.min_nodes",
)


def hcl(value: Any, indent: int = 2) -> str:
    """A JSON value in HCL object syntax (``"key" = value``)."""
    pad = " " * indent
    if isinstance(value, dict):
        inner = "\n".join(f'{pad}  "{k}" = {hcl(v, indent + 2)}' for k, v in value.items())
        return "{\n" + inner + f"\n{pad}}}"
    if isinstance(value, list):
        return "[" + ", ".join(hcl(v, indent) for v in value) + "]"
    return json.dumps(value)


def azapi(name: str, arm_type: str, properties: dict, parent: str | None = None) -> str:
    parent_line = f"  parent_id = {parent}\n" if parent else ""
    return (
        f'resource "azapi_resource" "{name}" {{\n  type = "{arm_type}@2024-04-01"\n  name = "{name}"\n'
        f"{parent_line}  body = {hcl({'properties': properties})}\n}}\n"
    )


ESTATE = {
    "subscriptions": [{"subscriptionId": SUB, "displayName": "azapi"}],
    "workspaces": [
        {
            "id": f"{WS}/mlw-locked",
            "name": "mlw-locked",
            "location": "westeurope",
            "identity": {"type": "SystemAssigned", "principalId": "p1"},
            "properties": LOCKED,
            "computes": [{"name": "cc", "properties": CLUSTER}, {"name": "ci", "properties": INSTANCE}],
        },
        {
            "id": f"{WS}/mlw-open",
            "name": "mlw-open",
            "location": "westeurope",
            "identity": {"type": "SystemAssigned", "principalId": "p2"},
            "properties": OPEN,
            "computes": [],
        },
    ],
    "roleAssignments": [],
}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("azapi")
    ws = "Microsoft.MachineLearningServices/workspaces"
    text = (
        azapi("mlw-locked", ws, LOCKED)
        + azapi("mlw-open", ws, OPEN)
        + azapi("cc", f"{ws}/computes", CLUSTER, "azapi_resource.mlw-locked.id")
        + azapi("ci", f"{ws}/computes", INSTANCE, "azapi_resource.mlw-locked.id")
    )
    (root / "main.tf").write_text(text, encoding="utf-8")
    tf = terraform_source([str(root)])
    assert tf.errors == ()
    with start_arm_emulator(estate=ESTATE) as emu:
        live = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
    assert live.errors == ()
    return {r.name: r for r in live.resources}, {r.name: r for r in tf.resources}


@pytest.mark.parametrize("name", ["mlw-locked", "mlw-open"])
def test_azapi_workspace_has_the_live_facts(both, name):
    live, tf = both
    assert tf[name].kind == "workspace"
    assert {k: tf[name].facts.get(k) for k in WORKSPACE_FACTS} == {
        k: live[name].facts.get(k) for k in WORKSPACE_FACTS
    }


def test_the_two_workspaces_differ(both):
    _, tf = both
    assert (tf["mlw-locked"].facts["network.public"], tf["mlw-open"].facts["network.public"]) == (False, True)
    assert (tf["mlw-locked"].facts["encryption.cmk"], tf["mlw-open"].facts["encryption.cmk"]) == (True, False)


@pytest.mark.parametrize("name", ["cc", "ci"])
def test_azapi_compute_has_the_live_facts(both, name):
    live, tf = both
    keys = [k for k in COMPUTE_FACTS if k in live[name].facts]
    assert {k: tf[name].facts.get(k) for k in keys} == {k: live[name].facts[k] for k in keys}
    assert any(link.endswith(":azapi_resource.mlw-locked") for link in tf[name].links)


def _map(tmp_path: Path, text: str) -> dict:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text), encoding="utf-8")
    source = terraform_source([str(tmp_path)])
    assert source.errors == ()
    return {r.name: r for r in source.resources}


def test_azapi_datastores_connections_registries_and_serverless_endpoints(tmp_path):
    ds = "Microsoft.MachineLearningServices/workspaces/datastores"
    resources = _map(
        tmp_path,
        azapi("keyed", ds, {"datastoreType": "AzureBlob", "credentials": {"credentialsType": "AccountKey",
                                                                           "secrets": {"key": "x"}}})
        + azapi("identity", ds, {"datastoreType": "AzureBlob", "credentials": {"credentialsType": "None"}})
        + azapi("conn", "Microsoft.MachineLearningServices/workspaces/connections", {"authType": "PAT"})
        + azapi("reg", "Microsoft.MachineLearningServices/registries", {"regionDetails": []})
        + azapi("reg-private", "Microsoft.MachineLearningServices/registries", {"publicNetworkAccess": "Disabled"})
        + azapi("maas", "Microsoft.MachineLearningServices/workspaces/serverlessEndpoints", {"authMode": "Key"}),
    )  # fmt: skip
    assert resources["keyed"].kind == "data_store"
    assert resources["keyed"].facts["datastore.stored_credentials"] is True
    assert resources["keyed"].facts["datastore.credential"] == "accountkey"
    assert "x" not in json.dumps(resources["keyed"].raw["body"]["properties"]["credentials"]["secrets"])
    assert resources["identity"].facts["datastore.stored_credentials"] is False
    assert resources["conn"].facts["datastore.stored_credentials"] is True
    assert resources["reg"].kind == "workspace"
    assert (
        resources["reg"].facts["network.public"] is True and resources["reg"].facts["encryption.cmk"] is False
    )
    assert resources["reg-private"].facts["network.public"] is False
    assert resources["maas"].kind == "endpoint" and resources["maas"].facts["auth.mode"] == "key"


def test_an_unresolvable_azapi_body_is_unknown_not_default(tmp_path):
    resources = _map(
        tmp_path,
        """
        variable "props" {}
        resource "azapi_resource" "ws" {
          type = "Microsoft.MachineLearningServices/workspaces@2024-04-01"
          name = "ws"
          body = var.props
        }
        """,
    )
    facts = resources["ws"].facts
    assert facts["network.public"] is None and facts["encryption.cmk"] is None


def test_azurerm_datastores_by_credential_and_synapse_spark(tmp_path):
    resources = _map(
        tmp_path,
        """
        variable "sas" {}
        resource "azurerm_storage_account" "sa" {
          name                     = "sa"
          resource_group_name      = "rg"
          location                 = "westeurope"
          account_tier             = "Standard"
          account_replication_type = "LRS"
        }
        resource "azurerm_machine_learning_datastore_blobstorage" "keyed" {
          name                 = "keyed"
          workspace_id         = "/subscriptions/s/ws"
          storage_container_id = "c"
          account_key          = azurerm_storage_account.sa.primary_access_key
        }
        resource "azurerm_machine_learning_datastore_fileshare" "sas" {
          name                 = "sas"
          workspace_id         = "/subscriptions/s/ws"
          storage_fileshare_id = "f"
          shared_access_signature = var.sas
        }
        resource "azurerm_machine_learning_datastore_datalake_gen2" "identity" {
          name                 = "identity"
          workspace_id         = "/subscriptions/s/ws"
          storage_container_id = "c"
        }
        resource "azurerm_machine_learning_synapse_spark" "spark" {
          name                          = "spark"
          machine_learning_workspace_id = "/subscriptions/s/ws"
          location                      = "westeurope"
          synapse_spark_pool_id         = "pool"
        }
        """,
    )
    assert resources["keyed"].facts["datastore.stored_credentials"] is True
    assert resources["sas"].facts["datastore.stored_credentials"] is None  # a variable without a default
    assert resources["identity"].facts["datastore.stored_credentials"] is False
    assert resources["spark"].kind == "compute" and resources["spark"].facts["auth.local_enabled"] is True
