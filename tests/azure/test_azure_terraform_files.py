"""The Terraform face on real files: the reference stacks (HCL and plan JSON) and the shared corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.clouds.sources import terraform_source

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/corpus/terraform")
AZURE_TYPES = {
    "azurerm_machine_learning_workspace",
    "azurerm_machine_learning_compute_cluster",
    "azurerm_machine_learning_compute_instance",
    "azurerm_machine_learning_inference_cluster",
}


def azure(paths):
    result = terraform_source([str(p) for p in paths])
    return result, {r.id.split(":", 1)[1]: r for r in result.resources if r.provider == "azure"}


def test_secure_stack_is_clean():
    result, found = azure([ROOT / "terraform/secure/azure"])
    assert result.errors == ()
    ws = found["azurerm_machine_learning_workspace.ml"]
    assert ws.source.file.endswith("terraform/secure/azure/main.tf") and ws.source.line > 1
    assert (
        ws.facts["network.public"],
        ws.facts["network.private"],
        ws.facts["network.egress_restricted"],
    ) == (False, True, True)
    assert (ws.facts["encryption.cmk"], ws.facts["workspace.hbi"], ws.facts["identity.overprivileged"]) == (
        True,
        True,
        False,
    )
    for address in (
        "azurerm_machine_learning_compute_cluster.training",
        "azurerm_machine_learning_compute_instance.dev",
    ):
        facts = found[address].facts
        assert (facts["auth.local_enabled"], facts["network.public_ip"], facts["network.ssh_public"]) == (
            False,
            False,
            False,
        ), address
        assert facts["network.private"] is True
    ep = found["azurerm_machine_learning_online_endpoint.scoring"].facts
    assert (
        ep["auth.mode"],
        ep["network.public"],
        ep["network.egress_restricted"],
    ) == ("iam", False, True)
    assert (ep["logging.capture"], ep["logging.capture_encrypted"], ep["logging.access"]) == (
        True,
        True,
        True,
    )
    assert (ep["exposure.explanations"], ep["exposure.neighbors"]) == (False, False)
    assert "azapi_resource.scoring_blue" not in found  # merged into the endpoint


def test_insecure_stack_shows_every_mistake():
    result, found = azure([ROOT / "terraform/insecure/azure"])
    assert result.errors == ()
    ws = found["azurerm_machine_learning_workspace.ml"].facts
    assert ws["network.public"] is True  # omitted public_network_access_enabled
    assert (ws["encryption.cmk"], ws["network.egress_restricted"], ws["workspace.hbi"]) == (
        False,
        False,
        False,
    )
    assert ws["identity.overprivileged"] is True
    cluster = found["azurerm_machine_learning_compute_cluster.training"].facts
    assert (cluster["auth.local_enabled"], cluster["network.public_ip"], cluster["network.ssh_public"]) == (
        True,
        True,
        True,
    )
    assert cluster["identity.grants"] == ["Owner at data.azurerm_subscription.current.id"]
    assert cluster["compute.min_nodes"] == 2
    assert found["azurerm_machine_learning_compute_instance.dev"].facts["network.ssh_public"] is True
    assert found["azurerm_machine_learning_inference_cluster.aks"].facts["network.public"] is True
    ep = found["azurerm_machine_learning_online_endpoint.scoring"].facts
    assert (ep["auth.mode"], ep["network.public"], ep["logging.capture"], ep["logging.access"]) == (
        "key",
        True,
        True,
        False,
    )
    raw = json.dumps([r.raw for r in found.values()])
    assert "P@ssw0rd-in-terraform" not in raw and "sk-live-terraform-secret" not in raw


@pytest.mark.parametrize("stack", ["secure", "insecure"])
def test_plan_gives_the_same_facts_as_hcl(stack):
    _, hcl = azure([ROOT / f"terraform/{stack}/azure"])
    result, plan = azure([ROOT / f"terraform/plans/azure-{stack}.json"])
    assert result.errors == ()
    assert set(plan) == set(hcl)
    for address, resource in hcl.items():
        assert plan[address].source.kind == "plan"
        differing = {
            k: (v, plan[address].facts.get(k))
            for k, v in resource.facts.items()
            if plan[address].facts.get(k) != v
        }
        # a plan resolves data sources: the subscription scope is an ARM id there, a reference in HCL
        differing.pop("identity.grants", None)
        assert not differing, (address, differing)
        assert plan[address].facts["identity.overprivileged"] == resource.facts["identity.overprivileged"]


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_every_azure_type_in_the_corpus_is_mapped():
    types = set()
    for line in (CORPUS / "SOURCES.tsv").read_text().splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) > 7 and cols[6] == "azure":
            types |= {item.split("x")[0] for item in cols[7].split(";")}
    assert types == AZURE_TYPES
    dirs = [
        CORPUS / d
        for d in (
            "Azure__terraform",
            "Azure__azure-data-labs-modules",
            "Azure__mlops-project-template",
            "briandenicola__kubernetes",
        )
    ]
    result, found = azure(dirs)
    # the only error: a module whose ../private-endpoint source the corpus did not copy
    assert [e.reason for e in result.errors] == [
        f"module source {(CORPUS.parent / 'private-endpoint').resolve()} has no .tf files"
    ]
    assert {r.resource_type for r in found.values()} == AZURE_TYPES


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_checkov_fixtures_resolve_the_public_access_contradiction():
    base = CORPUS / "bridgecrewio__checkov"
    _, graph = azure(
        [base / "tests__terraform__graph__checks__resources__AzureMLWorkspacePublicNetwork__main.tf"]
    )
    # CKV2_AZURE_49 calls pass1 (attribute omitted) compliant; the provider default makes it public
    assert graph["azurerm_machine_learning_workspace.pass1"].facts["network.public"] is True
    assert graph["azurerm_machine_learning_workspace.pass2"].facts["network.public"] is False
    assert graph["azurerm_machine_learning_workspace.failed"].facts["network.public"] is True
    _, public = azure(
        [base / "tests__terraform__checks__resource__azure__example_MLPublicAccess__MLPublicAccess.tf"]
    )
    assert {a.rsplit(".", 1)[1]: r.facts["network.public"] for a, r in public.items()} == {
        "ckv_unittest_pass": False,
        "ckv_unittest_fail": True,
        "ckv_unittest_fail_2": True,
    }
    _, local = azure(
        [base / "tests__terraform__checks__resource__azure__example_MLCCLADisabled__MLCCLADisabled.tf"]
    )
    assert {a.rsplit(".", 1)[1]: r.facts["auth.local_enabled"] for a, r in local.items()} == {
        "ckv_unittest_pass": False,
        "ckv_unittest_fail": True,
        "ckv_unittest_fail_2": True,
    }
    _, nodes = azure(
        [base / "tests__terraform__checks__resource__azure__example_MLComputeClusterMinNodes__main.tf"]
    )
    assert {a.rsplit(".", 1)[1]: r.facts["compute.min_nodes"] for a, r in nodes.items()} == {
        "ckv_unittest_pass": 0,
        "ckv_unittest_fail": 1,
    }


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_corpus_variables_stay_unknown():
    _, found = azure([CORPUS / "Azure__azure-data-labs-modules"])
    ws = found["azurerm_machine_learning_workspace.adl_mlw"].facts
    assert ws["network.public"] is None  # public_network_access_enabled = var.… with no default
    ci = found["azurerm_machine_learning_compute_instance.adl_mlw_compute_instance"].facts
    assert ci["network.private"] is None  # subnet_resource_id = var.subnet_id
    _, mlops = azure([CORPUS / "Azure__mlops-project-template"])
    # Contributor for the user-assigned identity at var.storage_account_id: scope unknown → unknown
    assert mlops["azurerm_machine_learning_workspace.mlw"].facts["identity.overprivileged"] is None
    assert (
        mlops["azurerm_machine_learning_workspace.mlw"].facts["network.private"] is None
    )  # PE count unresolved
