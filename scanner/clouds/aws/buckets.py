"""Live S3: judge the buckets an ML resource's lineage reaches, with read-only Get calls, once per bucket.

GetPublicAccessBlock (bucket and, through S3 Control, account), GetBucketPolicyStatus, GetBucketAcl,
GetBucketOwnershipControls, GetBucketEncryption, GetBucketVersioning, GetBucketLogging. A "not configured"
answer is the S3 default (no bucket policy, no bucket-level block, SSE-S3); a denied or failed call makes
that part unknown, never compliant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from scanner.clouds.artifacts import StorageState, artifact_facts
from scanner.clouds.aws import s3_facts
from scanner.clouds.aws.cache import OnceCache
from scanner.clouds.aws.facts_common import KeyJudge
from scanner.clouds.aws.problems import Problems

_S3_URI = re.compile(r"^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/|$)")
_READS = (
    "get_public_access_block",
    "get_bucket_policy_status",
    "get_bucket_ownership_controls",
    "get_bucket_acl",
    "get_bucket_encryption",
    "get_bucket_versioning",
    "get_bucket_logging",
)
"""A bucket's Get calls: independent of each other, so the threads that need the bucket share them."""
_NOT_CONFIGURED = {
    "NoSuchPublicAccessBlockConfiguration",
    "NoSuchBucketPolicy",
    "OwnershipControlsNotFoundError",
    "ServerSideEncryptionConfigurationNotFoundError",
}


def s3_buckets(value: Any) -> Iterator[str]:
    """Every bucket named by an ``s3://`` URI anywhere in a describe response."""
    if isinstance(value, str):
        match = _S3_URI.match(value)
        if match:
            yield match.group(1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from s3_buckets(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from s3_buckets(item)


def artifact_facts_without_reading(describe: Any) -> dict[str, Any]:
    """``artifacts.*`` when the buckets cannot be read: their locations, every verdict unknown."""
    names = sorted(set(s3_buckets(describe)))
    return artifact_facts([f"s3://{n}" for n in names], [None] * len(names))


class BucketInspector:
    """Reads and judges buckets for one account (thread-safe; each bucket and the account block once)."""

    def __init__(
        self,
        s3: Callable[[], Any],
        s3control: Callable[[], Any],
        account: str | None,
        keys: KeyJudge,
        problems: Problems | None = None,
    ) -> None:
        self._problems = problems if problems is not None else Problems()
        self._s3 = s3
        self._s3control = s3control
        self._account = account
        self._keys = keys
        self._states: OnceCache[StorageState] = OnceCache(self._judge)
        self._answers: OnceCache[tuple[bool, Any]] = OnceCache(self._answer)
        self._account_block: OnceCache[dict[str, Any] | None] = OnceCache(self._read_account_block)

    def facts(self, describe: Any) -> dict[str, Any]:
        """``artifacts.*`` facts for the buckets a describe response names."""
        names = sorted(set(s3_buckets(describe)))
        self._answers.get_all((name, read) for name in names for read in _READS)  # shared with other threads
        return artifact_facts([f"s3://{n}" for n in names], [self._states.get(n) for n in names])

    def read_account_block(self) -> None:
        """Read the account's public access block now (one S3 Control call, once): queued at the start of
        the account, it is ready before the first bucket is judged instead of holding every thread."""
        self._account_block.get("account")

    def _answer(self, key: Any) -> tuple[bool, Any]:
        name, read = key
        return self._call(self._s3(), read, Bucket=name)

    def _call(self, client: Any, operation: str, *, report: bool = True, **kwargs: Any) -> tuple[bool, Any]:
        """(answered, response): a "not configured" error is answered with None; other failures are not."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return True, getattr(client, operation)(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code not in _NOT_CONFIGURED and report:
                self._problem(operation, kwargs, exc)
            return (code in _NOT_CONFIGURED), None
        except BotoCoreError as exc:
            if report:
                self._problem(operation, kwargs, exc)
            return False, None

    def _problem(self, operation: str, kwargs: dict[str, Any], exc: BaseException) -> None:
        subject = str(kwargs.get("Bucket") or kwargs.get("AccountId") or "")
        self._problems.add(f"aws/{self._account or '?'}/s3", operation, subject, exc)

    def _read_account_block(self, _: str) -> dict[str, Any] | None:
        if not self._account:
            return None
        # not reported: s3control's {account}.host endpoint cannot reach a local endpoint_url (moto server)
        answered, response = self._call(
            self._s3control(), "get_public_access_block", report=False, AccountId=self._account
        )
        if not answered:
            return None
        return (response or {}).get("PublicAccessBlockConfiguration") or {}

    def _judge(self, name: str) -> StorageState:
        answers = dict(zip(_READS, self._answers.get_all((name, read) for read in _READS), strict=True))
        ok, block = answers["get_public_access_block"]
        bucket_block = (block or {}).get("PublicAccessBlockConfiguration") or {} if ok else None
        effective = s3_facts.effective_block(bucket_block, self._account_block.get("account"))
        ok, status = answers["get_bucket_policy_status"]
        policy_public = bool(((status or {}).get("PolicyStatus") or {}).get("IsPublic")) if ok else None
        ok, ownership = answers["get_bucket_ownership_controls"]
        rules = ((ownership or {}).get("OwnershipControls") or {}).get("Rules") or []
        acls_disabled = any(r.get("ObjectOwnership") == "BucketOwnerEnforced" for r in rules) if ok else None
        ok_acl, acl = answers["get_bucket_acl"]
        ok, encryption = answers["get_bucket_encryption"]
        enc_rules = ((encryption or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules")
        cmk = s3_facts.encryption_cmk(enc_rules, self._keys) if ok else None
        ok_v, versioning = answers["get_bucket_versioning"]
        ok_l, logging = answers["get_bucket_logging"]
        state = s3_facts.bucket_state(
            name,
            block=effective,
            policy_public=policy_public,
            grants=(acl or {}).get("Grants", []) if ok_acl else None,
            acls_disabled=acls_disabled,
            cmk=cmk,
            versioning=s3_facts.versioning_enabled((versioning or {}).get("Status")) if ok_v else None,
            logging_enabled=bool((logging or {}).get("LoggingEnabled")) if ok_l else None,
        )
        return state
