"""The Terraform face on real files: the reference stacks, their plans, and the shared corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scanner.clouds.aws.terraform import MAPPERS
from scanner.clouds.sources import terraform_source

REPO = Path(__file__).resolve().parents[2]


def facts_by_address(*paths: Path | str) -> dict[str, dict]:
    result = terraform_source([str(p) for p in paths])
    assert not [e for e in result.errors if "aws" in e.reason], result.errors
    return {r.id.rsplit(":", 1)[-1]: r for r in result.resources if r.provider == "aws"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "main.tf"
    path.write_text(text)
    return tmp_path


def test_insecure_stack(tmp_path: Path) -> None:
    res = facts_by_address(REPO / "terraform" / "insecure" / "aws")
    endpoint = res["aws_sagemaker_endpoint.classifier"]
    assert endpoint.source.line == 104 and endpoint.source.file.endswith("insecure/aws/main.tf")
    assert endpoint.facts["encryption.cmk"] is False and endpoint.facts["encryption.output_cmk"] is False
    assert endpoint.facts["identity.grants"] == ["AdministratorAccess"]
    assert "hf_this_is_not_a_real_token" not in repr(endpoint.raw)
    # the configuration an endpoint uses is merged into it; the unused one stands as its own endpoint
    assert "aws_sagemaker_endpoint_configuration.classifier" not in res
    canary = res["aws_sagemaker_endpoint_configuration.canary"]
    assert canary.kind == "endpoint" and canary.facts["logging.capture"] is True
    assert canary.facts["logging.capture_encrypted"] is False
    notebook = res["aws_sagemaker_notebook_instance.research"].facts
    assert (
        notebook["notebook.direct_internet"] is True
    )  # omitted = Enabled (Checkov CKV_AWS_122 gets this wrong)
    assert notebook["notebook.root_access"] is True and notebook["notebook.imdsv2"] is False
    assert notebook["identity.grants"] == ["Action:*"]
    studio = res["aws_sagemaker_domain.studio"].facts
    assert studio["network.public"] is True  # omitted app_network_access_type = PublicInternetOnly
    assert studio["identity.grants"] == [
        "AmazonSageMakerFullAccess",
        "s3:* on *",
    ]  # <<- heredoc inline policy
    drift = res["aws_sagemaker_data_quality_job_definition.drift"]
    assert drift.kind == "compute"
    assert {
        k: drift.facts[k] for k in ("encryption.cmk", "encryption.volume_cmk", "encryption.in_transit")
    } == {
        "encryption.cmk": False,
        "encryption.volume_cmk": False,
        "encryption.in_transit": False,
    }
    assert res["aws_sagemaker_feature_group.claims"].facts["encryption.cmk"] is False
    assert res["aws_sagemaker_flow_definition.review"].kind == "data_store"


def test_secure_stack() -> None:
    res = facts_by_address(REPO / "terraform" / "secure" / "aws")
    endpoint = res["aws_sagemaker_endpoint.classifier"]
    assert len(endpoint.links) == 1 and endpoint.links[0].endswith("aws_sagemaker_model.classifier")
    for resource in res.values():
        facts = resource.facts
        assert facts.get("identity.overprivileged") is False, resource.id
        for fact in ("encryption.cmk", "encryption.volume_cmk", "encryption.in_transit", "network.private"):
            assert facts.get(fact, True) is True, (resource.id, fact)
    assert res["aws_sagemaker_notebook_instance.research"].facts["notebook.imdsv2"] is True


@pytest.mark.parametrize("stack", ["secure", "insecure"])
def test_hcl_and_plan_give_identical_facts(stack: str) -> None:
    hcl = facts_by_address(REPO / "terraform" / stack / "aws")
    plan = facts_by_address(REPO / "terraform" / "plans" / f"aws-{stack}.json")
    assert set(hcl) == set(plan)
    for address, resource in hcl.items():
        assert dict(resource.facts) == dict(plan[address].facts), address
        assert plan[address].source.kind == "plan" and plan[address].source.address == address


def test_every_corpus_aws_type_has_a_mapper(corpus_dir: Path) -> None:
    with open(corpus_dir / "terraform" / "SOURCES.tsv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    types = {
        entry.rsplit("x", 1)[0]
        for row in rows[1:]
        if len(row) > 7 and row[6] == "aws"
        for entry in row[7].split(";")
    }
    assert types and types <= set(MAPPERS), types - set(MAPPERS)


CORPUS_EXPECTATIONS = [
    # (file under corpus/terraform, resource address, fact, expected)
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerNotebookRoot__main.tf",
        "aws_sagemaker_notebook_instance.fail",
        "notebook.root_access",
        True,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerNotebookRoot__main.tf",
        "aws_sagemaker_notebook_instance.pass",
        "notebook.root_access",
        False,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerModelWithNetworkIsolation__main.tf",
        "aws_sagemaker_model.model_pass",
        "network.egress_restricted",
        True,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerModelWithNetworkIsolation__main.tf",
        "aws_sagemaker_model.model_fail_2",
        "network.egress_restricted",
        False,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerNotebookInstanceAllowsIMDSv2__main.tf",
        "aws_sagemaker_notebook_instance.my_notebook_instance_pass",
        "notebook.imdsv2",
        True,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerNotebookInstanceAllowsIMDSv2__main.tf",
        "aws_sagemaker_notebook_instance.my_notebook_instance_fail_1",
        "notebook.imdsv2",
        False,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerDomainEncryptedWithCMK__aws_sagemaker_domain.tf",
        "aws_sagemaker_domain.pass",
        "encryption.cmk",
        True,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerDomainEncryptedWithCMK__aws_sagemaker_domain.tf",
        "aws_sagemaker_domain.fail",
        "encryption.cmk",
        False,
    ),
    (
        "bridgecrewio__checkov/tests__terraform__checks__resource__aws__example_SagemakerNotebookInCustomVPC__main.tf",
        "aws_sagemaker_notebook_instance.pass",
        "network.private",
        True,
    ),
    (
        "DataDog__kics/assets__queries__terraform__aws__sagemaker_direct_internet_access_enabled__test__positive.tf",
        "aws_sagemaker_notebook_instance.bad_example",
        "notebook.direct_internet",
        True,
    ),
    (
        "aws-samples__amazon-codeguru-iac-detectors/src__IaC__detectors__terraform__misconfigured-sagemaker-kms-encryption-terraform__non-compliant.tf",
        "aws_sagemaker_endpoint_configuration.foo",
        "encryption.cmk",
        False,
    ),
    (
        "aws-samples__amazon-codeguru-iac-detectors/src__IaC__detectors__terraform__misconfigured-sagemaker-kms-encryption-terraform__compliant.tf",
        "aws_sagemaker_endpoint_configuration.foo",
        "encryption.cmk",
        True,
    ),
    # the role is not in the file: unknown, never "not overprivileged"
    (
        "Checkmarx__kics/assets__queries__terraform__aws__sagemaker_notebook_instance_without_kms__test__positive1.tf",
        "aws_sagemaker_notebook_instance.ni",
        "identity.overprivileged",
        None,
    ),
    # policy_arn = format("arn:%s:iam::aws:policy/AmazonSageMakerFullAccess", partition)
    (
        "Young-ook__terraform-aws-sagemaker/main.tf",
        "aws_sagemaker_notebook_instance.ni",
        "identity.overprivileged",
        True,
    ),
    (
        "hashicorp__terraform-guides/infrastructure-as-code__sagemaker-notebook__main.tf",
        "aws_sagemaker_notebook_instance.ni",
        "identity.overprivileged",
        False,
    ),
    # variables without defaults: unknown, not compliant
    (
        "data-platform-hq__terraform-aws-sagemaker-notebook-instance/main.tf",
        "aws_sagemaker_notebook_instance.this",
        "notebook.direct_internet",
        None,
    ),
]


@pytest.mark.parametrize(("file", "address", "fact", "expected"), CORPUS_EXPECTATIONS)
def test_corpus_facts(corpus_dir: Path, file: str, address: str, fact: str, expected: object) -> None:
    res = facts_by_address(corpus_dir / "terraform" / file)
    assert res[address].facts[fact] is expected


def test_whole_corpus_maps_without_aws_errors(corpus_dir: Path) -> None:
    result = terraform_source([corpus_dir / "terraform"])
    assert not [e for e in result.errors if "cannot map" in e.reason]
    kinds = {r.kind for r in result.resources if r.provider == "aws"}
    assert kinds == {"endpoint", "model", "notebook", "workspace", "compute"}


def test_iam_shapes(tmp_path: Path) -> None:
    res = facts_by_address(
        write(
            tmp_path,
            """
data "aws_iam_policy_document" "all" {
  statement {
    actions   = ["sagemaker:*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "all" { policy = data.aws_iam_policy_document.all.json }
resource "aws_iam_role" "a" { name = "a" }
resource "aws_iam_policy_attachment" "a" {
  name       = "a"
  roles      = [aws_iam_role.a.name]
  policy_arn = aws_iam_policy.all.arn
}
resource "aws_iam_role" "b" {
  name                = "b"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
}
resource "aws_iam_role" "c" { name = "c" }
resource "aws_iam_role_policy" "c" {
  role   = aws_iam_role.c.id
  policy = var.policy_json
}
resource "aws_sagemaker_model" "a" { execution_role_arn = aws_iam_role.a.arn }
resource "aws_sagemaker_model" "b" { execution_role_arn = aws_iam_role.b.arn }
resource "aws_sagemaker_model" "c" { execution_role_arn = aws_iam_role.c.arn }
resource "aws_sagemaker_model" "d" { execution_role_arn = "arn:aws:iam::111122223333:role/b" }
resource "aws_sagemaker_notebook_instance" "n" {
  role_arn               = aws_iam_role.b.arn
  direct_internet_access = var.internet
  kms_key_id             = "alias/aws/sagemaker"
}
""",
        )
    )
    assert res["aws_sagemaker_model.a"].facts["identity.grants"] == ["sagemaker:* on *"]
    assert res["aws_sagemaker_model.b"].facts["identity.overprivileged"] is False
    assert res["aws_sagemaker_model.c"].facts["identity.overprivileged"] is None  # policy from a variable
    assert (
        res["aws_sagemaker_model.d"].facts["identity.overprivileged"] is False
    )  # literal ARN → role b by name
    notebook = res["aws_sagemaker_notebook_instance.n"].facts
    assert notebook["notebook.direct_internet"] is None and notebook["encryption.cmk"] is False


def test_lifecycle_configuration(tmp_path: Path) -> None:
    import base64

    leaky = base64.b64encode(b"export HF_TOKEN=hf_abcdefghijklmnop").decode()
    res = facts_by_address(
        write(
            tmp_path,
            f"""
resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "leaky" {{
  name     = "leaky"
  on_start = "{leaky}"
}}
resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "dynamic" {{
  name      = "dynamic"
  on_create = filebase64("${{path.module}}/on-create.sh")
}}
resource "aws_sagemaker_notebook_instance" "a" {{
  lifecycle_config_name = aws_sagemaker_notebook_instance_lifecycle_configuration.leaky.name
}}
resource "aws_sagemaker_notebook_instance" "b" {{ lifecycle_config_name = "dynamic" }}
resource "aws_sagemaker_notebook_instance" "c" {{ lifecycle_config_name = "elsewhere" }}
resource "aws_sagemaker_notebook_instance" "d" {{}}
""",
        )
    )
    assert res["aws_sagemaker_notebook_instance.a"].facts["notebook.lifecycle_secrets"] is True
    assert "hf_abcdefghijklmnop" not in repr(res["aws_sagemaker_notebook_instance.a"].raw)
    assert (
        res["aws_sagemaker_notebook_instance.b"].facts["notebook.lifecycle_secrets"] is None
    )  # filebase64()
    assert res["aws_sagemaker_notebook_instance.c"].facts["notebook.lifecycle_secrets"] is None  # not in scan
    assert res["aws_sagemaker_notebook_instance.d"].facts["notebook.lifecycle_secrets"] is False
