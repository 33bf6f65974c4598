"""Role assignments of a subscription (azure-mgmt-authorization), reduced to :class:`Grant` objects.

One list call per subscription covers every identity the scan meets (workspaces, computes,
endpoints, jobs); :func:`scanner.clouds.azure.facts_common.identity_facts` then decides which
grants are broad (Owner / Contributor / User Access Administrator at subscription,
resource-group or management-group scope).
"""

from __future__ import annotations

from typing import Any

from scanner.clouds.azure.facts_common import Grant


def subscription_grants(auth_client: Any) -> list[Grant]:
    """Every role assignment visible at or under the client's subscription (paged through
    :func:`~scanner.clouds.azure.client.list_with_raw`: a repeated nextLink or a page that is not ARM
    JSON ends the listing with an error instead of paging forever)."""
    from scanner.clouds.azure.client import list_with_raw

    grants: list[Grant] = []
    for assignment, _raw in list_with_raw(auth_client.role_assignments.list_for_subscription):
        principal = getattr(assignment, "principal_id", None)
        if not principal:
            continue
        grants.append(
            Grant(
                principal=principal,
                role=getattr(assignment, "role_definition_id", None),
                scope=getattr(assignment, "scope", None),
            )
        )
    return grants


def identity_principals(identity: Any) -> list[str]:
    """Principal (object) ids of a ManagedServiceIdentity: system-assigned and user-assigned."""
    if identity is None:
        return []
    found = [identity.principal_id] if getattr(identity, "principal_id", None) else []
    for uai in (getattr(identity, "user_assigned_identities", None) or {}).values():
        if getattr(uai, "principal_id", None):
            found.append(uai.principal_id)
    return found


def identity_label(identity: Any) -> str | None:
    """``SystemAssigned`` / ``UserAssigned:<resource ids>`` / … for ``identity.principal``."""
    if identity is None or getattr(identity, "type", None) in (None, "None"):
        return None
    kind = str(identity.type)
    users = sorted((getattr(identity, "user_assigned_identities", None) or {}).keys())
    return f"{kind}:{','.join(users)}" if users else kind
