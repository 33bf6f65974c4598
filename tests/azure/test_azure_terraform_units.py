"""Terraform mappers on hand-built blocks: provider defaults, references and unknowns."""

from __future__ import annotations

from scanner.clouds.azure.terraform import MAPPERS
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown
from scanner.model import Source


def tf(type_: str, label: str, **attrs) -> TfResource:
    references = tuple(sorted({v.address for v in _walk(attrs) if isinstance(v, Ref)}))
    return TfResource(
        type=type_,
        name=label,
        address=f"{type_}.{label}",
        attrs=attrs,
        source=Source(kind="hcl", file="main.tf", line=1),
        references=references,
    )


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def mapped(block: TfResource, *others: TfResource):
    index = TfIndex([block, *others])
    return list(MAPPERS[block.type](block, index))


WS = "azurerm_machine_learning_workspace"


def test_omitted_workspace_settings_take_the_provider_defaults():
    (ws,) = mapped(tf(WS, "w", name="mlw", identity=[{"type": "SystemAssigned"}]))
    assert ws.kind == "workspace" and ws.provider == "azure"
    # public_network_access_enabled defaults to true: public, as CKV_AZURE_144 says and CKV2_AZURE_49 does not
    assert ws.facts["network.public"] is True
    assert ws.facts["network.egress_restricted"] is False  # managed network Disabled
    assert ws.facts["encryption.cmk"] is False
    assert ws.facts["workspace.hbi"] is False
    assert ws.facts["network.private"] is False
    # its system-assigned identity is its own (not a shared platform identity); a user-assigned one is hardening
    assert ws.facts["identity.default"] is False and ws.facts["identity.user_assigned"] is False
    assert ws.source.line == 1


def test_workspace_unresolved_values_are_unknown_never_compliant():
    (ws,) = mapped(
        tf(
            WS,
            "w",
            public_network_access_enabled=Unknown("var.public"),
            managed_network=Unknown("dynamic managed_network"),
            encryption=Unknown("dynamic encryption"),
            high_business_impact=Unknown("var.hbi"),
        )
    )
    for fact in ("network.public", "network.egress_restricted", "encryption.cmk", "workspace.hbi"):
        assert ws.facts[fact] is None, fact


def test_workspace_cmk_from_a_key_reference_and_private_endpoint():
    ws_block = tf(
        WS,
        "w",
        public_network_access_enabled=False,
        high_business_impact=True,
        managed_network=[{"isolation_mode": "AllowOnlyApprovedOutbound"}],
        encryption=[
            {"key_vault_id": Ref("azurerm_key_vault.k.id"), "key_id": Ref("azurerm_key_vault_key.k.id")}
        ],
    )
    pe = tf(
        "azurerm_private_endpoint",
        "pe",
        private_service_connection=[
            {"private_connection_resource_id": Ref(f"{WS}.w.id"), "subresource_names": ["amlworkspace"]}
        ],
    )
    (ws,) = mapped(ws_block, pe)
    assert (
        ws.facts["encryption.cmk"] is True and ws.facts["encryption.key_id"] == "azurerm_key_vault_key.k.id"
    )
    assert ws.facts["network.public"] is False and ws.facts["network.private"] is True
    assert ws.facts["network.egress_restricted"] is True and ws.facts["workspace.hbi"] is True
    # a private endpoint whose count is unresolved may not exist
    maybe = tf(
        "azurerm_private_endpoint",
        "pe",
        count=Unknown("var.enable ? 1 : 0"),
        private_service_connection=[{"private_connection_resource_id": Ref(f"{WS}.w.id")}],
    )
    (ws2,) = mapped(ws_block, maybe)
    assert ws2.facts["network.private"] is None


def test_allow_internet_outbound_is_not_egress_restricted():
    (ws,) = mapped(tf(WS, "w", managed_network=[{"isolation_mode": "AllowInternetOutbound"}]))
    assert ws.facts["network.egress_restricted"] is False


def test_role_assignment_scope_decides_overprivilege():
    ws = tf(WS, "w", identity=[{"type": "SystemAssigned"}])

    def grant(role, scope, **extra):
        return tf(
            "azurerm_role_assignment",
            "ra",
            role_definition_name=role,
            scope=scope,
            principal_id=Ref(f"{WS}.w.identity.principal_id"),
            **extra,
        )

    assert (
        mapped(ws, grant("Contributor", Ref("azurerm_resource_group.rg.id")))[0].facts[
            "identity.overprivileged"
        ]
        is True
    )
    assert mapped(ws, grant("Owner", "/subscriptions/0000/"))[0].facts["identity.grants"] == [
        "Owner at /subscriptions/0000/"
    ]
    assert (
        mapped(ws, grant("Contributor", Ref("azurerm_storage_account.s.id")))[0].facts[
            "identity.overprivileged"
        ]
        is False
    )
    assert (
        mapped(ws, grant("Reader", Ref("data.azurerm_subscription.current.id")))[0].facts[
            "identity.overprivileged"
        ]
        is False
    )
    assert mapped(ws, grant("Contributor", Unknown("var.scope")))[0].facts["identity.overprivileged"] is None
    assert (
        mapped(ws, grant(Unknown("var.role"), "/subscriptions/0000"))[0].facts["identity.overprivileged"]
        is None
    )
    maybe = grant("Owner", "/subscriptions/0000", count=Unknown("var.n"))
    assert mapped(ws, maybe)[0].facts["identity.overprivileged"] is None
    # a role definition id naming the built-in Owner role
    by_id = tf(
        "azurerm_role_assignment",
        "ra",
        scope="/subscriptions/0000/resourceGroups/rg",
        role_definition_id="/subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/"
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        principal_id=Ref(f"{WS}.w.identity.principal_id"),
    )
    assert mapped(ws, by_id)[0].facts["identity.overprivileged"] is True


def test_user_assigned_identity_grants_reach_every_resource_using_it():
    uai = Ref("azurerm_user_assigned_identity.ml.id")
    cluster = tf(
        "azurerm_machine_learning_compute_cluster",
        "c",
        identity=[{"type": "UserAssigned", "identity_ids": [uai]}],
    )
    ra = tf(
        "azurerm_role_assignment",
        "ra",
        role_definition_name="User Access Administrator",
        scope=Ref("azurerm_resource_group.rg.id"),
        principal_id=Ref("azurerm_user_assigned_identity.ml.principal_id"),
    )
    (compute,) = mapped(cluster, ra)
    assert compute.facts["identity.overprivileged"] is True
    assert compute.facts["identity.grants"] == ["User Access Administrator at azurerm_resource_group.rg.id"]


def test_compute_cluster_defaults():
    (c,) = mapped(
        tf(
            "azurerm_machine_learning_compute_cluster",
            "c",
            scale_settings=[{"min_node_count": 1, "max_node_count": 2}],
        )
    )
    assert c.kind == "compute"
    assert c.facts["auth.local_enabled"] is True
    assert c.facts["network.public_ip"] is True
    assert c.facts["network.ssh_public"] is False  # the provider sends Disabled when unset
    assert c.facts["network.private"] is False
    assert c.facts["compute.min_nodes"] == 1
    (var_subnet,) = mapped(
        tf("azurerm_machine_learning_compute_cluster", "c", subnet_resource_id=Unknown("var.s"))
    )
    assert var_subnet.facts["network.private"] is None


def test_compute_instance_ssh_block_opens_ssh():
    (closed,) = mapped(tf("azurerm_machine_learning_compute_instance", "i"))
    assert closed.facts["network.ssh_public"] is False and closed.facts["auth.local_enabled"] is True
    (opened,) = mapped(
        tf(
            "azurerm_machine_learning_compute_instance",
            "i",
            ssh=[{"public_key": "ssh-rsa AAA"}],
            local_auth_enabled=False,
            node_public_ip_enabled=False,
            subnet_resource_id=Ref("azurerm_subnet.s.id"),
        )
    )
    assert opened.facts["network.ssh_public"] is True
    assert (opened.facts["auth.local_enabled"], opened.facts["network.public_ip"]) == (False, False)
    assert opened.facts["network.private"] is True


def test_inference_cluster_reads_the_aks_cluster():
    aks = tf(
        "azurerm_kubernetes_cluster",
        "k",
        private_cluster_enabled=True,
        default_node_pool=[{"vnet_subnet_id": Ref("azurerm_subnet.s.id")}],
    )
    ic = tf(
        "azurerm_machine_learning_inference_cluster",
        "ic",
        kubernetes_cluster_id=Ref("azurerm_kubernetes_cluster.k.id"),
    )
    (c,) = mapped(ic, aks)
    assert c.facts["network.public"] is False and c.facts["network.private"] is True
    (unknown,) = mapped(
        tf("azurerm_machine_learning_inference_cluster", "ic", kubernetes_cluster_id=Unknown("var.aks"))
    )
    assert unknown.facts["network.public"] is None


def test_online_endpoint_defaults_and_azapi_deployment_merge():
    ep = tf("azurerm_machine_learning_online_endpoint", "ep", machine_learning_workspace_id=Ref(f"{WS}.w.id"))
    dep = tf(
        "azapi_resource",
        "d",
        type="Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2024-04-01",
        name="blue",
        parent_id=Ref("azurerm_machine_learning_online_endpoint.ep.id"),
        body={
            "properties": {
                "egressPublicNetworkAccess": "Disabled",
                "appInsightsEnabled": True,
                "environmentVariables": {"TOKEN": "abc123"},
                "dataCollector": {"collections": {"model_inputs": {"dataCollectionMode": "Disabled"}}},
            },
            "sku": {"capacity": 3},
        },
    )
    ws = tf(WS, "w")
    (endpoint,) = mapped(ep, dep, ws)
    assert endpoint.facts["auth.mode"] == "key"  # authentication_mode defaults to Key
    assert endpoint.facts["network.public"] is True
    assert endpoint.facts["network.egress_restricted"] is True
    assert endpoint.facts["logging.access"] is True
    assert endpoint.facts["logging.capture"] is False  # the only collection is disabled
    assert endpoint.facts["encryption.cmk"] is False  # the workspace has no CMK
    assert endpoint.facts["availability.instance_count"] == 3
    assert endpoint.raw["deployments"][0]["properties"]["environmentVariables"] == {"TOKEN": "***REDACTED***"}
    # the deployment block itself is merged, not a resource of its own
    assert mapped(dep, ep) == []


def test_azapi_endpoint_and_unrelated_azapi_types():
    ep = tf(
        "azapi_resource",
        "ep",
        type="Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-04-01",
        name="ep",
        body={"properties": {"authMode": "AMLToken", "publicNetworkAccess": "Disabled"}},
    )
    (endpoint,) = mapped(ep)
    assert endpoint.facts["auth.mode"] == "iam" and endpoint.facts["network.public"] is False
    assert endpoint.facts["network.egress_restricted"] is None  # no deployment in the configuration
    other = tf("azapi_resource", "x", type="Microsoft.Storage/storageAccounts@2023-01-01", body={})
    assert mapped(other) == []


def test_secrets_in_attributes_are_redacted():
    (c,) = mapped(
        tf(
            "azurerm_machine_learning_compute_cluster",
            "c",
            ssh=[{"admin_username": "u", "admin_password": "hunter2"}],
        )
    )
    assert c.raw["ssh"][0] == {"admin_username": "u", "admin_password": "***REDACTED***"}


def test_sensitivity_from_tags():
    (ws,) = mapped(tf(WS, "w", tags={"Data-Classification": "PHI"}))
    assert ws.facts["data.sensitivity"] == "phi"


def test_workspace_storage_account_join():
    ws = tf(WS, "w", storage_account_id=Ref("azurerm_storage_account.s.id"))
    open_ = tf("azurerm_storage_account", "s")
    assert (
        mapped(ws, open_)[0].facts["storage.public"] is True
    )  # public_network_access_enabled defaults to true
    fenced = tf("azurerm_storage_account", "s", network_rules=[{"default_action": "Deny"}])
    assert mapped(ws, fenced)[0].facts["storage.public"] is False
    closed = tf("azurerm_storage_account", "s", public_network_access_enabled=False)
    assert mapped(ws, closed)[0].facts["storage.public"] is False
    rules = tf(
        "azurerm_storage_account_network_rules",
        "r",
        storage_account_id=Ref("azurerm_storage_account.s.id"),
        default_action="Deny",
    )
    assert mapped(ws, open_, rules)[0].facts["storage.public"] is False
    # a storage account outside the configuration cannot be judged
    assert mapped(tf(WS, "w", storage_account_id=Unknown("var.storage")))[0].facts["storage.public"] is None


def test_compute_instance_idle_shutdown_is_unknown_in_terraform():
    (ci,) = mapped(tf("azurerm_machine_learning_compute_instance", "i"))
    assert ci.facts["compute.idle_shutdown"] is None
