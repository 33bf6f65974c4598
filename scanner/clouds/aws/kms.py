"""Customer-managed or AWS-managed: what a KMS key id / ARN / alias really is (live)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.clouds.aws.cache import OnceCache
from scanner.clouds.aws.problems import Problems


def literal_key_is_cmk(key: str) -> bool | None:
    """What can be told from the text alone: ``alias/aws/...`` is AWS-managed; otherwise unknown."""
    if "alias/aws/" in key:
        return False
    return None


class KeyInspector:
    """Resolves keys with DescribeKey (KeyManager CUSTOMER / AWS), once per key.

    ``client_for`` gives a KMS client for a region; keys given as ARNs are described in
    their own region. A key that cannot be described is unknown, never customer-managed.
    """

    def __init__(
        self, client_for: Callable[[str], Any], default_region: str, problems: Problems | None = None
    ) -> None:
        self._problems = problems if problems is not None else Problems()
        self._client_for = client_for
        self._region = default_region
        self._cache: OnceCache[bool | None] = OnceCache(self._describe)

    def __call__(self, key: Any) -> bool | None:
        if not isinstance(key, str) or not key:
            return None
        literal = literal_key_is_cmk(key)
        if literal is not None:
            return literal
        return self._cache.get(key)

    def _describe(self, key: Any) -> bool | None:
        from botocore.exceptions import BotoCoreError, ClientError

        region = key.split(":")[3] if key.startswith("arn:") and key.count(":") >= 5 else self._region
        try:
            meta = self._client_for(region or self._region).describe_key(KeyId=key).get("KeyMetadata") or {}
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in (
                "NotFoundException",
                "AccessDeniedException",
            ):
                self._problems.add(f"aws/kms/{region or self._region}", "DescribeKey", key, exc)
            return None
        except BotoCoreError as exc:
            self._problems.add(f"aws/kms/{region or self._region}", "DescribeKey", key, exc)
            return None
        manager = meta.get("KeyManager")
        if manager == "CUSTOMER":
            return True
        if manager == "AWS":
            return False
        return None
