"""Where a Terraform fact came from: the attribute's own range, the variable behind it, or a provider default.

Mappers compute facts; ``scanner/data/fact_sources.yaml`` says which attribute sets each fact of
each Terraform type and what the provider does when it is omitted. With the loader's
:attr:`~scanner.iac.types.TfResource.origins` that gives every listed fact a
:class:`~scanner.model.Provenance`: a finding then points at the attribute's line and says when
a default decided ("direct_internet_access omitted: AWS default Enabled").
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanner.iac.hcl_syntax import Span
from scanner.iac.types import TfResource
from scanner.model import Provenance, Source

_TABLE = Path(__file__).resolve().parent.parent / "data" / "fact_sources.yaml"
_PROVIDERS = {"aws": "AWS", "azurerm": "Azure", "azapi": "Azure", "google": "Google"}


@functools.lru_cache(maxsize=1)
def fact_sources() -> Mapping[str, Mapping[str, Mapping[str, Any]]]:
    """Terraform type → fact → ``{attribute, default}`` (read once)."""
    from scanner.datacache import bundled_yaml

    return bundled_yaml(_TABLE) or {}


def provider_label(resource_type: str) -> str:
    """``AWS`` / ``Azure`` / ``Google`` from a Terraform type's prefix."""
    return _PROVIDERS.get(resource_type.split("_", 1)[0], resource_type.split("_", 1)[0])


def fact_provenance(tf: TfResource, facts: Mapping[str, Any]) -> dict[str, Provenance]:
    """Provenance of every fact of ``tf`` that the table lists (others point at the block)."""
    entries = fact_sources().get(tf.type)
    if not entries:
        return {}
    return {fact: _provenance(tf, entries[fact]) for fact in facts if fact in entries}


def _provenance(tf: TfResource, entry: Mapping[str, Any]) -> Provenance:
    attributes = entry["attribute"]
    paths = [attributes] if isinstance(attributes, str) else list(attributes)
    default = entry.get("default")
    default = None if default is None else str(default)
    for path in paths:
        if _present(tf.attrs, path):
            return _set(tf, path, default)
    label = " / ".join(paths)
    detail = f"{label} omitted" + (f": {provider_label(tf.type)} default {default}" if default else "")
    return Provenance(
        kind="default",
        attribute=paths[0],
        location=_enclosing(tf, paths[0]),
        default=default,
        detail=detail,
    )


def _set(tf: TfResource, path: str, default: str | None) -> Provenance:
    if tf.source.kind == "plan":
        where = f"{tf.source.file} ({tf.address})"
        return Provenance(
            kind="plan", attribute=path, location=tf.source, detail=f"{path} planned in {where}"
        )
    origin = tf.origins.get(path)
    if origin is None:
        return Provenance(
            kind="block", attribute=path, location=tf.source, detail=f"{path} set in {tf.source}"
        )
    via = origin.via
    detail = f"{path} set at {origin.span}" + (f" ({'; '.join(via)})" if via else "")
    return Provenance(
        kind="attribute", attribute=path, location=span_source(origin.span), via=via, detail=detail
    )


def span_source(span: Span) -> Source:
    """A :class:`Source` for an HCL range (what findings and SARIF regions point at)."""
    return Source(
        kind="hcl",
        file=span.file,
        line=span.start_line,
        column=span.start_column,
        end_line=span.end_line,
        end_column=span.end_column,
    )


def _present(attrs: Mapping[str, Any], path: str) -> bool:
    value: Any = attrs
    for step in path.split("."):
        if isinstance(value, list):
            value = value[0] if value else None
        if not isinstance(value, Mapping) or step not in value:
            return False
        value = value[step]
    return value is not None


def _enclosing(tf: TfResource, path: str) -> Source | None:
    """The innermost written block around an omitted attribute (``block.attr`` omitted → the block)."""
    steps = path.split(".")
    for depth in range(len(steps) - 1, 0, -1):
        origin = tf.origins.get(".".join(steps[:depth]))
        if origin is not None:
            return span_source(origin.span)
    return None
