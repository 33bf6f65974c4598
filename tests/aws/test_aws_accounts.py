"""Account scope: accounts file, assume role with external id, Organizations org role."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from scanner.clouds.aws.accounts import AccountsFileError, load_accounts_file
from tests.aws.aws_helpers import live_scan

OTHER = "222233334444"


def _notebook_in(account: str, name: str, region: str = "us-east-1") -> None:
    """Create a notebook inside ``account`` through assumed-role credentials (moto is multi-account)."""
    creds = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed"
    )["Credentials"]
    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )
    session.client("sagemaker").create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=f"arn:aws:iam::{account}:role/nb"
    )


def test_accounts_file_parsing(tmp_path: Path) -> None:
    good = tmp_path / "accounts.yaml"
    good.write_text(
        "accounts:\n"
        "  - account_id: 222233334444\n"
        "    role_arn: arn:aws:iam::222233334444:role/mlscan\n"
        "    external_id: xyz\n"
        "    name: prod\n"
        "    regions: [eu-west-1]\n"
        "  - role_arn: arn:aws:iam::333344445555:role/mlscan\n"
        "    regions: us-east-1, us-west-2\n"
    )
    specs = load_accounts_file(str(good))
    assert (
        specs[0].account_id == OTHER and specs[0].external_id == "xyz" and specs[0].regions == ("eu-west-1",)
    )
    assert specs[1].account_id == "333344445555" and specs[1].regions == ("us-east-1", "us-west-2")
    for text, message in [
        ("accounts: 3", "expected a list"),
        ("- name: x", "account #1: needs account_id or role_arn"),
        ("- role_arn: mlscan", "is not an ARN"),
        ("- [1, 2]", "expected a mapping"),
        ("a: [", "cannot read accounts file"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(AccountsFileError, match=message) as info:
            load_accounts_file(str(bad))
        assert str(bad) in str(info.value) and "\n" not in str(info.value)


def test_bad_accounts_file_is_a_scan_error(tmp_path: Path, moto: None) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("accounts: nope")
    result = live_scan(accounts_file=str(bad))
    assert result.resources == () and result.errors[0].where == "aws/accounts"


def test_accounts_file_assumes_each_role(tmp_path: Path, moto: None) -> None:
    _notebook_in(OTHER, "other-account-notebook", "eu-west-1")
    boto3.client("sagemaker").create_notebook_instance(
        NotebookInstanceName="home-notebook",
        InstanceType="ml.t3.medium",
        RoleArn="arn:aws:iam::123456789012:role/x",
    )
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        f"- account_id: '{OTHER}'\n  role_arn: arn:aws:iam::{OTHER}:role/mlscan\n  external_id: e-1\n"
        "  regions: [eu-west-1]\n"
        "- account_id: '123456789012'\n  regions: [us-east-1]\n"
    )
    result = live_scan(accounts_file=str(accounts))
    assert result.errors == ()
    found = {(r.account, r.region, r.name) for r in result.resources}
    assert found == {
        (OTHER, "eu-west-1", "other-account-notebook"),
        ("123456789012", "us-east-1", "home-notebook"),
    }


def test_org_role_scans_every_active_account(moto: None) -> None:
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="ml-prod", Email="ml@example.com")["CreateAccountStatus"][
        "AccountId"
    ]
    _notebook_in(member, "member-notebook")
    result = live_scan(org_role="MLScanReadOnly", regions=("us-east-1",))
    assert result.errors == ()
    assert {(r.account, r.name) for r in result.resources} == {(member, "member-notebook")}
