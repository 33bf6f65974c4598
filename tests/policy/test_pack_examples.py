"""The built-in policy pack: every policy is valid, carries pass / fail / unknown examples that the engine
agrees with, every category is covered, and no two policies demand opposite values of one fact.

These run the real loader (schema + fact vocabulary) and the real evaluator over the YAML in policies/.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from scanner.paths import policies_dir
from scanner.policy.examples import run_examples
from scanner.policy.loader import load_policies
from scanner.policy.model import Policy

CATEGORY_OF_PREFIX = {
    "ENC": "encryption",
    "NET": "network",
    "IAM": "identity",
    "LOG": "logging",
    "EXP": "exposure",
    "PRV": "privacy",
    "HRD": "hardening",
}
ALL_PROVIDERS = ("aws", "azure", "gcp")

PACK = load_policies(builtin=True)
POLICIES = PACK.policies


def _ids(policies: tuple[Policy, ...]) -> list[str]:
    return [p.id for p in policies]


def test_the_pack_loads_without_errors() -> None:
    assert PACK.errors == ()
    assert len(POLICIES) >= 40


@pytest.mark.parametrize("policy", POLICIES, ids=_ids(POLICIES))
def test_file_name_is_the_id_and_id_matches_category(policy: Policy) -> None:
    assert Path(policy.path).name == f"{policy.id}.yaml"
    match = re.fullmatch(r"MLS-([A-Z]{3})-(\d{3})", policy.id)
    assert match, policy.id
    assert CATEGORY_OF_PREFIX[match.group(1)] == policy.category


@pytest.mark.parametrize("policy", POLICIES, ids=_ids(POLICIES))
def test_every_policy_has_pass_fail_and_unknown_examples(policy: Policy) -> None:
    for outcome in ("pass", "fail", "unknown"):
        assert policy.examples.get(outcome), f"{policy.id} has no {outcome} example"
    # An unknown example must come from a fact nobody could read (null), not from a missing key.
    assert any(None in example.get("facts", {}).values() for example in policy.examples["unknown"]), (
        f"{policy.id}: unknown examples must set a fact to null"
    )


@pytest.mark.parametrize("policy", POLICIES, ids=_ids(POLICIES))
def test_examples_are_judged_as_they_say(policy: Policy) -> None:
    results = run_examples(policy)
    wrong = [f"{r.expected}[{r.index}] judged {r.actual}: {r.message}" for r in results if not r.ok]
    assert not wrong, f"{policy.id}: " + "; ".join(wrong)


@pytest.mark.parametrize("policy", POLICIES, ids=_ids(POLICIES))
def test_policies_carry_remediation_references_and_a_why(policy: Policy) -> None:
    assert "terraform" in policy.remediation, f"{policy.id} has no Terraform remediation"
    for provider in policy.providers or ():
        assert provider in policy.remediation, f"{policy.id} has no {provider} remediation"
    assert policy.references, f"{policy.id} has no references"
    assert len(policy.description) >= 80, f"{policy.id}: the description must say why"


def test_every_category_is_covered() -> None:
    assert {p.category for p in POLICIES} == set(CATEGORY_OF_PREFIX.values())


def test_every_kind_is_judged() -> None:
    kinds = {kind for p in POLICIES for kind in p.kinds}
    assert kinds == {"endpoint", "model", "training_job", "notebook", "workspace", "compute", "data_store"}


def _requirements(node: Mapping[str, Any], negated: bool = False) -> Iterator[tuple[str, str, Any]]:
    """(fact, "is" | "is_not", value) pairs that a passing resource must satisfy, from equality leaves.

    Leaves under ``any`` are alternatives, not requirements, so they are skipped; ``not`` flips polarity
    (and turns an ``all`` into alternatives, so only a single negated leaf counts).
    """
    if "all" in node and not negated:
        for child in node["all"]:
            yield from _requirements(child, negated)
        return
    if "any" in node and negated:
        for child in node["any"]:
            yield from _requirements(child, negated)
        return
    if "not" in node:
        yield from _requirements(node["not"], not negated)
        return
    if "key" not in node or not node["key"].startswith("facts."):
        return
    fact, op, value = node["key"][len("facts.") :], node["op"], node.get("value")
    if isinstance(value, Mapping):
        return
    positive = {"equals": "is", "not_equals": "is_not"}.get(op)
    if positive is None:
        return
    if negated:
        positive = "is_not" if positive == "is" else "is"
    yield fact, positive, value


def _scopes(policy: Policy) -> set[tuple[str, str]]:
    return {(provider, kind) for provider in (policy.providers or ALL_PROVIDERS) for kind in policy.kinds}


def test_no_two_policies_contradict_each_other() -> None:
    """Checkov's CKV_AZURE_144 and CKV2_AZURE_49 judge one omitted setting both ways; ours must not."""
    conflicts = []
    for first, second in itertools.combinations(POLICIES, 2):
        shared = _scopes(first) & _scopes(second)
        if not shared:
            continue
        for (fact_a, how_a, value_a), (fact_b, how_b, value_b) in itertools.product(
            list(_requirements(first.assertion)), list(_requirements(second.assertion))
        ):
            if fact_a != fact_b:
                continue
            opposite = (how_a == how_b == "is" and value_a != value_b) or (
                how_a != how_b and value_a == value_b
            )
            if opposite:
                conflicts.append(f"{first.id} vs {second.id} on {fact_a} for {sorted(shared)[0]}")
    assert not conflicts


def test_the_contradiction_check_catches_a_contradiction() -> None:
    """Guard the guard: the requirement extractor sees both sides of an obvious conflict."""
    wants_true = {"key": "facts.network.public", "op": "equals", "value": False}
    wants_public = {"not": {"key": "facts.network.public", "op": "not_equals", "value": True}}
    assert list(_requirements(wants_true)) == [("network.public", "is", False)]
    assert list(_requirements(wants_public)) == [("network.public", "is", True)]


def test_builtin_policies_are_the_shipped_directory() -> None:
    files = sorted(p.stem for p in policies_dir().glob("MLS-*.yaml"))
    assert files == sorted(p.id for p in POLICIES)
