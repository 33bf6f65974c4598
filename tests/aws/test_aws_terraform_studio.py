"""SageMaker spaces, pipelines, workforces / workteams, MLflow and model package groups in real HCL."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scanner.clouds.sources import terraform_source

ROLE = """
resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
}
"""


def mapped(tmp_path: Path, text: str) -> dict:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text), encoding="utf-8")
    result = terraform_source([str(tmp_path)])
    assert result.errors == ()
    return {r.id.split(":", 1)[1]: r for r in result.resources}


def test_a_space_takes_its_domains_network_key_and_space_role(tmp_path: Path) -> None:
    res = mapped(
        tmp_path,
        ROLE
        + """
        resource "aws_kms_key" "k" {}
        resource "aws_sagemaker_domain" "d" {
          domain_name = "d"
          auth_mode   = "IAM"
          vpc_id      = "vpc-1"
          subnet_ids  = ["subnet-1"]
          kms_key_id  = aws_kms_key.k.arn
          app_network_access_type = "VpcOnly"
          default_user_settings { execution_role = "arn:aws:iam::1:role/user" }
          default_space_settings { execution_role = aws_iam_role.exec.arn }
        }
        resource "aws_sagemaker_space" "shared" {
          domain_id  = aws_sagemaker_domain.d.id
          space_name = "shared"
        }
        resource "aws_sagemaker_space" "orphan" {
          domain_id  = "d-123"
          space_name = "orphan"
        }
        """,
    )
    space = res["aws_sagemaker_space.shared"]
    assert space.kind == "notebook" and space.name == "shared"
    assert (space.facts["network.public"], space.facts["notebook.direct_internet"]) == (False, False)
    assert space.facts["encryption.cmk"] is True
    assert space.facts["identity.overprivileged"] is True  # the space role has AmazonSageMakerFullAccess
    assert any(link.endswith("aws_iam_role.exec") for link in res["aws_sagemaker_domain.d"].links)
    orphan = res["aws_sagemaker_space.orphan"].facts
    assert orphan["network.public"] is None and orphan["encryption.cmk"] is None


def test_pipeline_training_steps_are_training_jobs(tmp_path: Path) -> None:
    definition = {
        "Version": "2020-12-01",
        "Parameters": [{"Name": "Sigma", "Type": "Float", "DefaultValue": 1.1}],
        "Steps": [
            {"Name": "Preprocess", "Type": "Processing", "Arguments": {}},
            {
                "Name": "Train",
                "Type": "Training",
                "Arguments": {
                    "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
                    "HyperParameters": {
                        "noise_multiplier": {"Get": "Parameters.Sigma"},
                        "l2_norm_clip": "1.0",
                    },
                    "OutputDataConfig": {"S3OutputPath": "s3://out/"},
                    "EnableNetworkIsolation": True,
                },
            },
        ],
    }
    res = mapped(
        tmp_path,
        ROLE
        + f"""
        resource "aws_sagemaker_pipeline" "p" {{
          pipeline_name         = "p"
          pipeline_display_name = "p"
          role_arn              = aws_iam_role.exec.arn
          pipeline_definition   = {json.dumps(json.dumps(definition))}
        }}
        resource "aws_sagemaker_pipeline" "opaque" {{
          pipeline_name         = "o"
          pipeline_display_name = "o"
          role_arn              = aws_iam_role.exec.arn
          pipeline_definition   = file("pipeline.json")
        }}
        """,
    )
    train = res["aws_sagemaker_pipeline.p/steps/Train"]
    assert train.kind == "training_job" and train.name == "p/Train"
    assert train.facts["network.egress_restricted"] is True and train.facts["encryption.cmk"] is False
    assert train.facts["privacy.status"] == "dp"  # σ from the pipeline parameter's default
    assert train.facts["identity.overprivileged"] is True
    assert not any(key.startswith("aws_sagemaker_pipeline.p/steps/Pre") for key in res)
    opaque = res["aws_sagemaker_pipeline.opaque"]
    assert opaque.facts["privacy.status"] == "unknown" and opaque.facts["encryption.cmk"] is None


@pytest.mark.parametrize(
    ("restriction", "public"),
    [
        ("", True),
        ('source_ip_config { cidrs = ["10.0.0.0/8"] }', False),
        ("source_ip_config { cidrs = var.c }", None),
    ],
)
def test_a_workforce_is_public_unless_restricted(
    tmp_path: Path, restriction: str, public: bool | None
) -> None:
    res = mapped(
        tmp_path,
        f"""
        variable "c" {{}}
        resource "aws_sagemaker_workforce" "w" {{
          workforce_name = "labelers"
          cognito_config {{
            client_id = "x"
            user_pool = "y"
          }}
          {restriction}
        }}
        resource "aws_sagemaker_workteam" "t" {{
          workteam_name  = "t"
          workforce_name = aws_sagemaker_workforce.w.id
          description    = "t"
        }}
        """,
    )
    assert res["aws_sagemaker_workforce.w"].kind == "workspace"
    assert res["aws_sagemaker_workforce.w"].facts["network.public"] is public
    assert res["aws_sagemaker_workteam.t"].facts["network.public"] is public


@pytest.mark.parametrize(
    ("statement", "public"),
    [
        ({"Effect": "Allow", "Principal": "*", "Action": "sagemaker:DescribeModelPackage", "Resource": "*"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sagemaker:*", "Resource": "*",
          "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sagemaker:*",
          "Resource": "*"}, False),
    ],
)  # fmt: skip
def test_model_package_group_policy(tmp_path: Path, statement: dict, public: bool) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    res = mapped(
        tmp_path,
        f"""
        resource "aws_sagemaker_model_package_group" "g" {{
          model_package_group_name = "models"
        }}
        resource "aws_sagemaker_model_package_group_policy" "p" {{
          model_package_group_name = aws_sagemaker_model_package_group.g.model_package_group_name
          resource_policy          = {json.dumps(policy)}
        }}
        resource "aws_sagemaker_model_package_group" "alone" {{
          model_package_group_name = "alone"
        }}
        """,
    )
    assert res["aws_sagemaker_model_package_group.g"].kind == "model"
    assert res["aws_sagemaker_model_package_group.g"].facts["access.public_policy"] is public
    assert res["aws_sagemaker_model_package_group.alone"].facts["access.public_policy"] is False


def test_monitoring_schedules_link_to_their_job_definition(tmp_path: Path) -> None:
    res = mapped(
        tmp_path,
        """
        resource "aws_sagemaker_data_quality_job_definition" "dq" {
          name     = "dq"
          role_arn = "arn:aws:iam::1:role/r"
          data_quality_app_specification { image_uri = "img" }
          data_quality_job_input { endpoint_input { endpoint_name = "e" } }
          data_quality_job_output_config {
            monitoring_outputs { s3_output { s3_uri = "s3://b/out" } }
          }
          job_resources {
            cluster_config {
              instance_count = 1
              instance_type  = "ml.m5.large"
              volume_size_in_gb = 20
            }
          }
        }
        resource "aws_sagemaker_monitoring_schedule" "s" {
          monitoring_schedule_config {
            monitoring_job_definition_name = aws_sagemaker_data_quality_job_definition.dq.name
            monitoring_type                = "DataQuality"
          }
        }
        """,
    )
    assert any(
        link.endswith("aws_sagemaker_monitoring_schedule.s")
        for link in res["aws_sagemaker_data_quality_job_definition.dq"].links
    )
    assert "aws_sagemaker_monitoring_schedule.s" not in res
