"""Loading policy files (schema, vocabulary, file:line errors) and judging resources with them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scanner.model import InputError, Resource, Source, Status, Suppression
from scanner.policy.evaluate import evaluate_all
from scanner.policy.examples import run_examples
from scanner.policy.loader import load_policies, load_policy_file
from scanner.policy.select import Selection, select

GOOD = """\
id: TEST-ENC-001
title: Endpoint uses a customer-managed key
description: Provider keys leave key control, rotation and revocation with the cloud provider.
category: encryption
severity: high
applies_to:
  kinds: [endpoint]
when:
  key: tags.env
  op: equals
  value: prod
assert:
  key: facts.encryption.cmk
  op: equals
  value: true
remediation:
  terraform: Set kms_key_arn.
examples:
  pass:
    - {tags: {env: prod}, facts: {encryption.cmk: true}}
  fail:
    - {tags: {env: prod}, facts: {encryption.cmk: false}}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _endpoint(facts, tags=None, suppressions=()):
    return Resource(
        provider="aws",
        service="sagemaker",
        kind="endpoint",
        id="ep",
        name="ep",
        source=Source(kind="hcl", file="main.tf", line=3),
        facts=facts,
        tags=tags or {"env": "prod"},
        suppressions=suppressions,
    )


def test_valid_policy_loads_and_judges(tmp_path):
    _write(tmp_path, "p.yaml", GOOD)
    policy_set = load_policies([tmp_path], builtin=False)
    assert not policy_set.errors
    findings = evaluate_all(policy_set, [_endpoint({"encryption.cmk": False}), _endpoint({})])
    assert [f.status for f in findings] == [Status.FAIL, Status.UNKNOWN]
    assert findings[0].source.line == 3
    assert findings[0].remediation == "Set kms_key_arn."


def test_when_false_gives_no_finding_and_when_unknown_gives_unknown(tmp_path):
    _write(tmp_path, "p.yaml", GOOD.replace("key: tags.env", "key: facts.data.sensitivity"))
    policy_set = load_policies([tmp_path], builtin=False)
    staging = _endpoint({"encryption.cmk": False, "data.sensitivity": "public"})
    unknown = _endpoint({"encryption.cmk": False})
    findings = evaluate_all(policy_set, [staging, unknown])
    assert len(findings) == 1
    assert (
        findings[0].status is Status.UNKNOWN
        and "cannot tell whether the policy applies" in findings[0].message
    )


def test_inline_suppression_is_kept_on_the_finding(tmp_path):
    _write(tmp_path, "p.yaml", GOOD)
    policy_set = load_policies([tmp_path], builtin=False)
    skipped = _endpoint({"encryption.cmk": False}, suppressions=(Suppression("TEST-ENC-*", "accepted"),))
    (finding,) = evaluate_all(policy_set, [skipped])
    assert finding.status is Status.FAIL and finding.suppressed.reason == "accepted"
    assert not finding.failing


def test_schema_error_names_file_line_and_reason(tmp_path):
    path = _write(tmp_path, "bad.yaml", GOOD.replace("severity: high", "severity: extreme"))
    policy, errors = load_policy_file(path)
    assert policy is None
    assert errors[0].where == f"{path}:5"
    assert "severity" in errors[0].reason and "extreme" in errors[0].reason


def test_unknown_fact_name_is_rejected_with_its_line(tmp_path):
    path = _write(tmp_path, "typo.yaml", GOOD.replace("facts.encryption.cmk\n", "facts.encryption.cmkk\n"))
    _policy, errors = load_policy_file(path)
    assert errors[0].where == f"{path}:13"
    assert "unknown fact 'encryption.cmkk'" in errors[0].reason


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, "syntax.yaml", "id: X-1\ntitle: [unclosed\n")
    _policy, errors = load_policy_file(path)
    assert errors[0].where.startswith(f"{path}:") and "invalid YAML" in errors[0].reason


def test_a_bad_file_does_not_hide_the_good_ones_and_duplicates_are_errors(tmp_path):
    _write(tmp_path, "a.yaml", GOOD)
    _write(tmp_path, "b.yaml", GOOD)
    _write(tmp_path, "c.yaml", "id: [\n")
    policy_set = load_policies([tmp_path], builtin=False)
    assert [p.id for p in policy_set.policies] == ["TEST-ENC-001"]
    reasons = " | ".join(e.reason for e in policy_set.errors)
    assert "duplicate policy id TEST-ENC-001" in reasons and "invalid YAML" in reasons


def test_examples_runner_catches_a_policy_that_cannot_fail(tmp_path):
    broken = GOOD.replace("value: true\nremediation", "value: false\nremediation")
    _write(tmp_path, "p.yaml", broken)
    (policy,) = load_policies([tmp_path], builtin=False).policies
    results = run_examples(policy)
    assert [r.ok for r in results] == [False, False]


def test_selection_by_glob_category_and_severity(tmp_path):
    _write(tmp_path, "p.yaml", GOOD)
    policy_set = load_policies([tmp_path], builtin=False)
    assert select(policy_set, Selection(include=("TEST-ENC-*",))).policies
    for empty in (
        Selection(skip=("TEST-*",)),
        Selection(categories=("network",)),
        Selection(min_severity="critical"),
    ):
        with pytest.raises(InputError, match="no policy is left to run"):  # never a scan with no policy
            select(policy_set, empty)
    with pytest.raises(InputError, match="'NOPE-1' matches no policy"):
        select(policy_set, Selection(include=("NOPE-1",)))
    assert select(policy_set, Selection(min_severity="medium")).policies
