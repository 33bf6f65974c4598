"""A policy as loaded from YAML: what it applies to, what it asserts, how to fix it, and its examples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from scanner.model import PolicyInfo, Severity


@dataclass(frozen=True)
class Policy:
    """One validated policy file. Policies are data: this class only carries what the YAML said."""

    id: str
    title: str
    description: str
    category: str
    severity: Severity
    kinds: tuple[str, ...]
    providers: tuple[str, ...]
    """Empty means every provider."""
    types: tuple[str, ...]
    """Empty means every resource type of the kinds."""
    assertion: Mapping[str, Any]
    when: Mapping[str, Any] | None
    remediation: Mapping[str, str]
    references: tuple[str, ...]
    examples: Mapping[str, tuple[Mapping[str, Any], ...]]
    path: str
    """The file it was loaded from (for errors and `policy show`)."""
    version: str = "1"
    message: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    fix: Mapping[str, Any] = field(default_factory=dict)
    """The ``fix:`` section as written (read by scanner.fix.metadata); empty when there is none."""
    help_uri: str = ""
    """Where the policy is documented (built-in: its docs/policies.md section; else the file's ``help_uri``)."""

    def applies_to(self, provider: str, kind: str, resource_type: str | None) -> bool:
        """Whether this policy judges a resource of this provider, kind and type."""
        if kind not in self.kinds:
            return False
        if self.providers and provider not in self.providers:
            return False
        return not self.types or (resource_type or "") in self.types

    @cached_property
    def asserted_facts(self) -> frozenset[str]:
        """The fact names the assertion reads (a type producing none of them is never judged)."""
        return facts_read(self.assertion)

    @cached_property
    def when_facts(self) -> frozenset[str]:
        """The fact names ``when`` reads."""
        return facts_read(self.when) if self.when is not None else frozenset()

    def covered_by(self, produced: frozenset[str] | None) -> bool:
        """Whether a type producing ``produced`` facts can be judged (None: the type declares nothing).

        The assertion and ``when`` must each read at least one fact the type produces when they read
        facts at all; otherwise every finding would be ``unknown`` for a setting the type does not have.
        """
        if produced is None:
            return True
        return all(not read or read & produced for read in (self.asserted_facts, self.when_facts))

    @property
    def info(self) -> PolicyInfo:
        """What the scan result records about this policy for every format."""
        return PolicyInfo(
            id=self.id,
            title=self.title,
            description=self.description,
            category=self.category,
            severity=self.severity,
            remediation=dict(self.remediation),
            references=self.references,
            help_uri=self.help_uri,
        )

    def remediation_for(self, provider: str, source_kind: str) -> str | None:
        """Remediation text for a resource: the Terraform text for IaC sources, else the cloud's."""
        if source_kind in ("hcl", "plan") and "terraform" in self.remediation:
            return self.remediation["terraform"]
        return self.remediation.get(provider) or self.remediation.get("terraform")


def facts_read(node: Any) -> frozenset[str]:
    """Every ``facts.<name>`` an assertion tree reads, through all / any / not and nested ``assert``."""
    if isinstance(node, Mapping):
        found: set[str] = set()
        key = node.get("key")
        if isinstance(key, str) and key.startswith("facts."):
            found.add(key[len("facts.") :])
        for child in (*node.get("all", ()), *node.get("any", ()), node.get("not"), node.get("assert")):
            found |= facts_read(child)
        return frozenset(found)
    return frozenset()


@dataclass(frozen=True)
class PolicySet:
    """The policies of a scan, in id order, and the errors of the files that could not be loaded."""

    policies: tuple[Policy, ...]
    errors: tuple[Any, ...] = ()

    def by_id(self, policy_id: str) -> Policy | None:
        """The policy with this id, if loaded."""
        return next((p for p in self.policies if p.id == policy_id), None)
