"""Parity: the same settings give the same facts live (SDK → emulator) and in Terraform.

The estate below is the ARM JSON the azurerm provider sends for tests/azure/data/parity/main.tf
(e.g. an omitted ``ssh_public_access_enabled`` is sent as remoteLoginPortPublicAccess Disabled,
an omitted ``local_auth_enabled`` as disableLocalAuth false, an omitted
``public_network_access_enabled`` as publicNetworkAccess Enabled).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.clouds.sources import terraform_source
from scanner.sandbox.arm_emulator import start_arm_emulator

SUB = "44444444-4444-4444-4444-444444444444"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-parity"
WS = f"{RG}/providers/Microsoft.MachineLearningServices/workspaces"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/training"
UAI = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-parity"

WORKSPACE_FACTS = (
    "network.public",
    "network.private",
    "network.egress_restricted",
    "encryption.cmk",
    "workspace.hbi",
    "identity.default",
    "identity.user_assigned",
    "identity.overprivileged",
)
COMPUTE_FACTS = (
    "auth.local_enabled",
    "network.public_ip",
    "network.ssh_public",
    "network.private",
    "compute.min_nodes",
    "identity.overprivileged",
)


def _cluster(name, *, disable_local, public_ip, ssh, subnet, min_nodes):
    props = {
        "vmSize": "STANDARD_DS3_V2",
        "enableNodePublicIp": public_ip,
        "remoteLoginPortPublicAccess": ssh,
        "scaleSettings": {"minNodeCount": min_nodes, "maxNodeCount": 2},
    }
    if subnet:
        props["subnet"] = {"id": subnet}
    return {
        "name": name,
        "properties": {"computeType": "AmlCompute", "disableLocalAuth": disable_local, "properties": props},
    }


def _instance(name, *, disable_local, public_ip, ssh, subnet):
    props = {
        "vmSize": "STANDARD_DS3_V2",
        "enableNodePublicIp": public_ip,
        "sshSettings": {"sshPublicAccess": ssh},
    }
    if subnet:
        props["subnet"] = {"id": subnet}
    return {
        "name": name,
        "properties": {
            "computeType": "ComputeInstance",
            "disableLocalAuth": disable_local,
            "properties": props,
        },
    }


ESTATE = {
    "subscriptions": [{"subscriptionId": SUB, "displayName": "parity"}],
    "workspaces": [
        {
            "id": f"{WS}/mlw-locked",
            "name": "mlw-locked",
            "location": "westeurope",
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {UAI: {"principalId": "p-uai"}}},
            "properties": {
                "publicNetworkAccess": "Disabled",
                "hbiWorkspace": True,
                "primaryUserAssignedIdentity": UAI,
                "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"},
                "encryption": {
                    "status": "Enabled",
                    "keyVaultProperties": {
                        "keyVaultArmId": f"{RG}/providers/Microsoft.KeyVault/vaults/kv",
                        "keyIdentifier": "https://kv.vault.azure.net/keys/cmk/1",
                    },
                },
                "privateEndpointConnections": [
                    {"id": f"{WS}/mlw-locked/privateEndpointConnections/pe-locked"}
                ],
            },
            "computes": [
                _cluster(
                    "cc-locked",
                    disable_local=True,
                    public_ip=False,
                    ssh="Disabled",
                    subnet=SUBNET,
                    min_nodes=0,
                ),
                _instance("ci-locked", disable_local=True, public_ip=False, ssh="Disabled", subnet=SUBNET),
            ],
        },
        {
            "id": f"{WS}/mlw-defaults",
            "name": "mlw-defaults",
            "location": "westeurope",
            "identity": {"type": "SystemAssigned", "principalId": "p-defaults"},
            "properties": {
                "publicNetworkAccess": "Enabled",
                "managedNetwork": {"isolationMode": "AllowInternetOutbound"},
            },
            "computes": [
                _cluster(
                    "cc-defaults",
                    disable_local=False,
                    public_ip=True,
                    ssh="Disabled",
                    subnet=None,
                    min_nodes=1,
                ),
                _cluster(
                    "cc-ssh", disable_local=False, public_ip=True, ssh="Enabled", subnet=None, min_nodes=0
                ),
                _instance("ci-defaults", disable_local=False, public_ip=True, ssh="Enabled", subnet=None),
            ],
        },
    ],
    "roleAssignments": [],
}


@pytest.fixture(scope="module")
def both():
    with start_arm_emulator(estate=ESTATE) as emu:
        live = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
    assert live.errors == ()
    tf = terraform_source([str(Path(__file__).parent / "data/parity")])
    assert tf.errors == ()
    return {r.name: r for r in live.resources}, {r.name: r for r in tf.resources}


@pytest.mark.parametrize("name", ["mlw-locked", "mlw-defaults"])
def test_workspace_parity(both, name):
    live, tf = both
    assert {k: live[name].facts[k] for k in WORKSPACE_FACTS} == {
        k: tf[name].facts[k] for k in WORKSPACE_FACTS
    }


@pytest.mark.parametrize("name", ["cc-locked", "cc-defaults", "cc-ssh", "ci-locked", "ci-defaults"])
def test_compute_parity(both, name):
    live, tf = both
    keys = [k for k in COMPUTE_FACTS if k in live[name].facts or k in tf[name].facts]
    assert {k: live[name].facts.get(k) for k in keys} == {k: tf[name].facts.get(k) for k in keys}
    assert all(
        live[name].facts.get(k) is not None for k in keys if k != "compute.min_nodes" or name.startswith("cc")
    )


def test_parity_covers_both_outcomes(both):
    live, _ = both
    assert {live["mlw-locked"].facts["network.public"], live["mlw-defaults"].facts["network.public"]} == {
        True,
        False,
    }
    assert {live["cc-locked"].facts["network.ssh_public"], live["cc-ssh"].facts["network.ssh_public"]} == {
        True,
        False,
    }
