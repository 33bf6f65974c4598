"""Reading SageMaker settings honestly, whether they came from the API or from Terraform.

Both faces hand the fact builders API-shaped mappings (``KmsKeyId``, ``DirectInternetAccess``...).
Live values are plain JSON; Terraform values may also be :class:`~scanner.iac.values.Ref`
(set, value known after apply) or :class:`~scanner.iac.values.Unknown` (could not be resolved).
These helpers keep the three apart so that an unresolvable setting is unknown, never compliant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scanner.iac.values import Unknown, as_bool, is_set


def unresolved(value: Any) -> bool:
    """True when a value exists but its content cannot be read (a Terraform Unknown)."""
    return isinstance(value, Unknown)


present = is_set
"""Whether a setting is given: True (literal or Ref), False (absent / null / empty), None (Unknown)."""

flag = as_bool
"""A boolean setting; absent gives the provider ``default``; strings "true"/"false" accepted."""


def enum(value: Any, default: str | None) -> str | None:
    """A string enum setting; absent gives the provider ``default``; Ref / Unknown give None."""
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Enabled" if value else "Disabled"
    return None


def sub(mapping: Any, *path: str | int) -> Any:
    """Walk nested dicts / lists; a missing step gives None, an Unknown step gives that Unknown."""
    current = mapping
    for step in path:
        if isinstance(current, Unknown):
            return current
        if isinstance(step, int):
            if not isinstance(current, Sequence) or isinstance(current, str) or len(current) <= step:
                return None
            current = current[step]
        else:
            if not isinstance(current, Mapping):
                return None
            current = current.get(step)
    return current


def items(value: Any) -> list[Any] | None:
    """A list setting (absent = empty); None when it cannot be resolved."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return None
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def tag_map(tag_list: Any) -> dict[str, str]:
    """``[{"Key": k, "Value": v}]`` (the API form) as a dict; anything malformed is skipped."""
    tags: dict[str, str] = {}
    for entry in tag_list or ():
        if isinstance(entry, Mapping) and isinstance(entry.get("Key"), str):
            tags[entry["Key"]] = str(entry.get("Value") or "")
    return tags
