"""Baselines: only findings not in the baseline fail the gate."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from report.sample import finding, resources, sample_result

from scanner.gate import BaselineFileError, compare_with_baseline, decide, load_baseline, write_baseline
from scanner.model import Severity, Status


def test_baseline_records_failures_by_policy_and_resource(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    assert write_baseline(sample_result(), path) == 4
    data = json.loads(path.read_text())
    assert data["version"] == 1 and data["command"] == "mlscan iac terraform/insecure"
    pairs = [(e["policy_id"], e["resource_id"]) for e in data["findings"]]
    assert ("TST-NET-001", "google_vertex_ai_endpoint.ep") in pairs
    assert all("line" not in e for e in data["findings"])  # moving a block must not make it new


def test_known_failures_pass_new_ones_fail(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(sample_result(), path)
    same = compare_with_baseline(sample_result(), load_baseline(path), str(path))
    assert (same.known, same.new, same.fixed) == (4, 0, ())
    assert decide(same.result, "low").exit_code == 0
    baselined = [f for f in same.result.findings if f.suppressed and f.suppressed.origin == "baseline"]
    assert len(baselined) == 3 and baselined[0].suppressed.reason == f"in baseline {path}"

    _, nb, gcp_ep, _ = resources()
    new_failure = finding("TST-LOG-001", gcp_ep, Status.FAIL, Severity.HIGH, category="logging")
    grown = replace(sample_result(), findings=(*sample_result().findings, new_failure))
    moved = replace(grown, findings=tuple(replace(f, message="reworded") for f in grown.findings))
    outcome = compare_with_baseline(moved, load_baseline(path))
    assert (outcome.known, outcome.new) == (4, 1)
    decision = decide(outcome.result, "high")
    assert decision.exit_code == 1 and "TST-LOG-001 on ep" in decision.reasons[0]


def test_fixed_entries_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(sample_result(), path)
    fixed = replace(
        sample_result(), findings=tuple(f for f in sample_result().findings if f.policy_id != "TST-HRD-001")
    )
    outcome = compare_with_baseline(fixed, load_baseline(path))
    assert [e["policy_id"] for e in outcome.fixed] == ["TST-HRD-001"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", ":1: baseline is not valid JSON"),
        ('{"version": 9, "findings": []}', "not an mlscan baseline"),
        ('{"version": 1, "findings": [{"policy_id": "x"}]}', "without policy_id and resource_id"),
    ],
)
def test_bad_baseline_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(BaselineFileError, match=expected):
        load_baseline(path)


def test_fail_on_never_and_thresholds() -> None:
    result = sample_result()
    assert decide(result, "never").exit_code == 0
    assert decide(result, "critical").exit_code == 1
    only_low = replace(result, findings=tuple(f for f in result.findings if f.severity is Severity.LOW))
    assert decide(only_low, "medium").exit_code == 0 and decide(only_low, "low").exit_code == 1
