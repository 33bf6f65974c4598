"""Live Cloud Storage: judge the buckets a Vertex resource names (``gs://`` URIs), once per bucket.

Read-only Get calls through google-cloud-storage: the bucket (uniform access, public access prevention,
default KMS key, versioning, soft delete, usage logging), its IAM policy and, for fine-grained buckets, its
ACL and default object ACL. A call that fails leaves that part unknown (a bucket in another project, or
one the scanner may not read, is never judged private) and, as on AWS, is an error entry of the scan
(``gcp/<project>/global/storage``): an unknown verdict always says why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from scanner.clouds.artifacts import StorageState
from scanner.clouds.gcp.gcs_facts import bucket_state, members_public


class BucketReader:
    """Reads and judges buckets with one storage client (thread-safe; each bucket once)."""

    def __init__(
        self,
        client: Any,
        retry: Any = None,
        timeout: float = 60.0,
        report: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        """``retry``: the scan's bounded retry for these calls (None: none); google-cloud-storage's own
        default backs off up to 60 s a wait for 120 s, far beyond the scan's other calls. ``report(what,
        exc)`` hears every failed call (``what`` names the bucket and the read)."""
        self._client = client
        self._report = report or (lambda _what, _exc: None)
        self._calls = {"retry": retry, "timeout": timeout}
        self._lock = threading.Lock()
        self._states: dict[str, StorageState | None] = {}

    def states(self, names: Iterable[str], pool: Any) -> dict[str, StorageState | None]:
        """The state of every named bucket (read concurrently on ``pool``)."""
        wanted = sorted(set(names) - set(self._states))
        for name, state in zip(wanted, pool.map(self._judge, wanted), strict=True):
            with self._lock:
                self._states[name] = state
        return dict(self._states)

    def _judge(self, name: str) -> StorageState | None:
        try:
            bucket = self._client.get_bucket(name, **self._calls)
        except Exception as exc:  # noqa: BLE001 - not readable: every verdict unknown, reported
            self._report(f"bucket {name}", exc)
            return None
        config = bucket.iam_configuration
        uniform = bool(config.uniform_bucket_level_access_enabled)
        prevention = str(config.public_access_prevention or "inherited")
        iam_public = self._iam_public(bucket)
        acl_public = None if uniform else self._acl_public(bucket)
        soft = bucket.soft_delete_policy.retention_duration_seconds if bucket.soft_delete_policy else None
        logging = bucket.get_logging()
        return bucket_state(
            name,
            uniform=uniform,
            prevention=prevention,
            iam_public=iam_public,
            acl_public=acl_public,
            cmk=bool(bucket.default_kms_key_name),
            versioning=bool(bucket.versioning_enabled),
            soft_delete_seconds=int(soft) if soft is not None else 0,
            logged=bool(logging and logging.get("logBucket")),
        )

    def _iam_public(self, bucket: Any) -> bool | None:
        try:
            policy = bucket.get_iam_policy(requested_policy_version=3, **self._calls)
        except Exception as exc:  # noqa: BLE001 - unreadable policy: unknown, reported
            self._report(f"bucket {bucket.name} IAM policy", exc)
            return None
        members = [m for binding in policy.bindings for m in binding.get("members", ())]
        return members_public(members)

    def _acl_public(self, bucket: Any) -> bool | None:
        found: list[str] = []
        try:
            for acl in (bucket.acl, bucket.default_object_acl):
                acl.reload(**self._calls)
                found.extend(entry.get("entity", "") for entry in acl)
        except Exception as exc:  # noqa: BLE001 - unreadable ACLs: unknown, reported
            self._report(f"bucket {bucket.name} ACL", exc)
            return None
        return members_public(found)
