"""Findings carry their identity: the same ids, files and fingerprints however the paths were typed.

Also: a finding carries its resource's account and region, and the result the policies that ran.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.clouds.sources import terraform_source
from scanner.model import fingerprint_of
from scanner.pipeline import run_scan
from scanner.policy.loader import load_policies
from scanner.report.context import ReportContext
from scanner.report.json_contract import result_from_dict, result_to_dict
from scanner.report.sarif import render_sarif

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = """
resource "aws_sagemaker_notebook_instance" "lab" {
  name          = "lab"
  role_arn      = "arn:aws:iam::123456789012:role/nb"
  instance_type = "ml.t3.medium"
}
"""
CALLER = 'module "nb" {\n  source = "../modules/nb"\n}\n'


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git checkout with terraform/app (calling ../modules/nb) and terraform/insecure (a copy)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "terraform" / "app").mkdir(parents=True)
    (tmp_path / "terraform" / "modules" / "nb").mkdir(parents=True)
    (tmp_path / "terraform" / "app" / "main.tf").write_text(CALLER)
    (tmp_path / "terraform" / "modules" / "nb" / "main.tf").write_text(NOTEBOOK)
    (tmp_path / "terraform" / "insecure").mkdir()
    (tmp_path / "terraform" / "insecure" / "main.tf").write_text(
        (REPO / "terraform" / "insecure" / "aws" / "main.tf").read_text()
    )
    return tmp_path


def _identity(paths: list[str]) -> list[tuple[str, str | None, str]]:
    result = run_scan([terraform_source(paths)], load_policies())
    files = {r.id: r.source.file for r in result.resources}
    return sorted((f.resource_id, files[f.resource_id], f.fingerprint) for f in result.findings)


def test_every_spelling_of_a_directory_gives_the_same_ids_files_and_fingerprints(checkout, monkeypatch):
    monkeypatch.chdir(checkout)
    typed = _identity(["terraform/insecure"])
    assert typed and all(rid.startswith("terraform/insecure:") for rid, _, _ in typed)
    assert {file for _, file, _ in typed} == {"terraform/insecure/main.tf"}
    assert _identity(["./terraform/insecure/"]) == typed
    assert _identity([str(checkout / "terraform" / "insecure")]) == typed
    assert _identity(["terraform/insecure/main.tf"]) == typed  # one file of the module
    monkeypatch.chdir(checkout / "terraform" / "insecure")
    assert _identity(["."]) == typed
    assert _identity(["main.tf"]) == typed
    monkeypatch.chdir(checkout / "terraform")
    assert _identity(["../terraform/insecure"]) == typed


def test_a_child_module_reached_through_its_caller_has_one_identity(checkout, monkeypatch):
    monkeypatch.chdir(checkout)
    whole = {i for i in _identity(["terraform"]) if "module.nb" in i[0]}
    assert whole and {file for _, file, _ in whole} == {"terraform/modules/nb/main.tf"}
    assert {rid for rid, _, _ in whole} == {"terraform/app:module.nb.aws_sagemaker_notebook_instance.lab"}
    monkeypatch.chdir(checkout / "terraform" / "app")
    assert {i for i in _identity(["."]) if "module.nb" in i[0]} == whole


def test_outside_a_checkout_paths_are_relative_to_the_scan_root(tmp_path, monkeypatch):
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "main.tf").write_text(NOTEBOOK)
    monkeypatch.chdir(tmp_path)
    typed = _identity(["stack"])
    assert typed and {file for _, file, _ in typed} == {"main.tf"}
    assert _identity([str(tmp_path / "stack")]) == typed
    monkeypatch.chdir(tmp_path / "stack")
    assert _identity(["."]) == typed


def test_a_baseline_made_one_way_matches_a_scan_run_another_way(checkout, monkeypatch):
    monkeypatch.chdir(checkout)
    made = CliRunner().invoke(main, ["iac", "terraform/insecure", "-q", "--create-baseline", "base.json"])
    assert made.exit_code == 0, made.output
    entries = json.loads((checkout / "base.json").read_text())["findings"]
    assert entries and all(e["resource_id"].startswith("terraform/insecure:") for e in entries)
    monkeypatch.chdir(checkout / "terraform" / "insecure")
    again = CliRunner().invoke(main, ["iac", ".", "--baseline", str(checkout / "base.json")])
    assert again.exit_code == 0, again.output  # every failing finding is known: nothing new fails the gate
    assert f"baseline: {len(entries)} known, 0 new" in again.output


def test_findings_carry_account_region_type_and_fingerprint() -> None:
    result = run_scan([terraform_source([REPO / "terraform" / "insecure" / "aws"])], load_policies())
    by_id = {r.id: r for r in result.resources}
    for finding in result.findings:
        resource = by_id[finding.resource_id]
        assert (finding.account, finding.region) == (resource.account, resource.region)
        assert finding.resource_type == resource.resource_type
        assert finding.fingerprint == fingerprint_of(finding.policy_id, finding.resource_id)


def test_the_result_carries_the_policies_that_ran_and_formats_read_them() -> None:
    policies = load_policies()
    result = run_scan([terraform_source([REPO / "terraform" / "insecure" / "aws"])], policies)
    assert [p.id for p in result.policies] == [p.id for p in policies.policies]
    again = result_from_dict(json.loads(json.dumps(result_to_dict(result))))
    assert again.policies == result.policies
    assert [(f.account, f.region, f.fingerprint) for f in again.findings] == [
        (f.account, f.region, f.fingerprint) for f in result.findings
    ]
    rules = {r["id"]: r for r in render_sarif(ReportContext(result))["runs"][0]["tool"]["driver"]["rules"]}
    for policy in result.policies:
        assert rules[policy.id]["fullDescription"]["text"] == (
            policy.description or f"{policy.title} ({policy.category})."
        )
        assert all(link in rules[policy.id]["help"]["markdown"] for link in policy.references)
