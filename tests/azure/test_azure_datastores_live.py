"""Azure ML datastores and registries live (ARM GETs against the emulator) and as azapi bodies give the same
facts: the ARM JSON is the body, judged by the same builders; a datastore on the workspace's own storage
account carries that account's ``artifacts.*``."""

from __future__ import annotations

import pytest

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.clouds.sources import terraform_source
from scanner.sandbox.arm_emulator import start_arm_emulator
from tests.azure.test_azure_azapi import azapi

SUB = "66666666-6666-6666-6666-666666666666"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-ds"
WS = f"{RG}/providers/Microsoft.MachineLearningServices/workspaces/mlw-ds"
ACCOUNT = f"{RG}/providers/Microsoft.Storage/storageAccounts/stds"
DATASTORES = {
    "keyed": {
        "datastoreType": "AzureBlob",
        "accountName": "stds",
        "containerName": "data",
        "credentials": {"credentialsType": "AccountKey"},
    },
    "identity": {
        "datastoreType": "AzureBlob",
        "accountName": "elsewhere",
        "containerName": "data",
        "credentials": {"credentialsType": "None"},
    },
    "sas": {"datastoreType": "AzureFile", "credentials": {"credentialsType": "Sas"}},
}
REGISTRIES = {
    "reg-open": {"regionDetails": []},
    "reg-private": {
        "publicNetworkAccess": "Disabled",
        "registryPrivateEndpointConnections": [{"id": "pe"}],
        "encryption": {"keyVaultProperties": {"keyIdentifier": "https://kv.vault.azure.net/keys/k"}},
    },
}
COMPARED = (
    "datastore.stored_credentials",
    "datastore.credential",
    "network.public",
    "network.private",
    "encryption.cmk",
)
ESTATE = {
    "subscriptions": [{"subscriptionId": SUB, "displayName": "datastores"}],
    "workspaces": [
        {
            "id": WS,
            "name": "mlw-ds",
            "location": "westeurope",
            "properties": {"publicNetworkAccess": "Disabled", "storageAccount": ACCOUNT},
            "datastores": [{"name": n, "properties": p} for n, p in DATASTORES.items()],
        }
    ],
    "registries": [
        {
            "id": f"{RG}/providers/Microsoft.MachineLearningServices/registries/{n}",
            "name": n,
            "location": "westeurope",
            "properties": p,
        }
        for n, p in REGISTRIES.items()
    ],
    "storageAccounts": [
        {
            "id": ACCOUNT,
            "name": "stds",
            "properties": {"allowBlobPublicAccess": False},
            "blobService": {"isVersioningEnabled": True},
        }
    ],
    "roleAssignments": [],
}


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory):
    with start_arm_emulator(estate=ESTATE) as emu:
        live = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
        methods = {r.method for r in emu.requests}
    tmp = tmp_path_factory.mktemp("azapi-ds")
    ds = "Microsoft.MachineLearningServices/workspaces/datastores"
    text = "".join(azapi(n, ds, p) for n, p in DATASTORES.items())
    text += "".join(
        azapi(n, "Microsoft.MachineLearningServices/registries", p) for n, p in REGISTRIES.items()
    )
    (tmp / "main.tf").write_text(text)
    tf = terraform_source([tmp / "main.tf"])
    assert live.errors == () and tf.errors == ()
    assert methods == {"GET"}
    return {r.name: r for r in live.resources}, {r.name: r for r in tf.resources}


@pytest.mark.parametrize("name", [*DATASTORES, *REGISTRIES])
def test_live_and_azapi_agree(faces, name):
    live, tf = faces
    assert live[name].kind == tf[name].kind
    keys = [k for k in COMPARED if k in tf[name].facts]
    assert keys and {k: live[name].facts.get(k) for k in keys} == {k: tf[name].facts[k] for k in keys}


def test_verdicts_and_storage(faces):
    live = faces[0]
    assert live["keyed"].facts["datastore.stored_credentials"] is True
    assert live["identity"].facts["datastore.stored_credentials"] is False
    assert live["reg-open"].facts["network.public"] is True
    assert live["reg-private"].facts["encryption.cmk"] is True
    assert live["keyed"].facts["artifacts.locations"] == [ACCOUNT]
    assert live["keyed"].facts["artifacts.versioning"] is True
    assert live["identity"].facts["artifacts.public"] is None  # another account, not read
    assert live["keyed"].links == (WS,)
