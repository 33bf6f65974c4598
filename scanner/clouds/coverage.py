"""Which facts each resource type can produce (``scanner/data/type_facts.yaml``), for policy applicability.

A policy is judged only on types that produce a fact it reads, so a finding's ``unknown`` means the
setting could not be read, never that the type has no such setting. Endpoints of every type also
carry the facts of the privacy join (:data:`scanner.privacy.risk.JOINED_FACTS`) and those measured
from inference logs (:data:`scanner.model.MEASURED_ENDPOINT_FACTS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from functools import cache
from typing import NamedTuple

from scanner.datacache import bundled_yaml
from scanner.model import MEASURED_ENDPOINT_FACTS
from scanner.paths import data_file
from scanner.policy.model import Policy
from scanner.privacy.risk import JOINED_FACTS


class TypeFacts(NamedTuple):
    """One declared (provider, resource type, kind) and the facts its mapper or live builder writes."""

    provider: str
    type: str
    kind: str
    facts: frozenset[str]


@cache
def type_facts() -> tuple[TypeFacts, ...]:
    """Every declaration of ``scanner/data/type_facts.yaml``, in file order."""
    data = bundled_yaml(data_file("type_facts.yaml")) or {}
    return tuple(
        TypeFacts(str(provider), str(rtype), str(kind), frozenset(facts))
        for provider, types in data.items()
        for rtype, kinds in types.items()
        for kind, facts in kinds.items()
    )


@cache
def _index() -> tuple[Mapping[tuple[str, str], frozenset[str]], tuple[TypeFacts, ...]]:
    exact = {(t.type, t.kind): t.facts for t in type_facts() if "*" not in t.type}
    return exact, tuple(t for t in type_facts() if "*" in t.type)


def declared(resource_type: str | None, kind: str) -> frozenset[str] | None:
    """The facts the table declares for a type and kind (globs after exact names), or None."""
    exact, globs = _index()
    facts = exact.get((resource_type or "", kind))
    if facts is None and resource_type:
        facts = next((t.facts for t in globs if t.kind == kind and fnmatchcase(resource_type, t.type)), None)
    return facts


def produced(resource_type: str | None, kind: str) -> frozenset[str] | None:
    """What a resource of this type and kind can carry when policies run (None: not declared)."""
    facts = declared(resource_type, kind)
    if facts is None:
        return None
    return facts | JOINED_FACTS | MEASURED_ENDPOINT_FACTS if kind == "endpoint" else facts


class Unjudged(NamedTuple):
    """A policy that selects a type and kind but is never judged on it, and the facts it reads."""

    policy: str
    provider: str
    type: str
    kind: str
    reads: tuple[str, ...]


def not_judged(policies: Iterable[Policy]) -> list[Unjudged]:
    """Every (policy, declared type) pair the policy's kinds select but whose facts the type never produces.

    (``when`` conditions other than facts are not evaluated: a listed pair may also be excluded by them.)
    """
    pairs: list[Unjudged] = []
    for policy in policies:
        for declaration in type_facts():
            rtype, kind = declaration.type, declaration.kind
            if policy.applies_to(declaration.provider, kind, rtype) and not policy.covered_by(
                produced(rtype, kind)
            ):
                reads = tuple(sorted(policy.asserted_facts | policy.when_facts))
                pairs.append(Unjudged(policy.id, declaration.provider, rtype, kind, reads))
    return pairs
