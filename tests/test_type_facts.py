"""Facts a type can produce (scanner/data/type_facts.yaml) are true, and policies respect them.

The declaration is checked against what the builders really write: every resource of the bundled
stacks and plans, the shared corpus, the seeded live estates, and every Terraform mapper run on an
empty block (plus a few blocks that reach conditional branches) must carry only facts declared for its
type and kind. A policy is never judged on a type that produces none of the facts it reads.
"""

from __future__ import annotations

import importlib
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from scanner.clouds import terraform_mappers
from scanner.clouds.azure.terraform import AZAPI_TYPES
from scanner.clouds.coverage import declared, not_judged, produced, type_facts
from scanner.clouds.sources import terraform_source
from scanner.iac.graph import TfIndex
from scanner.iac.provenance import fact_sources
from scanner.iac.types import TfResource
from scanner.model import Resource, Source
from scanner.paths import terraform_examples_dir
from scanner.pipeline import run_scan
from scanner.policy.evaluate import evaluate_all
from scanner.policy.loader import fact_vocabulary, load_policies
from scanner.policy.model import PolicySet

_TRAINING_STEP = {
    "Name": "train",
    "Type": "Training",
    "Arguments": {
        "AlgorithmSpecification": {"TrainingImage": "111122223333.dkr.ecr.us-east-1.amazonaws.com/t:1"},
        "InputDataConfig": [{"DataSource": {"S3DataSource": {"S3Uri": "s3://data/in"}}}],
        "OutputDataConfig": {"S3OutputPath": "s3://data/out"},
        "HyperParameters": {"epsilon": "1"},
    },
}
PROBES: dict[str, list[dict[str, Any]]] = {
    "aws_sagemaker_pipeline": [{"pipeline_definition": json.dumps({"Steps": [_TRAINING_STEP]})}],
    "azapi_resource": [
        {"type": f"{arm}@2024-04-01", "body": {"properties": {"computeType": compute}}}
        for arm in sorted(AZAPI_TYPES)
        for compute in ("AmlCompute", "ComputeInstance", "Kubernetes", "AKS", "SynapseSpark", "")
    ],
}
"""Blocks that reach branches an empty block does not (a pipeline's Training steps, azapi ARM types)."""


def _probe(rtype: str, attrs: dict[str, Any]) -> list[Resource]:
    tf = TfResource(
        type=rtype, name="probe", address=f"{rtype}.probe", attrs=attrs, source=Source("hcl", "p.tf", 1)
    )
    return list(terraform_mappers()[rtype](tf, TfIndex([tf])))


def _probed() -> Iterable[Resource]:
    for rtype in terraform_mappers():
        for attrs in [{}, *PROBES.get(rtype, [])]:
            yield from _probe(rtype, attrs)


@pytest.fixture(scope="module")
def every_resource(seeded_live_sources: list[Any], repo_root: Path) -> list[Resource]:
    """Resources as policies see them (after the privacy join), from every estate the repository has."""
    sources = [*seeded_live_sources, terraform_source([terraform_examples_dir()])]
    sources += [terraform_source([p]) for p in sorted((repo_root / "terraform" / "plans").glob("*.json"))]
    corpus = repo_root.parent / "shared" / "corpus" / "terraform"
    if corpus.is_dir():
        sources.append(terraform_source([corpus]))
    result = run_scan(sources, PolicySet(()))
    return [*result.resources, *_probed()]


def live_type_names() -> list[str]:
    """Provider type names the live faces can report (some are not in the seeded estates)."""
    from scanner.clouds import CLOUDS

    return [
        t.provider_type
        for c in CLOUDS
        for t in importlib.import_module(f"scanner.clouds.{c}.types").LIVE_TYPES
    ]


def test_every_fact_a_resource_carries_is_declared_for_its_type(every_resource: list[Resource]) -> None:
    missing: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for resource in every_resource:
        facts = produced(resource.resource_type, resource.kind)
        undeclared = set(resource.facts) - (facts or set())
        if undeclared:
            missing[(resource.provider, resource.resource_type or "", resource.kind)] |= undeclared
    lines = [f"{p} / {t} / {k}: add {sorted(f)}" for (p, t, k), f in sorted(missing.items())]
    assert not lines, "scanner/data/type_facts.yaml is missing facts:\n" + "\n".join(lines)


def test_every_declared_type_is_real_and_every_fact_is_in_the_vocabulary(
    every_resource: list[Resource],
) -> None:
    seen = {r.resource_type for r in every_resource} | set(live_type_names())
    vocabulary = fact_vocabulary()
    for declaration in type_facts():
        if "*" not in declaration.type:
            assert declaration.type in seen, declaration.type
        assert declaration.facts <= set(vocabulary), (declaration.type, declaration.facts - set(vocabulary))


def test_fact_sources_only_name_facts_their_type_produces() -> None:
    for rtype, entries in fact_sources().items():
        facts = set().union(*(d.facts for d in type_facts() if d.type == rtype))
        assert set(entries) <= facts, (rtype, set(entries) - facts)


def test_every_type_a_policy_cannot_judge_gets_no_finding() -> None:
    """The list of (policy, type) pairs whose facts the type never produces, and the engine skips each."""
    policies = load_policies().policies
    pairs = not_judged(policies)
    print("\n".join(f"{p.policy} x {p.type} ({p.kind}): reads {', '.join(p.reads)}" for p in pairs))
    assert pairs, "no pair at all: the coverage rule is not exercised"
    by_id = {p.id: p for p in policies}
    for pair in pairs:
        # Every fact the type could produce is there but unknown: still no finding of this policy.
        facts = dict.fromkeys(produced(pair.type, pair.kind) or ())
        rtype = pair.type.replace("*", "Probe")
        resource = Resource(
            pair.provider, "svc", pair.kind, "id", "name", Source("live"), facts, resource_type=rtype
        )
        findings = evaluate_all([by_id[pair.policy]], [resource], produces=produced)
        assert not findings, pair
        # Without the coverage rule the engine would judge it (so the pair is real, not filtered otherwise).
        assert declared(rtype, pair.kind) is not None


def test_an_undeclared_type_is_judged_as_before() -> None:
    policy = next(p for p in load_policies().policies if p.id == "MLS-ENC-001")
    resource = Resource(
        "aws", "svc", "endpoint", "id", "name", Source("live"), {}, resource_type="custom_type"
    )
    assert produced("custom_type", "endpoint") is None
    (finding,) = evaluate_all([policy], [resource], produces=produced)
    assert finding.status.value == "unknown"
