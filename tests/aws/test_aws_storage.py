"""The buckets behind SageMaker resources: the same S3 settings give the same artifacts.* facts in HCL and live
(boto3 against moto), with S3's defaults resolved."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from scanner.clouds.aws.buckets import BucketInspector
from scanner.clouds.sources import terraform_source

ACCOUNT = "123456789012"
PUBLIC_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::open/*"}
    ],
}
HCL = f"""
resource "aws_s3_account_public_access_block" "account" {{
  block_public_acls       = false
  ignore_public_acls      = false
  block_public_policy     = false
  restrict_public_buckets = false
}}
resource "aws_kms_key" "k" {{}}
resource "aws_s3_bucket" "open" {{
  bucket = "open"
}}
resource "aws_s3_bucket_public_access_block" "open" {{
  bucket = aws_s3_bucket.open.id
}}
resource "aws_s3_bucket_policy" "open" {{
  bucket = aws_s3_bucket.open.id
  policy = {json.dumps(json.dumps(PUBLIC_POLICY))}
}}
resource "aws_s3_bucket" "locked" {{
  bucket = "locked"
}}
resource "aws_s3_bucket_server_side_encryption_configuration" "locked" {{
  bucket = aws_s3_bucket.locked.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }}
  }}
}}
resource "aws_s3_bucket_versioning" "locked" {{
  bucket = aws_s3_bucket.locked.id
  versioning_configuration {{ status = "Enabled" }}
}}
resource "aws_s3_bucket_logging" "locked" {{
  bucket        = aws_s3_bucket.locked.id
  target_bucket = "logs"
  target_prefix = "locked/"
}}
resource "aws_sagemaker_model" "public" {{
  name               = "public"
  execution_role_arn = "arn:aws:iam::{ACCOUNT}:role/r"
  primary_container {{
    image          = "img"
    model_data_url = "s3://open/model.tar.gz"
  }}
}}
resource "aws_sagemaker_model" "private" {{
  name               = "private"
  execution_role_arn = "arn:aws:iam::{ACCOUNT}:role/r"
  primary_container {{
    image          = "img"
    model_data_url = "s3://${{aws_s3_bucket.locked.bucket}}/model.tar.gz"
  }}
}}
resource "aws_sagemaker_model" "elsewhere" {{
  name               = "elsewhere"
  execution_role_arn = "arn:aws:iam::{ACCOUNT}:role/r"
  primary_container {{
    image          = "img"
    model_data_url = "s3://not-in-this-repo/model.tar.gz"
  }}
}}
resource "aws_sagemaker_model" "no_storage" {{
  name               = "no-storage"
  execution_role_arn = "arn:aws:iam::{ACCOUNT}:role/r"
  primary_container {{ image = "img" }}
}}
"""
FACTS = ("artifacts.public", "artifacts.cmk", "artifacts.versioning", "artifacts.access_logging")


@pytest.fixture
def terraform(tmp_path: Path) -> dict:
    (tmp_path / "main.tf").write_text(textwrap.dedent(HCL), encoding="utf-8")
    result = terraform_source([str(tmp_path)])
    assert result.errors == ()
    return {r.name: r.facts for r in result.resources}


@pytest.fixture
def live(aws_env: None) -> dict:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        control = boto3.client("s3control", region_name="us-east-1")
        kms = boto3.client("kms", region_name="us-east-1")
        key = kms.create_key()["KeyMetadata"]["Arn"]
        off = dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
        )
        control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=off)
        s3.create_bucket(Bucket="open")
        s3.put_public_access_block(Bucket="open", PublicAccessBlockConfiguration=off)
        s3.put_bucket_policy(Bucket="open", Policy=json.dumps(PUBLIC_POLICY))
        s3.create_bucket(Bucket="locked")
        s3.put_public_access_block(Bucket="locked", PublicAccessBlockConfiguration=dict.fromkeys(off, True))
        s3.put_bucket_encryption(
            Bucket="locked",
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}
                ]
            },
        )
        s3.put_bucket_versioning(Bucket="locked", VersioningConfiguration={"Status": "Enabled"})
        s3.create_bucket(Bucket="access-logs-bucket")
        s3.put_bucket_acl(
            Bucket="access-logs-bucket",
            AccessControlPolicy={
                "Grants": [
                    {
                        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
                        "Permission": p,
                    }
                    for p in ("WRITE", "READ_ACP")
                ],
                "Owner": s3.get_bucket_acl(Bucket="access-logs-bucket")["Owner"],
            },
        )
        s3.put_bucket_logging(
            Bucket="locked",
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "access-logs-bucket", "TargetPrefix": "locked/"}
            },
        )
        calls: list[str] = []
        s3.meta.events.register("before-call", lambda model, **_: calls.append(model.name))
        inspector = BucketInspector(
            lambda: s3, lambda: control, ACCOUNT, lambda k: True if k == key else None
        )
        facts = {
            name: inspector.facts({"PrimaryContainer": {"ModelDataUrl": uri}})
            for name, uri in (
                ("public", "s3://open/model.tar.gz"),
                ("private", "s3://locked/model.tar.gz"),
                ("elsewhere", "s3://not-in-this-repo/model.tar.gz"),
            )
        }
        facts["calls"] = calls
        return facts


@pytest.mark.parametrize("name", ["public", "private"])
def test_bucket_facts_agree_live_and_in_terraform(terraform: dict, live: dict, name: str) -> None:
    assert {k: terraform[name][k] for k in FACTS} == {k: live[name][k] for k in FACTS}
    assert terraform[name]["artifacts.locations"] == live[name]["artifacts.locations"]


def test_the_two_buckets_differ(terraform: dict) -> None:
    public, private = terraform["public"], terraform["private"]
    assert (public["artifacts.public"], private["artifacts.public"]) == (True, False)
    assert (public["artifacts.cmk"], private["artifacts.cmk"]) == (False, True)
    assert (public["artifacts.versioning"], private["artifacts.versioning"]) == (False, True)
    assert (public["artifacts.access_logging"], private["artifacts.access_logging"]) == (False, True)


def test_a_bucket_outside_the_scan_is_unknown_and_no_storage_means_no_facts(
    terraform: dict, live: dict
) -> None:
    assert all(terraform["elsewhere"][k] is None for k in FACTS)
    assert all(live["elsewhere"][k] is None for k in FACTS)  # NoSuchBucket: unread, not private
    assert "artifacts.public" not in terraform["no-storage"]


def test_bucket_reads_are_get_calls_once_per_bucket(live: dict) -> None:
    calls = live["calls"]
    assert calls and all(op.startswith("Get") for op in calls)
    assert calls.count("GetBucketPolicyStatus") == 3


def test_default_bucket_is_private_with_s3_defaults(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "bkt"\n}\n'
        'resource "aws_sagemaker_model" "m" {\n  name = "m"\n  execution_role_arn = "arn:aws:iam::1:role/r"\n'
        '  primary_container {\n    image = "i"\n    model_data_url = "s3://bkt/m.tar.gz"\n  }\n}\n',
        encoding="utf-8",
    )
    (model,) = [r for r in terraform_source([str(tmp_path)]).resources if r.kind == "model"]
    # S3 turns on all four Block Public Access settings on a new bucket and encrypts with SSE-S3
    assert model.facts["artifacts.public"] is False and model.facts["artifacts.cmk"] is False
