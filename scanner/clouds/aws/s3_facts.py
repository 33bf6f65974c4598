"""An S3 bucket judged from the API's shapes (live Get calls, or Terraform blocks translated to them).

Defaults resolved as S3 applies them: buckets created since April 2023 get all four Block Public Access
settings on and ACLs disabled (BucketOwnerEnforced), so a bucket with no public-access-block written is not
public; default encryption is SSE-S3 (an AWS key); versioning and server access logging are off. A
public bucket policy counts unless RestrictPublicBuckets (bucket or account) applies; a public ACL unless
IgnorePublicAcls does or ACLs are disabled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.artifacts import StorageState
from scanner.clouds.aws.facts_common import KeyJudge
from scanner.tristate import all_of, any_of

PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)
BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
"""What S3 sets on a new bucket (since April 2023) and what Terraform gets when it writes no block."""


def public_grant() -> dict[str, Any]:
    """The ACL grant a canned public ACL (public-read, authenticated-read) amounts to."""
    return {"Grantee": {"Type": "Group", "URI": PUBLIC_GRANTEES[0]}, "Permission": "READ"}


def effective_block(
    bucket: Mapping[str, Any] | None, account: Mapping[str, Any] | None
) -> dict[str, bool | None]:
    """Bucket and account Block Public Access combined (either one on wins); None where unreadable."""
    merged: dict[str, bool | None] = {}
    for setting in BLOCK_ALL:
        values = [None if b is None else bool(b.get(setting, False)) for b in (bucket, account)]
        merged[setting] = any_of(values)
    return merged


def acl_public(grants: Any) -> bool | None:
    """A bucket ACL granting AllUsers or AuthenticatedUsers."""
    if grants is None:
        return None
    return any(
        isinstance(g, Mapping) and (g.get("Grantee") or {}).get("URI") in PUBLIC_GRANTEES for g in grants
    )


def encryption_cmk(rules: Any, keys: KeyJudge) -> bool | None:
    """Default encryption with a customer-managed KMS key (SSE-S3 or aws/s3 are the provider's keys)."""
    if rules is None:
        return False  # SSE-S3, the default since January 2023
    if not isinstance(rules, list):
        return None
    verdicts = []
    for rule in rules:
        default = (rule or {}).get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = str(default.get("SSEAlgorithm") or "AES256")
        key = default.get("KMSMasterKeyID")
        if not algorithm.startswith("aws:kms"):
            verdicts.append(False)
        elif key is None:
            verdicts.append(False)  # aws:kms without a key id = the AWS-managed aws/s3 key
        else:
            verdicts.append(keys(key))
    if not verdicts:
        return False
    return all_of(verdicts)


def versioning_enabled(status: Any) -> bool:
    """GetBucketVersioning Status (absent = never enabled; Suspended keeps no new versions)."""
    return str(status or "").lower() == "enabled"


def bucket_state(
    name: str,
    *,
    block: Mapping[str, bool | None],
    policy_public: bool | None,
    grants: Any,
    acls_disabled: bool | None,
    cmk: bool | None,
    versioning: bool | None,
    logging_enabled: bool | None,
) -> StorageState:
    """One bucket's :class:`StorageState` from its effective Block Public Access and its other settings."""
    via_policy = None if policy_public is None else policy_public
    if via_policy and block.get("RestrictPublicBuckets") is not False:
        via_policy = None if block.get("RestrictPublicBuckets") is None else False
    via_acl: bool | None = False if acls_disabled else acl_public(grants)
    if via_acl and block.get("IgnorePublicAcls") is not False:
        via_acl = None if block.get("IgnorePublicAcls") is None else False
    public = any_of([via_policy, via_acl])
    return StorageState(
        location=f"s3://{name}",
        public=public,
        cmk=cmk,
        versioning=versioning,
        access_logging=logging_enabled,
    )
