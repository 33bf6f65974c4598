"""Project IAM: which roles a service account holds, read once per project.

A workload's service account is only as safe as its roles. Resource Manager's
``getIamPolicy`` (a read-only call, sent as POST by the API's design) gives every
binding of the project; this module turns it into ``member → roles`` and caches it
so many jobs and endpoints of one project cost one call.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from scanner.clouds.gcp.client import ClientFactory, describe_error


class ProjectRoles:
    """Roles per service account for each project, fetched on first use; failures remembered."""

    def __init__(self, clients: ClientFactory, on_error: Callable[[str, str], None]) -> None:
        self._clients = clients
        self._on_error = on_error
        self._cache: dict[str, Mapping[str, frozenset[str]] | None] = {}
        self._audit: dict[str, list[dict[str, Any]] | None] = {}
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()

    def roles_of(self, project: str, service_account: str) -> frozenset[str] | None:
        """The project roles bound to ``serviceAccount:<email>``; None when the policy could not be read."""
        policy = self._policy(project)
        if policy is None:
            return None
        return policy.get(f"serviceAccount:{service_account}", frozenset())

    def audit_configs(self, project: str) -> list[dict[str, Any]] | None:
        """The project policy's ``audit_configs`` (snake_case, log types by name); None when unreadable."""
        self._policy(project)
        return self._audit.get(project)

    def _policy(self, project: str) -> Mapping[str, frozenset[str]] | None:
        with self._guard:
            lock = self._locks[project]
        with lock:
            if project not in self._cache:
                policy = self._fetch(project)
                self._cache[project] = None if policy is None else roles_by_member(policy)
                self._audit[project] = None if policy is None else audit_configs(policy)
            return self._cache[project]

    def _fetch(self, project: str) -> Any:
        try:
            policy = self._clients.projects().get_iam_policy(
                request={"resource": f"projects/{project}"},
                retry=self._clients.retry,
                timeout=self._clients.timeout,
            )
        except Exception as exc:  # noqa: BLE001 - any API failure becomes an unknown plus a reported error
            self._on_error(f"gcp/{project}/global/iam", describe_error(exc))
            return None
        return policy


def roles_by_member(policy: Any) -> dict[str, frozenset[str]]:
    """``{member: roles}`` from an IAM Policy (protobuf or mapping with ``bindings``)."""
    found: dict[str, set[str]] = defaultdict(set)
    bindings = policy.get("bindings", []) if isinstance(policy, Mapping) else policy.bindings
    for binding in bindings:
        role = binding["role"] if isinstance(binding, Mapping) else binding.role
        members = binding["members"] if isinstance(binding, Mapping) else binding.members
        for member in members:
            found[str(member)].add(str(role))
    return {member: frozenset(roles) for member, roles in found.items()}


def audit_configs(policy: Any) -> list[dict[str, Any]]:
    """``[{"service", "audit_log_configs": [{"log_type", "exempted_members"}]}]`` of an IAM Policy
    (protobuf, log types by enum name, or a mapping in that snake_case shape)."""
    if isinstance(policy, Mapping):
        return list(policy.get("audit_configs") or [])
    from google.iam.v1 import policy_pb2

    name = policy_pb2.AuditLogConfig.LogType.Name
    return [
        {
            "service": config.service,
            "audit_log_configs": [
                {"log_type": name(log.log_type), "exempted_members": list(log.exempted_members)}
                for log in config.audit_log_configs
            ],
        }
        for config in policy.audit_configs
    ]
