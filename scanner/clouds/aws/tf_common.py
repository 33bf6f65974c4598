"""What every SageMaker Terraform mapper does the same way: build the Resource, find a named block."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.base import literal_tags, resource_from_tf
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref
from scanner.model import Resource


def simple_resource(
    tf: TfResource,
    index: TfIndex,
    kind: str,
    facts: Mapping[str, Any],
    role_value: Any,
    extra_links: Iterable[str] = (),
    name: Any = None,
) -> Resource:
    """A SageMaker Resource of one block: common facts from its tags, linked to its role, raw redacted by resource_from_tf."""
    tags = literal_tags(tf.attrs)
    role = index.resolve(role_value, tf)
    links = [*([role.address] if role else []), *extra_links]
    return resource_from_tf(
        tf,
        provider="aws",
        service="sagemaker",
        kind=kind,
        facts={**fc.common_facts(tags), **facts},
        links=links,
        name=name if isinstance(name, str) else None,
        tags=tags,
    )


def find(
    index: TfIndex, origin: TfResource, value: Any, tf_type: str, name_attr: str = "name"
) -> TfResource | None:
    """The block a name attribute points at: by reference, or by literal name within the module."""
    if isinstance(value, Ref):
        target = index.resolve(value, origin)
        return target if target is not None and target.type == tf_type else None
    if isinstance(value, str):
        if name_attr == "name":
            return index.named(origin.module, tf_type, value)
        for candidate in index.in_module(origin.module, tf_type):
            if candidate.attrs.get(name_attr) == value:
                return candidate
    return None
