"""The built-in pack on real Terraform: provider defaults, the peers' known mistakes, parameters, `when`.

Each test writes a small .tf file, loads it through the real loader and cloud mappers
(``scanner.clouds.sources.terraform_source``) and judges it with the shipped policies.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scanner.clouds.sources import terraform_source
from scanner.model import Resource, Source, Status
from scanner.policy.evaluate import evaluate_all
from scanner.policy.loader import load_policies

PACK = load_policies(builtin=True)

# Every Checkov check for ML resources listed in ../shared/notes/peers.md, and the one it maps to.
CHECKOV_ML_CHECKS = {
    "CKV_AWS_22": "MLS-ENC-002",
    "CKV_AWS_187": "MLS-ENC-002",
    "CKV_AWS_98": "MLS-ENC-001",
    "CKV_AWS_122": "MLS-NET-003",
    "CKV_AWS_306": "MLS-NET-004",
    "CKV_AWS_307": "MLS-HRD-001",
    "CKV_AWS_371": "MLS-HRD-002",
    "CKV_AWS_370": "MLS-NET-007",
    "CKV_AWS_367": "MLS-ENC-004",
    "CKV_AWS_368": "MLS-ENC-005",
    "CKV_AWS_369": "MLS-ENC-006",
    "CKV_AWS_372": "MLS-ENC-008",
    "CKV2_AWS_68": "MLS-IAM-001",
    "CKV_GCP_89": "MLS-NET-005",
    "CKV_GCP_126": "MLS-HRD-004",
    "CKV_GCP_127": "MLS-HRD-005",
    "CKV2_GCP_21": "MLS-ENC-002",
    "CKV_GCP_92": "MLS-ENC-008",
    "CKV_GCP_96": "MLS-ENC-008",
    "CKV2_GCP_24": "MLS-ENC-001",
    "CKV2_GCP_33": "MLS-NET-001",
    "CKV2_GCP_25": "MLS-ENC-008",
    "CKV2_GCP_26": "MLS-ENC-008",
    "CKV2_GCP_34": "MLS-NET-010",
    "CKV2_GCP_27": "MLS-ENC-002",
    "CKV2_GCP_28": "MLS-NET-005",
    "CKV2_GCP_35": "MLS-ENC-002",
    "CKV2_GCP_36": "MLS-NET-005",
    "CKV_AZURE_142": "MLS-IAM-003",
    "CKV_AZURE_150": "MLS-HRD-011",
    "CKV_AZURE_144": "MLS-NET-002",
    "CKV2_AZURE_49": "MLS-NET-002",
    "CKV2_AZURE_50": "MLS-HRD-009",
}


def _scan(tmp_path: Path, hcl: str) -> dict[tuple[str, str], Status]:
    """(policy id, resource address) → status for every finding on the Terraform text."""
    (tmp_path / "main.tf").write_text(textwrap.dedent(hcl), encoding="utf-8")
    source = terraform_source([tmp_path])
    assert source.errors == ()
    findings = evaluate_all(PACK, source.resources)
    return {(f.policy_id, f.resource_id.split(":", 1)[1]): f.status for f in findings}


@pytest.mark.parametrize(("check", "policy_id"), sorted(CHECKOV_ML_CHECKS.items()))
def test_every_checkov_ml_check_has_a_policy_that_cites_it(check: str, policy_id: str) -> None:
    policy = PACK.by_id(policy_id)
    assert policy is not None
    assert any(ref.split()[-1] == check for ref in policy.references), f"{policy_id} does not cite {check}"


def test_omitted_notebook_settings_take_the_aws_defaults(tmp_path: Path) -> None:
    """CKV_AWS_122 passes an omitted direct_internet_access; AWS enables it, so it fails here."""
    status = _scan(
        tmp_path,
        """
        resource "aws_sagemaker_notebook_instance" "defaults" {
          name          = "nb"
          role_arn      = "arn:aws:iam::111122223333:role/nb"
          instance_type = "ml.t3.medium"
        }
        resource "aws_sagemaker_notebook_instance" "hardened" {
          name                   = "nb2"
          role_arn               = "arn:aws:iam::111122223333:role/nb"
          instance_type          = "ml.t3.medium"
          subnet_id              = "subnet-0abc"
          security_groups        = ["sg-0abc"]
          kms_key_id             = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
          direct_internet_access = "Disabled"
          root_access            = "Disabled"
          instance_metadata_service_configuration {
            minimum_instance_metadata_service_version = "2"
          }
        }
        """,
    )
    defaults = "aws_sagemaker_notebook_instance.defaults"
    hardened = "aws_sagemaker_notebook_instance.hardened"
    for policy_id in ("MLS-NET-003", "MLS-HRD-001", "MLS-HRD-002", "MLS-ENC-002", "MLS-NET-004"):
        assert status[(policy_id, defaults)] is Status.FAIL, policy_id
        assert status[(policy_id, hardened)] is Status.PASS, policy_id


def test_omitted_workspace_public_access_fails_once(tmp_path: Path) -> None:
    """CKV_AZURE_144 fails an omitted public_network_access_enabled and CKV2_AZURE_49 passes it: one verdict here."""
    status = _scan(
        tmp_path,
        """
        resource "azurerm_machine_learning_workspace" "open" {
          name                    = "ws-open"
          location                = "westeurope"
          resource_group_name     = "rg"
          application_insights_id = "/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/ai"
          key_vault_id            = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
          storage_account_id      = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
          identity { type = "SystemAssigned" }
        }
        resource "azurerm_machine_learning_workspace" "closed" {
          name                          = "ws-closed"
          location                      = "westeurope"
          resource_group_name           = "rg"
          application_insights_id       = "/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/ai"
          key_vault_id                  = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
          storage_account_id            = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
          public_network_access_enabled = false
          identity { type = "SystemAssigned" }
        }
        """,
    )
    assert status[("MLS-NET-002", "azurerm_machine_learning_workspace.open")] is Status.FAIL
    assert status[("MLS-NET-002", "azurerm_machine_learning_workspace.closed")] is Status.PASS
    network_policies = {pid for pid, address in status if address.endswith(".open") and pid == "MLS-NET-002"}
    assert network_policies == {"MLS-NET-002"}


def test_a_psc_only_vertex_endpoint_is_private(tmp_path: Path) -> None:
    """CKV2_GCP_33 fails an endpoint that is private through Private Service Connect only."""
    status = _scan(
        tmp_path,
        """
        resource "google_vertex_ai_endpoint" "psc" {
          name         = "psc"
          display_name = "psc"
          location     = "us-central1"
          private_service_connect_config {
            enable_private_service_connect = true
            project_allowlist              = ["my-project"]
          }
        }
        resource "google_vertex_ai_endpoint" "open" {
          name         = "open"
          display_name = "open"
          location     = "us-central1"
        }
        """,
    )
    assert status[("MLS-NET-001", "google_vertex_ai_endpoint.psc")] is Status.PASS
    assert status[("MLS-NET-001", "google_vertex_ai_endpoint.open")] is Status.FAIL


def _job(**facts: object) -> Resource:
    return Resource(
        provider="aws",
        service="sagemaker",
        kind="training_job",
        id="arn:aws:sagemaker:us-east-1:111122223333:training-job/t",
        name="t",
        source=Source(kind="live"),
        facts=dict(facts),
    )


def _status(policy_id: str, resource: Resource, parameters: dict[str, object] | None = None) -> Status | None:
    findings = [f for f in evaluate_all(PACK, [resource], parameters) if f.policy_id == policy_id]
    return findings[0].status if findings else None


def test_the_epsilon_ceiling_is_a_parameter() -> None:
    job = _job(**{"privacy.status": "dp", "privacy.dp": True, "privacy.epsilon": 5.0})
    assert _status("MLS-PRV-002", job) is Status.PASS
    assert _status("MLS-PRV-002", job, {"max_epsilon": 1}) is Status.FAIL
    assert _status("MLS-PRV-002", _job(**{"privacy.status": "none", "privacy.dp": False})) is None


def test_dp_is_required_only_for_sensitive_data_and_unknown_when_unclassified() -> None:
    without_dp = {"privacy.dp": False, "privacy.status": "none"}
    assert _status("MLS-PRV-001", _job(**without_dp, **{"data.sensitivity": "phi"})) is Status.FAIL
    assert _status("MLS-PRV-001", _job(**without_dp, **{"data.sensitivity": "public"})) is None
    assert _status("MLS-PRV-001", _job(**without_dp, **{"data.sensitivity": None})) is Status.UNKNOWN
    widened = {"sensitive_values": ["phi", "pii", "confidential", "internal"]}
    assert (
        _status("MLS-PRV-001", _job(**without_dp, **{"data.sensitivity": "internal"}), widened) is Status.FAIL
    )


def test_monitoring_job_definitions_are_judged_like_training_jobs(tmp_path: Path) -> None:
    """CKV_AWS_367/368/369: model-monitor jobs (kind compute) get the training-job encryption policies."""
    status = _scan(
        tmp_path,
        """
        resource "aws_sagemaker_data_quality_job_definition" "dq" {
          name     = "dq"
          role_arn = "arn:aws:iam::111122223333:role/monitor"
          data_quality_app_specification { image_uri = "123.dkr.ecr.us-east-1.amazonaws.com/monitor:1" }
          data_quality_job_input {
            endpoint_input { endpoint_name = "ep" }
          }
          data_quality_job_output_config {
            monitoring_outputs {
              s3_output { s3_uri = "s3://bucket/out" }
            }
          }
          job_resources {
            cluster_config {
              instance_count = 1
              instance_type  = "ml.t3.medium"
              volume_size_in_gb = 20
            }
          }
        }
        """,
    )
    address = "aws_sagemaker_data_quality_job_definition.dq"
    for policy_id in ("MLS-ENC-004", "MLS-ENC-005", "MLS-ENC-006"):
        assert status[(policy_id, address)] is Status.FAIL, policy_id


def test_registered_models_outside_sagemaker_are_judged_on_their_endpoint() -> None:
    """A Vertex / Azure ML model has no network or identity of its own; a SageMaker model has both."""
    unknown_identity = {
        "identity.overprivileged": None,
        "network.egress_restricted": None,
        "network.private": None,
    }
    for provider, expected in (("aws", Status.UNKNOWN), ("gcp", None), ("azure", None)):
        model = Resource(
            provider=provider,
            service="ml",
            kind="model",
            id=f"{provider}-model",
            name="m",
            source=Source(kind="live"),
            facts=dict(unknown_identity),
        )
        for policy_id in ("MLS-IAM-001", "MLS-NET-007"):
            assert _status(policy_id, model) is expected, (provider, policy_id)


def test_an_unreadable_job_is_never_passed_as_evidenced_dp() -> None:
    unreadable = _job(**{"privacy.status": "unknown", "privacy.dp": None, "data.sensitivity": "phi"})
    assert _status("MLS-PRV-003", unreadable) is None
    assert _status("MLS-PRV-001", unreadable) is Status.UNKNOWN
    claimed = _job(**{"privacy.status": "claimed", "privacy.dp": None, "privacy.epsilon": 3.0})
    assert _status("MLS-PRV-003", claimed) is Status.FAIL
