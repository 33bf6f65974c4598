"""Identity scope of Azure ML resources in Terraform: which ``azurerm_role_assignment`` grants reach them.

A workspace or compute runs as its system-assigned identity (referenced as
``<type>.<name>.identity[0].principal_id``) and / or the user-assigned identities in
``identity.identity_ids``. Role assignments whose ``principal_id`` references either are
that resource's grants; :func:`scanner.clouds.azure.facts_common.identity_facts` judges them
with the same rule as live (Owner / Contributor / User Access Administrator at subscription,
resource-group or management-group scope).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.azure.facts_common import Grant
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown, as_str, block, display, is_set

# Reference targets whose id is a subscription, resource group or management group scope.
_BROAD_SCOPE_TYPES = frozenset(
    {
        "azurerm_resource_group",
        "data.azurerm_resource_group",
        "data.azurerm_subscription",
        "azurerm_subscription",
        "azurerm_management_group",
        "data.azurerm_management_group",
    }
)


def identity_keys(tf: TfResource) -> tuple[list[str], str | None]:
    """(principal keys, label) of a resource's ``identity`` block.

    Keys are ``<local address>.identity`` for a system-assigned identity and the referenced
    address for each user-assigned identity (e.g. ``azurerm_user_assigned_identity.ml``).
    """
    ident = block(tf.attrs, "identity")
    if ident is None or isinstance(ident, Unknown):
        return [], None
    kind = as_str(ident.get("type"))
    keys: list[str] = []
    if kind is None or "systemassigned" in kind.replace(" ", "").lower():
        keys.append(f"{tf.local_address}.identity")
    ids = ident.get("identity_ids") or []
    ids = ids if isinstance(ids, list) else [ids]
    keys.extend(ref.address for ref in ids if isinstance(ref, Ref))
    label = kind or "unresolved"
    texts = [str(display(i)) for i in ids]
    return keys, f"{label}:{','.join(texts)}" if texts else label


def _role(ra: TfResource, index: TfIndex) -> str | None:
    name = ra.attrs.get("role_definition_name")
    if isinstance(name, str):
        return name
    role_id = ra.attrs.get("role_definition_id")
    if isinstance(role_id, str):
        return role_id
    target = index.resolve(role_id, ra) if isinstance(role_id, Ref) else None
    if target is not None:
        return as_str(target.attrs.get("name")) or as_str(target.attrs.get("role_definition_id"))
    return None


def _scope(value: Any) -> tuple[str | None, bool | None]:
    if isinstance(value, str):
        return value, None
    if isinstance(value, Ref):
        return str(value), value.address.rsplit(".", 1)[0] in _BROAD_SCOPE_TYPES
    return None, None


def grants_for(tf: TfResource, keys: list[str], index: TfIndex) -> list[Grant]:
    """Role assignments in the same module whose principal is one of ``keys``."""
    if not keys:
        return []
    own = f"{tf.local_address}.identity"
    wanted = set(keys)
    grants: list[Grant] = []
    for ra in index.in_module(tf.module, "azurerm_role_assignment"):
        principal = ra.attrs.get("principal_id")
        if not isinstance(principal, Ref):
            continue
        key = own if principal.target.startswith(own) else principal.address
        if key not in wanted:
            continue
        scope, broad = _scope(ra.attrs.get("scope"))
        certain = not any(isinstance(ra.attrs.get(k), Unknown) for k in ("count", "for_each"))
        grants.append(
            Grant(principal=key, role=_role(ra, index), scope=scope, broad_scope=broad, certain=certain)
        )
    return grants


def primary_is_user_assigned(attrs: Mapping[str, Any]) -> bool | None:
    """The workspace names a ``primary_user_assigned_identity`` (else it runs as its system-assigned one)."""
    return is_set(attrs.get("primary_user_assigned_identity"))
