"""What every Azure ML Terraform mapper (azurerm and azapi) does the same way: build the Resource, read the
identity and its grants, judge the storage account a workspace points at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.tf_iam import grants_for, identity_keys
from scanner.clouds.base import literal_tags, resource_from_tf
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_bool, as_str, block
from scanner.model import Resource


def resource(
    tf: TfResource,
    kind: str,
    facts: dict[str, Any],
    *,
    links: Iterable[str] = (),
    raw: Mapping[str, Any] | None = None,
) -> Resource:
    """An Azure ML Resource from a block: sensitivity from its tags, raw redacted by resource_from_tf."""
    tags = literal_tags(tf.attrs)
    facts.setdefault("data.sensitivity", fc.sensitivity(tags))
    return resource_from_tf(
        tf,
        provider=fc.PROVIDER,
        service=fc.SERVICE,
        kind=kind,
        facts=facts,
        links=links,
        tags=tags,
        raw=raw,
    )


def identity(tf: TfResource, index: TfIndex, default: bool | None) -> tuple[dict[str, Any], list[str]]:
    """``identity.*`` facts of the block's ``identity`` (azurerm and azapi share its shape) and its keys."""
    keys, label = identity_keys(tf)
    return fc.identity_facts(keys, grants_for(tf, keys, index), principal_label=label, default=default), keys


def storage_public(value: Any, origin: TfResource, index: TfIndex) -> bool | None:
    """Whether the storage account ``value`` references (when it is in the configuration) is public."""
    storage = index.resolve(value, origin)
    if storage is None or storage.type != "azurerm_storage_account":
        return None
    rules = block(storage.attrs, "network_rules")
    separate = index.referencing(storage, "azurerm_storage_account_network_rules")
    if separate:
        rules = separate[0].attrs
    if isinstance(rules, Unknown):
        return None
    action = as_str((rules or {}).get("default_action"), "Allow")
    return fc.storage_public(as_bool(storage.attrs.get("public_network_access_enabled"), True), action)
