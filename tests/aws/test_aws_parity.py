"""Parity: the reference stacks as Terraform (HCL and plan) and as live API objects give the same facts
and the same findings for every policy.

The live side is the same configuration created in moto through the real API. moto drops two fields the
real API returns (model EnableNetworkIsolation is always false, notebook IMDS configuration is dropped,
see ../shared/notes/sdk-offline.md); a response patch puts back exactly what the create call sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from scanner.clouds.aws.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.clouds.sources import terraform_source
from scanner.policy.evaluate import evaluate_all
from scanner.policy.loader import load_policies

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"
IDENTIFIERS = {
    "identity.principal",
    "encryption.key_id",
    "network.subnet",
}  # ARNs live, references in Terraform
TAGS = [{"Key": "data-classification", "Value": "phi"}]
TRUST = json.dumps(
    {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ]
    }
)
# Terraform block name -> live resource name, per kind
PAIRS = {
    ("endpoint", "classifier"): "claims-classifier",
    ("model", "classifier"): "claims-classifier",
    ("notebook", "research"): "claims-research",
    ("workspace", "studio"): "claims-studio",
}


def _role(
    iam: Any,
    name: str,
    *,
    managed: list[str] = (),
    inline: dict[str, Any] | None = None,
    policy: dict | None = None,
) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    for policy_arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    if inline:
        iam.put_role_policy(
            RoleName=name, PolicyName="inline", PolicyDocument=json.dumps({"Version": "2012-10-17", **inline})
        )
    if policy:
        created = iam.create_policy(
            PolicyName=name, PolicyDocument=json.dumps({"Version": "2012-10-17", **policy})
        )["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=name, PolicyArn=created)
    return arn


def _secure_buckets(key: str) -> None:
    """The stack's buckets as terraform/secure/aws/main.tf declares them: CMK, versioning, access logs."""
    s3 = boto3.client("s3", region_name=REGION)
    where = {"CreateBucketConfiguration": {"LocationConstraint": REGION}} if REGION != "us-east-1" else {}
    s3.create_bucket(Bucket="ml-access-logs-secure", **where)
    owner = s3.get_bucket_acl(Bucket="ml-access-logs-secure")["Owner"]
    delivery = {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}
    s3.put_bucket_acl(
        Bucket="ml-access-logs-secure",
        AccessControlPolicy={"Grants": [{"Grantee": delivery, "Permission": p} for p in ("WRITE", "READ_ACP")],
                             "Owner": owner},
    )  # fmt: skip
    for name in ("artifacts", "capture", "monitoring", "features", "review"):
        bucket = f"ml-{name}-secure"
        s3.create_bucket(Bucket=bucket, **where)
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}
                ]
            },
        )
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_logging(
            Bucket=bucket,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "ml-access-logs-secure", "TargetPrefix": f"{name}/"}
            },
        )


def create_secure() -> None:
    sm, iam = boto3.client("sagemaker", region_name=REGION), boto3.client("iam")
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    _secure_buckets(key)
    role = _role(
        iam,
        "ml-inference-scoped",
        policy={
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::ml-artifacts-secure/*"],
                },
                {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": [key]},
            ]
        },
    )
    vpc = {
        "SecurityGroupIds": ["sg-0a1b2c3d4e5f60001"],
        "Subnets": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    }
    sm.create_model(
        ModelName="claims-classifier",
        ExecutionRoleArn=role,
        EnableNetworkIsolation=True,
        VpcConfig=vpc,
        PrimaryContainer={
            "Image": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1-cpu-py310",
            "ModelDataUrl": "s3://ml-artifacts-secure/models/m.tar.gz",
            "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
        },
        Tags=TAGS,
    )
    sm.create_endpoint_config(
        EndpointConfigName="claims-classifier",
        KmsKeyId=key,
        Tags=TAGS,
        ProductionVariants=[
            {
                "VariantName": "primary",
                "ModelName": "claims-classifier",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 2,
            }
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": "s3://ml-capture-secure/claims-classifier",
            "KmsKeyId": key,
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
    )
    sm.create_endpoint(EndpointName="claims-classifier", EndpointConfigName="claims-classifier", Tags=TAGS)
    sm.create_notebook_instance(
        NotebookInstanceName="claims-research",
        RoleArn=role,
        InstanceType="ml.t3.medium",
        KmsKeyId=key,
        SubnetId="subnet-0a1b2c3d4e5f60001",
        SecurityGroupIds=["sg-0a1b2c3d4e5f60001"],
        DirectInternetAccess="Disabled",
        RootAccess="Disabled",
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"},
        Tags=TAGS,
    )
    sm.create_domain(
        DomainName="claims-studio",
        AuthMode="SSO",
        VpcId="vpc-0a1b2c3d4e5f60001",
        SubnetIds=vpc["Subnets"],
        AppNetworkAccessType="VpcOnly",
        KmsKeyId=key,
        DefaultUserSettings={"ExecutionRole": role, "SecurityGroups": ["sg-0a1b2c3d4e5f60001"]},
        Tags=TAGS,
    )


def create_insecure() -> None:
    sm, iam = boto3.client("sagemaker", region_name=REGION), boto3.client("iam")
    admin = _role(iam, "ml-admin", managed=["arn:aws:iam::aws:policy/AdministratorAccess"])
    notebook = _role(
        iam, "ml-notebook", inline={"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    studio = _role(
        iam,
        "ml-studio",
        managed=["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"],
        inline={"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
    )
    sm.create_model(
        ModelName="claims-classifier",
        ExecutionRoleArn=admin,
        Tags=TAGS,
        PrimaryContainer={
            "Image": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1-cpu-py310",
            "ModelDataUrl": "s3://ml-artifacts/m.tar.gz",
            "Environment": {"HF_API_TOKEN": "hf_x"},
        },
    )
    sm.create_endpoint_config(
        EndpointConfigName="claims-classifier",
        Tags=TAGS,
        ProductionVariants=[
            {
                "VariantName": "primary",
                "ModelName": "claims-classifier",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
        AsyncInferenceConfig={"OutputConfig": {"S3OutputPath": "s3://ml-async-results/claims"}},
    )
    sm.create_endpoint(EndpointName="claims-classifier", EndpointConfigName="claims-classifier", Tags=TAGS)
    sm.create_notebook_instance(
        NotebookInstanceName="claims-research", RoleArn=notebook, InstanceType="ml.t3.medium", Tags=TAGS
    )
    sm.create_domain(
        DomainName="claims-studio",
        AuthMode="IAM",
        VpcId="vpc-0a1b2c3d4e5f60001",
        SubnetIds=["subnet-0a1b2c3d4e5f60001"],
        DefaultUserSettings={"ExecutionRole": studio},
        Tags=TAGS,
    )


def _patch_moto_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put back what moto drops, from what the create calls sent (the real API returns it)."""
    sent: dict[tuple[str, str], dict[str, Any]] = {}

    def remember(params: dict[str, Any], model: Any, **_: Any) -> None:
        name = params.get("ModelName") or params.get("NotebookInstanceName")
        sent[(model.name.replace("Create", ""), name)] = dict(params)

    def restore(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        kind = model.name.replace("Describe", "")
        request = sent.get((kind, parsed.get("ModelName") or parsed.get("NotebookInstanceName")), {})
        for field in ("EnableNetworkIsolation", "InstanceMetadataServiceConfiguration"):
            if field in request:
                parsed[field] = request[field]

    original = boto3.Session.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for op in ("CreateModel", "CreateNotebookInstance"):
            self.events.register(f"provide-client-params.sagemaker.{op}", remember)
        for op in ("DescribeModel", "DescribeNotebookInstance"):
            self.events.register(
                f"after-call.sagemaker.{op}", lambda parsed, model, **kw: restore(parsed, model)
            )

    monkeypatch.setattr(boto3.Session, "__init__", init)
    boto3.setup_default_session()


@pytest.fixture(scope="module")
def policies():
    return load_policies()


@pytest.mark.parametrize("stack", ["secure", "insecure"])
def test_terraform_and_live_agree(
    stack: str, aws_env: None, monkeypatch: pytest.MonkeyPatch, policies
) -> None:
    from moto import mock_aws

    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    _patch_moto_gaps(monkeypatch)
    with mock_aws():
        (create_secure if stack == "secure" else create_insecure)()
        live = scan(LiveOptions(regions=(REGION,), max_workers=4), NullProgress())
    assert live.errors == ()
    live_by = {(r.kind, r.name): r for r in live.resources}
    hcl = terraform_source([REPO / "terraform" / stack / "aws"])
    plan = terraform_source([REPO / "terraform" / "plans" / f"aws-{stack}.json"])
    for source in (hcl, plan):
        assert source.errors == ()
        tf_by = {
            (r.kind, r.id.rsplit(".", 1)[-1]): r
            for r in source.resources
            if r.resource_type
            in (
                "aws_sagemaker_endpoint",
                "aws_sagemaker_model",
                "aws_sagemaker_notebook_instance",
                "aws_sagemaker_domain",
            )
        }
        assert set(tf_by) == set(PAIRS)
        for (kind, tf_name), live_name in PAIRS.items():
            tf_res, live_res = tf_by[(kind, tf_name)], live_by[(kind, live_name)]
            tf_facts = {k: v for k, v in tf_res.facts.items() if k not in IDENTIFIERS}
            live_facts = {k: v for k, v in live_res.facts.items() if k not in IDENTIFIERS}
            assert tf_facts == live_facts, (stack, kind)
            tf_findings = {(f.policy_id, f.status) for f in evaluate_all(policies, [tf_res])}
            live_findings = {(f.policy_id, f.status) for f in evaluate_all(policies, [live_res])}
            assert tf_findings == live_findings, (stack, kind)
            assert tf_findings, (stack, kind)  # every kind is judged by at least one policy
