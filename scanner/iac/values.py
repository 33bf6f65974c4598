"""Attribute values as Terraform knows them before apply, and helpers to read them honestly.

A Terraform attribute can be a literal, a reference to another resource (its value
is known only after apply, but it *is* set), or an expression we cannot evaluate.
Mappers must keep the three apart: an unresolvable value is unknown, never compliant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Ref:
    """A value taken from another resource or data source: set, concrete value known after apply.

    ``target`` is the referenced expression without indexes, e.g. ``aws_kms_key.k.arn``;
    ``address`` the referenced resource, e.g. ``aws_kms_key.k``.
    """

    target: str

    @property
    def address(self) -> str:
        """The referenced resource's address (``type.name`` or ``data.type.name``)."""
        parts = self.target.split(".")
        width = 3 if parts[0] in ("data", "module") else 2
        if parts[0] == "module":
            width = 2
        return ".".join(parts[:width])

    def __str__(self) -> str:
        return self.target


@dataclass(frozen=True)
class Unknown:
    """An expression mlscan could not resolve (a variable with no default, a function, a conditional)."""

    expression: str

    def __str__(self) -> str:
        return f"${{{self.expression}}}"


def is_unknown(value: Any) -> bool:
    """True for :class:`Unknown` values."""
    return isinstance(value, Unknown)


def is_set(value: Any) -> bool | None:
    """Whether an attribute holds a value: True, False (absent / null / empty), or None (unknown).

    A :class:`Ref` counts as set: the referenced resource will provide a value.
    """
    if isinstance(value, Unknown):
        return None
    if isinstance(value, Ref):
        return True
    if value is None:
        return False
    return not (isinstance(value, (str, list, tuple, dict)) and len(value) == 0)


def as_bool(value: Any, default: bool | None) -> bool | None:
    """Read a Terraform boolean; ``default`` is the provider default used when the attribute is absent.

    Strings "true"/"false" (as plans and variables sometimes give them) are accepted.
    Unresolvable expressions and references give None.
    """
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_str(value: Any, default: str | None = None) -> str | None:
    """Read a literal string attribute; absent gives ``default``; a Ref or Unknown gives None."""
    if value is None:
        return default
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def block(attrs: Mapping[str, Any], name: str) -> Mapping[str, Any] | Unknown | None:
    """The first nested block ``name`` (HCL and plans both give blocks as lists of dicts).

    Returns None when absent, :class:`Unknown` when it comes from an unresolvable
    ``dynamic`` block, else the block's attribute mapping.
    """
    value = attrs.get(name)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        return value
    return None


def blocks(attrs: Mapping[str, Any], name: str) -> list[Mapping[str, Any]] | Unknown:
    """All nested blocks ``name`` (empty list when absent; Unknown for unresolvable dynamic blocks)."""
    value = attrs.get(name)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def display(value: Any) -> Any:
    """JSON-friendly rendering of a value that may contain Ref / Unknown."""
    if isinstance(value, (Ref, Unknown)):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): display(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [display(v) for v in value]
    if hasattr(value, "isoformat"):  # datetimes in live API answers
        return value.isoformat()
    return value
