"""Execution roles (live): attached and inline policies → overprivileged or not, once per role."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scanner.clouds.aws.cache import OnceCache
from scanner.clouds.aws.policy_grants import RoleVerdict, verdict
from scanner.clouds.aws.problems import Problems

log = logging.getLogger(__name__)
AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"


class RoleInspector:
    """Reads a role's policies with List*/Get* calls and judges them with :mod:`policy_grants`.

    Roles of another account than the one scanned cannot be read: their verdict is unknown.
    AWS-managed policies are judged by name (AdministratorAccess, *FullAccess); customer-managed
    and inline policies by their documents.
    """

    def __init__(
        self, client: Callable[[], Any], account: str | None, problems: Problems | None = None
    ) -> None:
        self._problems = problems if problems is not None else Problems()
        self._client = client
        self._account = account
        self._cache: OnceCache[RoleVerdict] = OnceCache(self._inspect)

    def __call__(self, role_arn: Any) -> RoleVerdict:
        if not isinstance(role_arn, str) or not role_arn:
            return RoleVerdict(None, None)
        return self._cache.get(role_arn)

    def _inspect(self, role_arn: Any) -> RoleVerdict:
        from botocore.exceptions import BotoCoreError, ClientError

        parts = role_arn.split(":")
        if len(parts) < 6 or "/" not in parts[5] or (self._account and parts[4] != self._account):
            return RoleVerdict(role_arn, None)
        role_name = parts[5].rsplit("/", 1)[-1]
        iam = self._client()
        managed: list[str] = []
        documents: list[Any] = []
        complete = True
        try:
            for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
                managed.extend(
                    p["PolicyArn"] for p in page.get("AttachedPolicies") or () if p.get("PolicyArn")
                )
        except (ClientError, BotoCoreError) as exc:
            log.debug("cannot list policies of %s: %s", role_arn, exc)
            self._problems.add(f"aws/{self._account or '?'}/iam", "ListAttachedRolePolicies", role_name, exc)
            return RoleVerdict(role_arn, None)
        for policy_arn in managed:
            if policy_arn.startswith(AWS_MANAGED_PREFIX):
                continue
            try:
                policy = iam.get_policy(PolicyArn=policy_arn)["Policy"]
                version = iam.get_policy_version(PolicyArn=policy_arn, VersionId=policy["DefaultVersionId"])
                documents.append(version["PolicyVersion"].get("Document"))
            except (ClientError, BotoCoreError, KeyError) as exc:
                self._problems.add(f"aws/{self._account or '?'}/iam", "GetPolicyVersion", policy_arn, exc)
                complete = False
        try:
            for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
                for name in page.get("PolicyNames") or ():
                    try:
                        documents.append(
                            iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
                        )
                    except (ClientError, BotoCoreError, KeyError) as exc:
                        self._problems.add(f"aws/{self._account or '?'}/iam", "GetRolePolicy", name, exc)
                        complete = False
        except (ClientError, BotoCoreError) as exc:
            self._problems.add(f"aws/{self._account or '?'}/iam", "ListRolePolicies", role_name, exc)
            complete = False
        return verdict(role_arn, managed, documents, complete=complete)
