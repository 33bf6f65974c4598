"""Which IAM grants make an execution role overprivileged, from policy ARNs and documents.

Shared by the live face (documents fetched with GetPolicyVersion / GetRolePolicy) and the
Terraform face (jsonencode / heredoc / aws_iam_policy_document), so one role means one verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ADMIN_POLICY_NAMES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")


@dataclass(frozen=True)
class RoleVerdict:
    """What mlscan concluded about one execution role.

    ``overprivileged`` is None when some of the role's policies could not be read and the
    rest showed nothing broad: an unread policy may be the broad one.
    """

    principal: str | None
    overprivileged: bool | None
    grants: tuple[str, ...] = ()

    def facts(self) -> dict[str, Any]:
        """The ``identity.*`` facts for a resource running as this role."""
        return {
            "identity.principal": self.principal,
            "identity.overprivileged": self.overprivileged,
            "identity.grants": list(self.grants) if self.overprivileged is not None else None,
        }


UNKNOWN_ROLE = RoleVerdict(principal=None, overprivileged=None)


def managed_policy_grant(policy_arn: str) -> str | None:
    """The grant name when a managed policy is admin-like or a *FullAccess policy, else None."""
    name = policy_arn.rsplit("/", 1)[-1]
    if name in ADMIN_POLICY_NAMES or name.endswith("FullAccess"):
        return name
    return None


def document_grants(document: Any) -> list[str]:
    """Broad grants in one policy document: ``Action:*``, ``NotAction``, or service wildcards on ``*``.

    Accepts a dict or a JSON string; statements with Effect Deny are ignored.
    """
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    if not isinstance(document, Mapping):
        return []
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    found: list[str] = []
    for statement in statements or ():
        if not isinstance(statement, Mapping) or statement.get("Effect", "Allow") != "Allow":
            continue
        found.extend(
            statement_grants(statement.get("Action"), statement.get("Resource"), statement.get("NotAction"))
        )
    return found


def statement_grants(actions: Any, resources: Any, not_actions: Any = None) -> list[str]:
    """Broad grants in one Allow statement's actions / resources (also used for policy-document data blocks)."""
    found: list[str] = []
    action_list = _strings(actions)
    resource_list = _strings(resources)
    all_resources = not resource_list or "*" in resource_list
    for action in action_list:
        if action == "*" or action == "*:*":
            found.append("Action:*")
        elif action.endswith(":*") and all_resources:
            found.append(f"{action} on *")
    if _strings(not_actions):
        found.append("NotAction:" + ",".join(_strings(not_actions)))
    return found


def verdict(
    principal: str | None, managed_arns: Iterable[str], documents: Iterable[Any], *, complete: bool
) -> RoleVerdict:
    """Combine a role's managed policy ARNs and documents into a :class:`RoleVerdict`.

    ``complete`` says whether every policy of the role was read; if not and nothing broad was
    found, the verdict is unknown.
    """
    grants: list[str] = []
    for arn in managed_arns:
        grant = managed_policy_grant(arn)
        if grant:
            grants.append(grant)
    for document in documents:
        grants.extend(document_grants(document))
    unique = tuple(dict.fromkeys(grants))
    if unique:
        return RoleVerdict(principal, True, unique)
    return RoleVerdict(principal, False if complete else None, ())


def merge(verdicts: Iterable[RoleVerdict]) -> RoleVerdict:
    """One verdict for a resource running several roles (an endpoint serving several models)."""
    items = list(verdicts)
    if not items:
        return UNKNOWN_ROLE
    principals = sorted({v.principal for v in items if v.principal})
    grants = tuple(dict.fromkeys(g for v in items for g in v.grants))
    if any(v.overprivileged for v in items):
        flag: bool | None = True
    elif any(v.overprivileged is None for v in items):
        flag = None
    else:
        flag = False
    principal = principals[0] if len(principals) == 1 else (",".join(principals) or None)
    return RoleVerdict(principal, flag, grants)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []
