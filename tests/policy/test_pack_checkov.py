"""The built-in pack against Checkov's recorded results on the real corpus (bench/compare_checkov.py).

mlscan may be stricter than Checkov (provider defaults, PSC, GMEK) or say unknown where Checkov guesses,
but it must never pass a resource Checkov fails on an ML check it covers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scanner.clouds.sources import terraform_source
from scanner.policy.loader import load_policies


def _bench(repo_root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compare_checkov", repo_root / "bench" / "compare_checkov.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows(repo_root: Path, corpus_dir: Path) -> list:
    bench = _bench(repo_root)
    results = bench.checkov_results(
        corpus_dir / "checkov_baseline.json", bench.source_kinds(corpus_dir / "terraform" / "SOURCES.tsv")
    )
    comparisons, _ = bench.compare(
        results, terraform_source([corpus_dir / "terraform"]), corpus_dir / "terraform", load_policies()
    )
    return comparisons


def test_every_checkov_ml_result_is_compared(rows: list) -> None:
    assert len(rows) == 240
    assert all(r.policy_id for r in rows), "a Checkov ML check has no mlscan policy citing it"


def test_mlscan_never_passes_what_checkov_fails(rows: list) -> None:
    lenient = [(r.check_id, r.file, r.address) for r in rows if r.checkov == "failed" and r.mlscan == "pass"]
    assert lenient == []


# CKV2_AZURE_50 fails every workspace; MLS-HRD-009 applies only to workspaces holding sensitive data, so an
# untagged workspace whose storage account is not in the configuration is unknown there (never a pass).
CONDITIONAL = {"CKV2_AZURE_50"}


def test_checkov_failures_are_mostly_covered(rows: list) -> None:
    failed = [r for r in rows if r.checkov == "failed" and r.check_id not in CONDITIONAL]
    covered = [r for r in failed if r.mlscan == "fail"]
    assert len(covered) / len(failed) >= 0.9


def test_conditional_checks_are_failed_or_unknown_never_passed(rows: list) -> None:
    conditional = [r for r in rows if r.check_id in CONDITIONAL]
    assert conditional
    assert {r.mlscan for r in conditional} <= {"fail", "unknown"}


def test_omitted_direct_internet_access_is_the_known_disagreement(rows: list) -> None:
    ckv_122 = [r for r in rows if r.check_id == "CKV_AWS_122" and r.outcome == "disagree"]
    assert ckv_122
    assert all(r.checkov == "passed" and r.mlscan == "fail" for r in ckv_122)
    assert all("AWS's default is Enabled" in r.reason for r in ckv_122)


def test_every_disagreement_has_a_reason(rows: list) -> None:
    assert all(r.reason for r in rows if r.outcome == "disagree")
