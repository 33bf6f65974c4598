"""Which accounts to scan and how to reach them: the default chain, an accounts file, or an org role.

Only STS AssumeRole / GetCallerIdentity and Organizations ListAccounts are called here
(AssumeRole issues temporary credentials; it changes nothing in the account).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.yamldoc import YamlDocument, YamlFileError


@dataclass(frozen=True)
class AccountSpec:
    """One account to scan: with no ``role_arn`` the base credentials are used as they are."""

    account_id: str | None
    role_arn: str | None = None
    external_id: str | None = None
    name: str | None = None
    regions: tuple[str, ...] = ()


class AccountsFileError(ValueError):
    """The accounts file cannot be used; the message names the file and the entry."""


def load_accounts_file(path: str) -> list[AccountSpec]:
    """Parse the YAML accounts file: a list (or ``accounts:`` list) of account entries.

    Entry keys: ``account_id`` (or ``id``), ``role_arn``, ``external_id``, ``name``, ``regions``.
    """
    try:
        data = YamlDocument.read(path).data
    except YamlFileError as exc:
        raise AccountsFileError(f"{exc.where}: cannot read accounts file: {exc.reason}") from exc
    entries = data.get("accounts") if isinstance(data, Mapping) else data
    if not isinstance(entries, list):
        raise AccountsFileError(f"{path}: expected a list of accounts (or an 'accounts:' list)")
    specs: list[AccountSpec] = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise AccountsFileError(
                f"{path}: account #{index}: expected a mapping, got {type(entry).__name__}"
            )
        account_id = entry.get("account_id", entry.get("id"))
        role_arn = entry.get("role_arn")
        if account_id is None and role_arn is None:
            raise AccountsFileError(f"{path}: account #{index}: needs account_id or role_arn")
        if role_arn is not None and (not str(role_arn).startswith("arn:") or str(role_arn).count(":") < 5):
            raise AccountsFileError(f"{path}: account #{index}: role_arn {role_arn!r} is not an ARN")
        if account_id is None:
            account_id = str(role_arn).split(":")[4]
        if isinstance(account_id, (Mapping, list)) or not str(account_id):
            raise AccountsFileError(f"{path}: account #{index}: account_id {account_id!r} is not an id")
        regions = entry.get("regions") or ()
        if isinstance(regions, str):
            regions = [r.strip() for r in regions.split(",") if r.strip()]
        if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
            raise AccountsFileError(f"{path}: account #{index}: regions must be a list of region names")
        specs.append(
            AccountSpec(
                account_id=str(account_id).zfill(12) if str(account_id).isdigit() else str(account_id),
                role_arn=str(role_arn) if role_arn else None,
                external_id=str(entry["external_id"]) if entry.get("external_id") else None,
                name=str(entry["name"]) if entry.get("name") else None,
                regions=tuple(str(r) for r in regions),
            )
        )
    return specs


def org_accounts(organizations: Any, role_name: str, caller_account: str | None) -> list[AccountSpec]:
    """Every ACTIVE account of the organization, reached through ``role_name`` (the caller's own as is)."""
    specs: list[AccountSpec] = []
    for page in organizations.get_paginator("list_accounts").paginate():
        for account in page.get("Accounts") or ():
            if account.get("Status", "ACTIVE") != "ACTIVE" or not account.get("Id"):
                continue
            account_id = account["Id"]
            role_arn = None if account_id == caller_account else f"arn:aws:iam::{account_id}:role/{role_name}"
            specs.append(AccountSpec(account_id=account_id, role_arn=role_arn, name=account.get("Name")))
    return specs


class CallerIdentityError(ValueError):
    """STS answered GetCallerIdentity or AssumeRole without a usable account id or credentials."""


def assume(session: Any, spec: AccountSpec, client_kwargs: Mapping[str, Any]) -> Any:
    """A boto3 session holding the temporary credentials of ``spec.role_arn``."""
    from scanner.clouds.aws.sessions import new_session

    kwargs: dict[str, Any] = {"RoleArn": spec.role_arn, "RoleSessionName": "mlscan-readonly"}
    if spec.external_id:
        kwargs["ExternalId"] = spec.external_id
    credentials = session.client("sts", **client_kwargs).assume_role(**kwargs).get("Credentials")
    keys = ("AccessKeyId", "SecretAccessKey", "SessionToken")
    if not isinstance(credentials, Mapping) or not all(isinstance(credentials.get(k), str) for k in keys):
        raise CallerIdentityError(f"AssumeRole {spec.role_arn} answered no usable credentials")
    return new_session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=session.region_name,
    )


def caller_account(sts: Any) -> str:
    """The account id of the credentials in use (STS GetCallerIdentity, which needs no permission)."""
    account = sts.get_caller_identity().get("Account")
    if not isinstance(account, str) or not account.strip():
        raise CallerIdentityError(f"GetCallerIdentity answered no account id (got {type(account).__name__})")
    return account


def enabled_regions(ec2: Any) -> list[str]:
    """Regions enabled for the account (opt-in regions only when opted in)."""
    response = ec2.describe_regions(AllRegions=False)
    return sorted(
        r["RegionName"]
        for r in response.get("Regions") or ()
        if r.get("RegionName") and r.get("OptInStatus") != "not-opted-in"
    )


def pick_regions(spec_regions: Sequence[str], option_regions: Sequence[str]) -> tuple[str, ...]:
    """Per-account regions win over ``--regions``; empty means "ask the account"."""
    return tuple(spec_regions) or tuple(option_regions)
