"""``mlscan policy test``: run every policy's embedded examples, as ``opa test`` does for Rego.

A policy that passes its failing example, or fails its passing one, is broken; so is
one whose examples never reach the assertion (wrong kind or provider).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.model import Resource, Source, Status
from scanner.policy.evaluate import judge
from scanner.policy.model import Policy

_EXPECTED = {"pass": Status.PASS, "fail": Status.FAIL, "unknown": Status.UNKNOWN}


@dataclass(frozen=True)
class ExampleResult:
    """The outcome of one example of one policy."""

    policy_id: str
    expected: str
    index: int
    actual: str
    message: str

    @property
    def ok(self) -> bool:
        """True when the policy judged the example as the example says it should."""
        return self.actual == self.expected


def run_examples(policy: Policy) -> list[ExampleResult]:
    """Judge each example of ``policy`` and compare with its expected outcome."""
    results: list[ExampleResult] = []
    for expected, examples in policy.examples.items():
        for index, example in enumerate(examples):
            resource = example_resource(policy, example, f"{policy.id}/{expected}/{index}")
            finding = (
                judge(policy, resource, {})
                if policy.applies_to(resource.provider, resource.kind, resource.resource_type)
                else None
            )
            actual = "not-applicable" if finding is None else finding.status.value
            message = "" if finding is None else finding.message
            results.append(ExampleResult(policy.id, _EXPECTED[expected].value, index, actual, message))
    return results


def example_resource(policy: Policy, example: Mapping[str, Any], name: str) -> Resource:
    """A Resource built from an example (provider and kind default to the policy's first)."""
    return Resource(
        provider=example.get("provider") or (policy.providers[0] if policy.providers else "aws"),
        service="example",
        kind=example.get("kind") or policy.kinds[0],
        id=name,
        name=example.get("name", name),
        source=Source(kind="example", file=policy.path),
        facts=dict(example.get("facts", {})),
        raw=dict(example.get("raw", {})),
        tags=dict(example.get("tags", {})),
        resource_type=example.get("type") or (policy.types[0] if policy.types else None),
    )
