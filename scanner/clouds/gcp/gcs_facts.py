"""A Cloud Storage bucket judged into a :class:`StorageState`, the same way live and in Terraform.

Public: ``public_access_prevention = enforced`` makes nothing public; otherwise an IAM binding for
``allUsers`` / ``allAuthenticatedUsers`` does. With uniform bucket-level access IAM is the only way in, so
no such binding means not public; with fine-grained access (the provider's default) a bucket or default
object ACL granting those entities is public, and without one individual objects may still carry public
ACLs that mlscan does not read: unknown, never "not public". Customer key: ``encryption.default_kms_key_name``.
Recoverable objects: versioning, or soft delete (on by default, 7 days, for buckets created since March
2024; ``retention_duration_seconds = 0`` turns it off). Access logging: usage logs to a ``log_bucket``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from scanner.clouds.artifacts import StorageState

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
DEFAULT_SOFT_DELETE_SECONDS = 604800
_NOT_STORAGE = ("schemauri", "taskdefinition")
_GS_URI = re.compile(r"gs://([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?=/|$|\")")


def gs_buckets(value: Any) -> Iterator[str]:
    """Every bucket named by a ``gs://`` URI anywhere in a value (API item, Terraform attributes), except
    Google's own schema files (``training_task_definition``, ``*_schema_uri``), which hold no data."""
    if isinstance(value, str):
        yield from (m.group(1) for m in _GS_URI.finditer(value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not str(key).lower().replace("_", "").endswith(_NOT_STORAGE):
                yield from gs_buckets(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from gs_buckets(item)


def members_public(members: Iterable[Any] | None) -> bool | None:
    """An IAM binding's (or ACL's) members include anyone; None when they could not be read."""
    if members is None:
        return None
    return any(isinstance(m, str) and m.removeprefix("group:") in PUBLIC_MEMBERS for m in members)


def bucket_state(
    name: str,
    *,
    uniform: bool | None,
    prevention: str | None,
    iam_public: bool | None,
    acl_public: bool | None,
    cmk: bool | None,
    versioning: bool | None,
    soft_delete_seconds: int | None,
    logged: bool | None,
) -> StorageState:
    """One bucket's state from its settings (each already read or resolved; None where unknown)."""
    if prevention == "enforced":
        public: bool | None = False
    elif iam_public or acl_public:
        public = True
    elif iam_public is None or not uniform:
        public = None  # unreadable IAM; or fine-grained access, where object ACLs (not read) may be public
    else:
        public = False
    recoverable: bool | None
    if versioning is True or (soft_delete_seconds is not None and soft_delete_seconds > 0):
        recoverable = True
    elif versioning is None or soft_delete_seconds is None:
        recoverable = None
    else:
        recoverable = False
    return StorageState(
        location=f"gs://{name}", public=public, cmk=cmk, versioning=recoverable, access_logging=logged
    )
