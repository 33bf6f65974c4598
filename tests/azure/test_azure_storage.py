"""The storage account behind an Azure ML workspace: the same account judged live (ARM GETs against the
emulator: the account, its blob service, containers and blob diagnostic settings) and in Terraform
(``azurerm_storage_account`` and its companions) gives the same ``artifacts.*`` facts; the workspace's
training jobs, models and endpoints keep their data there; a datastore names its own account.
"""

from __future__ import annotations

import pytest

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.clouds.sources import terraform_source
from scanner.sandbox.arm_emulator import start_arm_emulator

SUB = "55555555-5555-5555-5555-555555555555"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-storage"
ACCOUNTS = f"{RG}/providers/Microsoft.Storage/storageAccounts"
WS = f"{RG}/providers/Microsoft.MachineLearningServices/workspaces"
COMPARED = ("artifacts.public", "artifacts.cmk", "artifacts.versioning", "artifacts.access_logging")
EXPECTED = {
    "mlw-locked": {
        "artifacts.public": False,
        "artifacts.cmk": True,
        "artifacts.versioning": True,
        "artifacts.access_logging": True,
    },
    "mlw-open": {
        "artifacts.public": True,
        "artifacts.cmk": False,
        "artifacts.versioning": False,
        "artifacts.access_logging": False,
    },
}

HCL = """
resource "azurerm_storage_account" "stlocked" {
  name                            = "stlocked"
  resource_group_name             = "rg-storage"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  allow_nested_items_to_be_public = false
  customer_managed_key {
    key_vault_key_id          = "https://kv.vault.azure.net/keys/k"
    user_assigned_identity_id = "/subscriptions/x/uai"
  }
  blob_properties {
    versioning_enabled = true
  }
}

resource "azurerm_monitor_diagnostic_setting" "blob_reads" {
  name                       = "blob-reads"
  target_resource_id         = "${azurerm_storage_account.stlocked.id}/blobServices/default"
  log_analytics_workspace_id = "/subscriptions/x/law"
  enabled_log { category = "StorageRead" }
}

resource "azurerm_storage_account" "stopen" {
  name                     = "stopen"
  resource_group_name      = "rg-storage"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_storage_container" "public_data" {
  name                  = "data"
  storage_account_id    = azurerm_storage_account.stopen.id
  container_access_type = "blob"
}

resource "azurerm_machine_learning_workspace" "locked" {
  name                    = "mlw-locked"
  location                = "westeurope"
  resource_group_name     = "rg-storage"
  application_insights_id = "/subscriptions/x/appi"
  key_vault_id            = "/subscriptions/x/kv"
  storage_account_id      = azurerm_storage_account.stlocked.id
  identity { type = "SystemAssigned" }
}

resource "azurerm_machine_learning_workspace" "open" {
  name                    = "mlw-open"
  location                = "westeurope"
  resource_group_name     = "rg-storage"
  application_insights_id = "/subscriptions/x/appi"
  key_vault_id            = "/subscriptions/x/kv"
  storage_account_id      = azurerm_storage_account.stopen.id
  identity { type = "SystemAssigned" }
}

resource "azurerm_machine_learning_datastore_blobstorage" "open_data" {
  name                 = "opendata"
  workspace_id         = azurerm_machine_learning_workspace.locked.id
  storage_container_id = azurerm_storage_container.public_data.resource_manager_id
}
"""


def _workspace(name: str, account: str, jobs: list) -> dict:
    return {
        "id": f"{WS}/{name}",
        "name": name,
        "location": "westeurope",
        "identity": {"type": "SystemAssigned", "principalId": f"p-{name}"},
        "properties": {"publicNetworkAccess": "Enabled", "storageAccount": f"{ACCOUNTS}/{account}"},
        "jobs": jobs,
    }


JOB = {
    "name": "train-1",
    "properties": {
        "jobType": "Command",
        "command": "python train.py",
        "environmentId": "azureml:env:1",
        "computeId": "cpu",
        "status": "Completed",
    },
}
ESTATE = {
    "subscriptions": [{"subscriptionId": SUB, "displayName": "storage"}],
    "workspaces": [_workspace("mlw-locked", "stlocked", []), _workspace("mlw-open", "stopen", [JOB])],
    "storageAccounts": [
        {
            "id": f"{ACCOUNTS}/stlocked",
            "name": "stlocked",
            "type": "Microsoft.Storage/storageAccounts",
            "properties": {
                "allowBlobPublicAccess": False,
                "encryption": {"keySource": "Microsoft.Keyvault"},
            },
            "blobService": {"isVersioningEnabled": True},
            "diagnosticSettings": [
                {"name": "blob-reads", "properties": {"logs": [{"category": "StorageRead", "enabled": True}]}}
            ],
        },
        {
            "id": f"{ACCOUNTS}/stopen",
            "name": "stopen",
            "type": "Microsoft.Storage/storageAccounts",
            "properties": {"allowBlobPublicAccess": True, "encryption": {"keySource": "Microsoft.Storage"}},
            "containers": [{"name": "data", "properties": {"publicAccess": "Blob"}}],
        },
    ],
    "roleAssignments": [],
}


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory):
    with start_arm_emulator(estate=ESTATE) as emu:
        live = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
        requests = list(emu.requests)
    tmp = tmp_path_factory.mktemp("azure-storage")
    (tmp / "main.tf").write_text(HCL)
    tf = terraform_source([tmp / "main.tf"])
    assert live.errors == () and tf.errors == ()
    return {r.name: r for r in live.resources}, {r.name: r for r in tf.resources}, requests


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_live_and_terraform_judge_the_account_alike(faces, name):
    live, tf, _ = faces
    assert {k: live[name].facts.get(k) for k in COMPARED} == EXPECTED[name]
    assert {k: tf[name].facts.get(k) for k in COMPARED} == EXPECTED[name]


def test_the_workspace_jobs_keep_their_data_in_the_workspace_storage(faces):
    live = faces[0]
    job = live["train-1"]
    assert job.facts["artifacts.locations"] == [f"{ACCOUNTS}/stopen"]
    assert job.facts["artifacts.public"] is True


def test_a_datastore_names_its_own_account(faces):
    tf = faces[1]
    store = tf["opendata"]
    assert store.facts["artifacts.public"] is True
    assert store.facts["artifacts.locations"] == ["azurerm_storage_account.stopen"]


def test_storage_reads_are_gets(faces):
    storage = [r for r in faces[2] if "Microsoft.Storage" in r.path]
    assert storage and {r.method for r in storage} == {"GET"}
    assert any(r.path.endswith("/blobServices/default") for r in storage)
    assert any(r.path.endswith("/diagnosticSettings") for r in storage)
