"""Terraform S3 buckets behind SageMaker blocks → ``artifacts.*`` facts, by the live face's rules.

A SageMaker block names its storage as ``s3://`` URIs (model data, capture destination, job output, offline
store): literal ones are matched to ``aws_s3_bucket`` blocks by ``bucket`` name, interpolated ones by the
bucket they reference. Each bucket is translated into the API's shapes from its companion blocks
(``aws_s3_bucket_public_access_block``, ``_policy``, ``_acl``, ``_ownership_controls``,
``_server_side_encryption_configuration``, ``_versioning``, ``_logging``, or the legacy inline arguments)
and judged by :mod:`s3_facts`. No public-access-block block means S3's default for new buckets (all four
on); a block written with settings omitted means false for those (the provider default). A bucket that is
not in the scan is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from scanner.clouds.artifacts import StorageState, artifact_facts
from scanner.clouds.aws import s3_facts
from scanner.clouds.aws.images import tf_image_facts
from scanner.clouds.aws.resource_policy import is_public, tf_document
from scanner.clouds.aws.tf_iam import TfKeyJudge
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_bool, as_str, block, blocks

_S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?=/|$|\")")
_BUCKET = "aws_s3_bucket"
_PUBLIC_ACLS = {"public-read": True, "public-read-write": True, "authenticated-read": True}
_PAB_ATTRS = {
    "BlockPublicAcls": "block_public_acls",
    "IgnorePublicAcls": "ignore_public_acls",
    "BlockPublicPolicy": "block_public_policy",
    "RestrictPublicBuckets": "restrict_public_buckets",
}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def artifact_facts_of(
    blocks_: Iterable[TfResource], index: TfIndex, values: Iterable[Any] = ()
) -> dict[str, Any]:
    """``artifacts.*`` for the buckets the given blocks (an endpoint, its configuration and models) name,
    and those named in ``values`` (a pipeline step's arguments); ``image.*`` for their images."""
    found: dict[str, TfResource | None] = {}
    texts: list[str] = [text for value in values for text in _strings(value)]
    for tf in blocks_:
        for address in tf.references:
            target = index.get(address, tf.module)
            if target is not None and target.type == _BUCKET:
                found[_location(target)] = target
        texts.extend(_strings(tf.attrs))
    for text in texts:
        for name in _S3_URI.findall(text):
            target = next((b for b in index.of_type(_BUCKET) if b.attrs.get("bucket") == name), None)
            found.setdefault(f"s3://{name}", target)
    states = [None if b is None else bucket_state(b, index) for b in found.values()]
    images = tf_image_facts([*(tf.attrs for tf in blocks_), *values])
    return {**artifact_facts(list(found), states), **images}


def _location(bucket: TfResource) -> str:
    name = as_str(bucket.attrs.get("bucket"))
    return f"s3://{name}" if name else bucket.address


def _companion(bucket: TfResource, index: TfIndex, tf_type: str) -> TfResource | None:
    name = bucket.attrs.get("bucket")
    for other in index.referencing(bucket, tf_type):
        return other
    if isinstance(name, str):
        return next((o for o in index.of_type(tf_type) if o.attrs.get("bucket") == name), None)
    return None


def _block_settings(bucket: TfResource, index: TfIndex) -> dict[str, bool | None]:
    pab = _companion(bucket, index, "aws_s3_bucket_public_access_block")
    bucket_level = (
        dict(s3_facts.BLOCK_ALL)
        if pab is None
        else {api: as_bool(pab.attrs.get(attr), False) for api, attr in _PAB_ATTRS.items()}
    )
    accounts = index.of_type("aws_s3_account_public_access_block")
    account = (
        {api: as_bool(accounts[0].attrs.get(attr), False) for api, attr in _PAB_ATTRS.items()}
        if accounts
        else None
    )
    if None in bucket_level.values():
        return dict.fromkeys(_PAB_ATTRS)
    merged = s3_facts.effective_block(bucket_level, account if account is not None else None)
    return merged


def _encryption_rules(bucket: TfResource, index: TfIndex) -> Any:
    config = _companion(bucket, index, "aws_s3_bucket_server_side_encryption_configuration")
    holder = config.attrs if config else (block(bucket.attrs, "server_side_encryption_configuration") or None)
    if holder is None:
        return None
    if isinstance(holder, Unknown):
        return Unknown("server_side_encryption_configuration")
    rules = blocks(holder, "rule")
    if isinstance(rules, Unknown):
        return rules
    api = []
    for rule in rules:
        default = block(rule, "apply_server_side_encryption_by_default")
        if isinstance(default, Unknown):
            return default
        default = default or {}
        api.append(
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": default.get("sse_algorithm"),
                    "KMSMasterKeyID": default.get("kms_master_key_id"),
                }
            }
        )
    return api


def bucket_state(bucket: TfResource, index: TfIndex) -> StorageState:
    """One ``aws_s3_bucket`` and its companion blocks as a :class:`StorageState`."""
    policy = _companion(bucket, index, "aws_s3_bucket_policy")
    policy_value = policy.attrs.get("policy") if policy else bucket.attrs.get("policy")
    policy_public = is_public(tf_document(policy_value, policy or bucket, index))
    acl = _companion(bucket, index, "aws_s3_bucket_acl")
    acl_value = acl.attrs.get("acl") if acl else bucket.attrs.get("acl")
    acl_text = as_str(acl_value, "private")
    grants = None if acl_text is None else ([s3_facts.public_grant()] if acl_text in _PUBLIC_ACLS else [])
    ownership = _companion(bucket, index, "aws_s3_bucket_ownership_controls")
    rule = block(ownership.attrs, "rule") if ownership else None
    object_ownership = (
        as_str((rule or {}).get("object_ownership"), "BucketOwnerEnforced")
        if not isinstance(rule, Unknown)
        else None
    )
    acls_disabled = None if object_ownership is None else object_ownership == "BucketOwnerEnforced"
    rules = _encryption_rules(bucket, index)
    keys = TfKeyJudge(index, bucket)
    cmk = None if isinstance(rules, Unknown) else s3_facts.encryption_cmk(rules, keys)
    versioning = _companion(bucket, index, "aws_s3_bucket_versioning")
    if versioning is not None:
        config = block(versioning.attrs, "versioning_configuration")
        status = None if isinstance(config, Unknown) else as_str((config or {}).get("status"))
        versioned = None if status is None else s3_facts.versioning_enabled(status)
    else:
        legacy = block(bucket.attrs, "versioning")
        versioned = None if isinstance(legacy, Unknown) else as_bool((legacy or {}).get("enabled"), False)
    logging = _companion(bucket, index, "aws_s3_bucket_logging")
    logged = True if logging is not None else (block(bucket.attrs, "logging") is not None)
    return s3_facts.bucket_state(
        as_str(bucket.attrs.get("bucket")) or bucket.address,
        block=_block_settings(bucket, index),
        policy_public=policy_public,
        grants=grants,
        acls_disabled=acls_disabled,
        cmk=cmk,
        versioning=versioned,
        logging_enabled=logged,
    )
