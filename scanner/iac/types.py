"""The shape both Terraform loaders (HCL and plan JSON) produce."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.iac.hcl_syntax import Span
from scanner.model import Source, Suppression


@dataclass(frozen=True)
class AttributeOrigin:
    """Where one attribute (or nested block) of a Terraform block is written, and what fed its value."""

    span: Span
    via: tuple[str, ...] = ()
    """Variables, locals, tfvars and module inputs the value went through (``var.x = default at f:3:13``)."""


@dataclass(frozen=True)
class TfResource:
    """One ``resource`` (or ``data``) block, with attributes resolved as far as possible.

    ``attrs`` holds literals, nested blocks as lists of dicts (the same in HCL and in
    plans), :class:`~scanner.iac.values.Ref` and :class:`~scanner.iac.values.Unknown`.
    """

    type: str
    """Terraform resource type, e.g. ``aws_sagemaker_endpoint``."""
    name: str
    """The block label, e.g. ``this``."""
    address: str
    """Full address: ``module.x.aws_sagemaker_endpoint.this`` (plans keep index keys)."""
    attrs: Mapping[str, Any]
    source: Source
    mode: str = "managed"
    """``managed`` or ``data``."""
    module: str = ""
    """Module path prefix (``module.a.module.b``) or empty for the root module."""
    suppressions: tuple[Suppression, ...] = ()
    references: tuple[str, ...] = field(default=())
    """Every resource address this block's expressions point at (for joins)."""
    origins: Mapping[str, AttributeOrigin] = field(default_factory=dict)
    """Attribute path (``a``, ``block.a``, ``block[1].a``) → where it is set (HCL only; plans have none)."""

    @property
    def local_address(self) -> str:
        """``type.name`` without module prefix or index: how sibling blocks refer to it."""
        return f"{self.type}.{self.name}"
