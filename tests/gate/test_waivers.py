"""Waivers: globbed policy and resource, owner and expiry; expired waivers fail the gate by name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from report.sample import sample_result

from scanner.gate import WaiverFileError, apply_waivers, decide, load_waivers
from scanner.model import Status

TODAY = dt.date(2026, 11, 24)

WAIVERS = """\
waivers:
  - policy: TST-ENC-*
    resource: "aws_sagemaker_endpoint.*"
    reason: CMK rollout tracked in SEC-123
    owner: alice@example.com
    expires: 2026-12-31
  - policy: TST-HRD-001
    reason: legacy notebook, decommission planned
    owner: bob@example.com
    expires: 2026-11-01
  - policy: TST-NOPE-*
    reason: nothing matches this
    owner: carol@example.com
    expires: 2027-01-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_parses_globs_dates_and_locations(tmp_path: Path) -> None:
    path = write(tmp_path, WAIVERS)
    first, second, third = load_waivers(path)
    assert (first.policy, first.resource, first.owner) == (
        "TST-ENC-*",
        "aws_sagemaker_endpoint.*",
        "alice@example.com",
    )
    assert first.expires == dt.date(2026, 12, 31) and second.resource == "*"
    assert first.where == f"{path}:2" and second.where == f"{path}:7"


def test_valid_waiver_suppresses_matching_failures_only(tmp_path: Path) -> None:
    outcome = apply_waivers(sample_result(), load_waivers(write(tmp_path, WAIVERS)), today=TODAY)
    waived = [f for f in outcome.result.findings if f.suppressed and f.suppressed.origin == "waiver"]
    assert [(f.policy_id, f.resource_id) for f in waived] == [("TST-ENC-001", "aws_sagemaker_endpoint.api")]
    assert waived[0].suppressed.owner == "alice@example.com" and waived[0].suppressed.expires == "2026-12-31"
    assert waived[0].status is Status.FAIL  # still reported as a failure, just accepted
    assert outcome.waived == 1
    assert [w.policy for w in outcome.expired] == ["TST-HRD-001"]
    assert [w.policy for w in outcome.unused] == ["TST-NOPE-*"]
    # The inline-suppressed finding keeps its inline suppression.
    inline = [f for f in outcome.result.findings if f.suppressed and f.suppressed.origin == "inline"]
    assert len(inline) == 1


def test_resource_glob_matches_names_too(tmp_path: Path) -> None:
    text = "waivers:\n  - {policy: TST-NET-001, resource: ep, reason: demo only, owner: o, expires: 2030-01-01}\n"
    outcome = apply_waivers(sample_result(), load_waivers(write(tmp_path, text)), today=TODAY)
    assert outcome.waived == 1  # gcp endpoint named "ep"


def test_expired_waiver_does_not_suppress_and_fails_the_gate(tmp_path: Path) -> None:
    outcome = apply_waivers(sample_result(), load_waivers(write(tmp_path, WAIVERS)), today=TODAY)
    hrd = next(f for f in outcome.result.findings if f.policy_id == "TST-HRD-001")
    assert hrd.failing
    decision = decide(outcome.result, "critical", outcome.expired)
    assert decision.exit_code == 1
    (critical, expired) = decision.reasons
    assert "1 failing finding(s) at or above critical" in critical
    assert expired.startswith("waiver TST-HRD-001 on * (")
    assert "owner bob@example.com) expired on 2026-11-01: renew it" in expired


def test_waiver_valid_through_its_expiry_day(tmp_path: Path) -> None:
    waivers = load_waivers(write(tmp_path, WAIVERS))
    assert not waivers[1].expired(dt.date(2026, 11, 1)) and waivers[1].expired(dt.date(2026, 11, 2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "waivers:\n  - policy: X\n    reason: because\n    owner: o\n",
            ":2: waivers/0: 'expires' is a required property",
        ),
        (
            "waivers:\n  - policy: X\n    reason: because\n    owner: o\n    expires: 2026-13-01\n",
            ":5: waivers/0/expires",
        ),
        (
            "waivers:\n  - policy: X\n    reason: because\n    owner: o\n    expires: soon\n",
            ":5: waivers/0/expires",
        ),
        ("waivers: [\n", "invalid YAML"),
        ("rules: []\n", ":1: (top level)"),
    ],
)
def test_invalid_waivers_file_names_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(WaiverFileError) as info:
        load_waivers(path)
    assert str(info.value).startswith(str(path)) and expected in str(info.value)


def test_resource_glob_matches_the_terraform_address_wherever_the_module_lives(tmp_path: Path) -> None:
    from dataclasses import replace

    from scanner.model import Source

    text = "waivers:\n  - {policy: TST-*, resource: 'aws_sagemaker_endpoint.*', reason: accepted for the test, owner: o, expires: 2030-01-01}\n"
    (waiver,) = load_waivers(write(tmp_path, text))
    finding = next(f for f in sample_result().findings if f.resource_id == "aws_sagemaker_endpoint.api")
    scoped = replace(finding, resource_id="infra/aws:aws_sagemaker_endpoint.api", resource_name="claims")
    assert waiver.matches(scoped)
    live = replace(
        scoped, source=Source("live"), resource_id="arn:aws:sagemaker:x:aws_sagemaker_endpoint.api"
    )
    assert not waiver.matches(live)
