"""Terraform Cloud Storage buckets behind Vertex blocks → ``artifacts.*`` facts, by the live face's rules.

A Vertex block names its storage as ``gs://`` URIs (an index's ``contents_delta_uri``...): literal ones are
matched to ``google_storage_bucket`` blocks by ``name``, interpolated ones by the bucket they reference.
Each bucket is judged by :mod:`gcs_facts` from its own attributes (provider defaults: fine-grained access,
public access prevention inherited, soft delete 7 days, no versioning, no usage logs) and its companion
blocks: ``google_storage_bucket_iam_member`` / ``_iam_binding`` / ``_iam_policy``, ``google_storage_bucket_acl``
and ``google_storage_default_object_acl``. A bucket that is not in the scan is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.artifacts import StorageState, artifact_facts
from scanner.clouds.gcp.gcs_facts import DEFAULT_SOFT_DELETE_SECONDS, bucket_state, gs_buckets, members_public
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown, as_bool, as_str, block, is_set
from scanner.tristate import any_of

_BUCKET = "google_storage_bucket"
_IAM = (
    "google_storage_bucket_iam_member",
    "google_storage_bucket_iam_binding",
    "google_storage_bucket_iam_policy",
)
_ACLS = ("google_storage_bucket_acl", "google_storage_default_object_acl")
_PUBLIC_PREDEFINED = ("publicRead", "publicReadWrite", "authenticatedRead")


def artifact_facts_of(blocks_: Iterable[TfResource], index: TfIndex) -> dict[str, Any]:
    """``artifacts.*`` for the buckets the given blocks name (literal ``gs://`` URIs or references)."""
    found: dict[str, TfResource | None] = {}
    for tf in blocks_:
        for address in tf.references:
            target = index.get(address, tf.module)
            if target is not None and target.type == _BUCKET:
                found[_location(target)] = target
        for name in gs_buckets(tf.attrs):
            target = next((b for b in index.of_type(_BUCKET) if b.attrs.get("name") == name), None)
            found.setdefault(f"gs://{name}", target)
    states = [None if b is None else tf_bucket_state(b, index) for b in found.values()]
    return artifact_facts(list(found), states)


def _location(bucket: TfResource) -> str:
    name = as_str(bucket.attrs.get("name"))
    return f"gs://{name}" if name else bucket.address


def _companions(bucket: TfResource, index: TfIndex, types: tuple[str, ...]) -> list[TfResource]:
    """Blocks of ``types`` naming the bucket, by reference or by its literal name in the same module."""
    found = list(index.referencing(bucket, *types))
    name = bucket.attrs.get("name")
    if isinstance(name, str):
        found += [
            c
            for c in index.of_type(*types)
            if c.attrs.get("bucket") == name and c.module == bucket.module and c not in found
        ]
    return found


def _iam_public(bucket: TfResource, index: TfIndex) -> bool | None:
    verdicts: list[bool | None] = []
    for binding in _companions(bucket, index, _IAM):
        if binding.type == "google_storage_bucket_iam_policy":
            verdicts.append(_policy_public(binding.attrs.get("policy_data")))
            continue
        members = (
            binding.attrs.get("members")
            if binding.type.endswith("binding")
            else [binding.attrs.get("member")]
        )
        verdicts.append(_known_members(members))
    return any_of(verdicts)


def _known_members(members: Any) -> bool | None:
    if isinstance(members, (Ref, Unknown)) or not isinstance(members, list):
        return None
    if any(isinstance(m, (Ref, Unknown)) for m in members):
        return True if members_public(m for m in members if isinstance(m, str)) else None
    return members_public(members)


def _policy_public(value: Any) -> bool | None:
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, Mapping):
        return None
    bindings = value.get("bindings")
    if not isinstance(bindings, list):
        return None
    return _known_members([m for b in bindings if isinstance(b, Mapping) for m in b.get("members") or []])


def _acl_public(bucket: TfResource, index: TfIndex) -> bool | None:
    verdicts: list[bool | None] = []
    for acl in _companions(bucket, index, _ACLS):
        predefined = acl.attrs.get("predefined_acl")
        if isinstance(predefined, (Ref, Unknown)):
            verdicts.append(None)
        elif predefined in _PUBLIC_PREDEFINED:
            verdicts.append(True)
        entries = acl.attrs.get("role_entity")
        if isinstance(entries, list):
            verdicts.append(
                _known_members([e.split(":", 1)[-1] if isinstance(e, str) else e for e in entries])
            )
        elif entries is not None:
            verdicts.append(None)
    return any_of(verdicts)


def _setting(attrs: Mapping[str, Any], name: str, key: str) -> Any:
    value = block(attrs, name)
    if isinstance(value, Unknown):
        return value
    return (value or {}).get(key)


def tf_bucket_state(bucket: TfResource, index: TfIndex) -> StorageState:
    """One ``google_storage_bucket`` judged with the provider's defaults resolved."""
    attrs = bucket.attrs
    prevention = attrs.get("public_access_prevention")
    soft = _setting(attrs, "soft_delete_policy", "retention_duration_seconds")
    if soft is None:
        soft_seconds: int | None = DEFAULT_SOFT_DELETE_SECONDS
    else:
        try:
            soft_seconds = int(soft) if not isinstance(soft, (Ref, Unknown)) else None
        except (TypeError, ValueError):
            soft_seconds = None
    versioning = _setting(attrs, "versioning", "enabled")
    return bucket_state(
        as_str(attrs.get("name")) or bucket.address,
        uniform=as_bool(attrs.get("uniform_bucket_level_access"), False),
        prevention=None if isinstance(prevention, (Ref, Unknown)) else str(prevention or "inherited"),
        iam_public=_iam_public(bucket, index),
        acl_public=_acl_public(bucket, index),
        cmk=is_set(_setting(attrs, "encryption", "default_kms_key_name")),
        versioning=as_bool(versioning, False),
        soft_delete_seconds=soft_seconds,
        logged=is_set(_setting(attrs, "logging", "log_bucket")),
    )
