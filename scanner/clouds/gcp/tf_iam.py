"""Project roles of a service account as a Terraform configuration grants them.

``google_project_iam_member`` / ``_binding`` blocks that name the service account a
resource runs as (by literal email or by reference to its ``google_service_account``)
give its roles. When the account is created in the same configuration, those grants
are all it has; for an account defined elsewhere, only a broad grant found here is
conclusive (otherwise unknown).
"""

from __future__ import annotations

from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.iac.graph import TfIndex
from scanner.iac.plan_loader import KNOWN_AFTER_APPLY
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown

IAM_TYPES = ("google_project_iam_member", "google_project_iam_binding")
ACCOUNT_TYPE = "google_service_account"


def identity_from_tf(account: Any, origin: TfResource, index: TfIndex) -> dict[str, Any]:
    """Identity facts for a resource whose service account attribute is ``account``.

    No account → the Compute Engine default service account: a default identity whose
    project roles depend on the organization (unknown here).
    """
    computed = isinstance(account, Ref) and account.target == KNOWN_AFTER_APPLY
    if account is None or account == "" or computed:
        # Omitted (or, in a plan, filled in by the provider with no reference): the default account.
        return fc.identity_facts(None, None, default_grants=None)
    if isinstance(account, Unknown):
        return {"identity.principal": None, "identity.default": None, "identity.overprivileged": None}
    principal = str(account)
    return fc.identity_facts(principal, roles_in_config(account, origin, index), default_grants=())


def roles_in_config(account: Any, origin: TfResource, index: TfIndex) -> list[str] | None:
    """Roles granted to ``account`` by IAM blocks of this configuration (None = cannot tell)."""
    target = index.resolve(account, origin) if isinstance(account, Ref) else None
    email = account if isinstance(account, str) else None
    roles: list[str] = []
    unknown_role = False
    for grant in _candidates(index, target, email):
        if not _grants_to(grant, target, email):
            continue
        role = grant.attrs.get("role")
        if isinstance(role, str):
            roles.append(role)
        else:
            unknown_role = True
    broad = any(fc.is_broad_role(role) for role in roles)
    if broad:
        return roles
    complete = target is not None and target.type == ACCOUNT_TYPE and not unknown_role
    return roles if complete else None


def _candidates(index: TfIndex, target: TfResource | None, email: str | None) -> list[TfResource]:
    """The IAM blocks that may grant to the account (by member e-mail or reference), in scan order."""
    by_member, by_reference, position = index.memo("gcp.iam_grants", lambda: _grant_lookup(index))
    found = {id(g): g for g in by_member.get(f"serviceAccount:{email}", ())} if email else {}
    if target is not None:
        found.update((id(g), g) for g in by_reference.get((target.module, target.local_address), ()))
    return [found[key] for key in sorted(found, key=position.__getitem__)]


def _grant_lookup(index: TfIndex) -> tuple[dict[str, list], dict[tuple[str, str], list], dict[int, int]]:
    by_member: dict[str, list[TfResource]] = {}
    by_reference: dict[tuple[str, str], list[TfResource]] = {}  # references resolve within a module
    grants = index.of_type(*IAM_TYPES)
    for grant in grants:
        members = _members(grant)
        for member in members:
            if isinstance(member, str):
                by_member.setdefault(member, []).append(grant)
        if any(isinstance(m, (Ref, Unknown)) for m in members):
            keys = {m.address for m in members if isinstance(m, Ref)} | set(grant.references)
            for key in keys:
                by_reference.setdefault((grant.module, key), []).append(grant)
    return by_member, by_reference, {id(g): i for i, g in enumerate(grants)}


def _members(grant: TfResource) -> list[Any]:
    members = grant.attrs.get("members") if grant.type.endswith("_binding") else [grant.attrs.get("member")]
    return members if isinstance(members, list) else [members]


def _grants_to(grant: TfResource, target: TfResource | None, email: str | None) -> bool:
    for member in _members(grant):
        if email and isinstance(member, str) and member == f"serviceAccount:{email}":
            return True
        if target is not None and grant.module == target.module and isinstance(member, (Ref, Unknown)):
            mentioned = member.address if isinstance(member, Ref) else None
            if mentioned == target.local_address or target.local_address in grant.references:
                return True
    return False
