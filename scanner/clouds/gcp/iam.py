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
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()

    def roles_of(self, project: str, service_account: str) -> frozenset[str] | None:
        """The project roles bound to ``serviceAccount:<email>``; None when the policy could not be read."""
        policy = self._policy(project)
        if policy is None:
            return None
        return policy.get(f"serviceAccount:{service_account}", frozenset())

    def _policy(self, project: str) -> Mapping[str, frozenset[str]] | None:
        with self._guard:
            lock = self._locks[project]
        with lock:
            if project not in self._cache:
                self._cache[project] = self._fetch(project)
            return self._cache[project]

    def _fetch(self, project: str) -> Mapping[str, frozenset[str]] | None:
        try:
            policy = self._clients.projects().get_iam_policy(
                request={"resource": f"projects/{project}"},
                retry=self._clients.retry,
                timeout=self._clients.timeout,
            )
        except Exception as exc:  # noqa: BLE001 - any API failure becomes an unknown plus a reported error
            self._on_error(f"gcp/{project}/global/iam", describe_error(exc))
            return None
        return roles_by_member(policy)


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
