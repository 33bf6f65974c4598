"""`mlscan iac` end to end through click: exit codes, the JSON contract, bad input among good."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main

POLICY = """\
id: TEST-NET-001
title: Notebook has no direct internet access
description: Direct internet access lets a notebook exfiltrate training data.
category: network
severity: high
applies_to:
  kinds: [notebook]
assert:
  key: facts.notebook.direct_internet
  op: equals
  value: false
remediation:
  terraform: Set direct_internet_access = "Disabled".
examples:
  pass:
    - {provider: aws, facts: {notebook.direct_internet: false}}
  fail:
    - {provider: aws, facts: {notebook.direct_internet: true}}
"""

NOTEBOOKS = """\
resource "aws_sagemaker_notebook_instance" "open" {
  name          = "open"
  role_arn      = "arn:aws:iam::123456789012:role/nb"
  instance_type = "ml.t3.medium"
}

resource "aws_sagemaker_notebook_instance" "closed" {
  name                   = "closed"
  role_arn               = "arn:aws:iam::123456789012:role/nb"
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Disabled"
}

resource "aws_sagemaker_notebook_instance" "accepted" {
  # mlscan:skip=TEST-NET-001 sandbox notebook, no data (JIRA SEC-1)
  name          = "accepted"
  role_arn      = "arn:aws:iam::123456789012:role/nb"
  instance_type = "ml.t3.medium"
}
"""


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "TEST-NET-001.yaml").write_text(POLICY)
    tf = tmp_path / "tf"
    tf.mkdir()
    (tf / "main.tf").write_text(textwrap.dedent(NOTEBOOKS))
    (tf / "broken.tf").write_text('resource "aws_sagemaker_model" "m" {\n  name = = 1\n}\n')
    return policies, tf


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_json_contract_with_defaults_resolved_suppressions_and_file_errors(tmp_path):
    policies, tf = _setup(tmp_path)
    out = tmp_path / "result.json"
    result = _run(
        "iac", str(tf), "--no-builtin", "--policies", str(policies), "--format", "json", "-o", str(out)
    )
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text())
    assert data["tool"]["name"] == "mlscan"
    statuses = {f["resource_name"]: (f["status"], f["suppressed"]) for f in data["findings"]}
    # an omitted direct_internet_access is AWS's default, Enabled: it fails (unlike Checkov CKV_AWS_122)
    assert statuses["open"] == ("fail", None)
    assert statuses["closed"] == ("pass", None)
    assert statuses["accepted"][0] == "fail" and statuses["accepted"][1]["reason"].startswith(
        "sandbox notebook"
    )
    failing = next(f for f in data["findings"] if f["resource_name"] == "open")
    assert failing["source"]["file"].endswith("main.tf") and failing["source"]["line"] == 1
    assert failing["policy_id"] == "TEST-NET-001" and failing["severity"] == "high"
    resource = next(r for r in data["resources"] if r["name"] == "open")
    assert resource["facts"]["notebook.direct_internet"] is True
    (error,) = data["errors"]
    assert error["where"].endswith("broken.tf:2:10") and "invalid HCL" in error["reason"]
    assert data["summary"]["by_status"]["fail"] == 2 and data["summary"]["suppressed"] == 1


def test_fail_on_threshold_decides_the_exit_code(tmp_path):
    policies, tf = _setup(tmp_path)
    base = ["iac", str(tf), "--no-builtin", "--policies", str(policies), "-q"]
    assert _run(*base, "--fail-on", "critical").exit_code == 0
    assert _run(*base, "--fail-on", "high").exit_code == 1
    assert _run(*base, "--fail-on", "never").exit_code == 0


def test_missing_path_is_a_usage_error_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["iac", str(tmp_path / "absent")])
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_policy_test_command_fails_loudly_on_a_policy_that_cannot_fail(tmp_path):
    policies, _tf = _setup(tmp_path)
    assert _run("policy", "test", str(policies)).exit_code == 0
    broken = POLICY.replace("value: false\nremediation", "value: true\nremediation")
    (policies / "TEST-NET-001.yaml").write_text(broken)
    result = CliRunner().invoke(main, ["policy", "test", str(policies)])
    assert result.exit_code == 1
    assert "FAIL TEST-NET-001 pass[0]: expected pass, got fail" in result.output


def test_policy_validate_names_file_and_line(tmp_path):
    policies, _tf = _setup(tmp_path)
    (policies / "bad.yaml").write_text(POLICY.replace("category: network", "category: networking"))
    result = CliRunner().invoke(main, ["policy", "validate", str(policies)])
    assert result.exit_code == 1
    assert f"{policies / 'bad.yaml'}:4" in result.output


def test_facts_markdown_is_what_docs_facts_md_holds(repo_root):
    result = _run("facts", "--markdown")
    assert result.output == (repo_root / "docs" / "facts.md").read_text(), (
        "regenerate: mlscan facts --markdown"
    )


def test_console_shows_the_leakage_risk_of_each_endpoint_worst_first(repo_root):
    args = ["iac", str(repo_root / "terraform" / "insecure"), "--fail-on", "never"]
    result = CliRunner().invoke(main, args, env={"COLUMNS": "300"}, catch_exceptions=False)
    assert result.exit_code == 0
    assert "Training-data leakage risk per endpoint" in result.output
    assert "reachable from the internet" in result.output


def test_reference_stacks_secure_has_nothing_at_or_above_high_and_insecure_fails(repo_root):
    stacks = repo_root / "terraform"
    secure = [str(stacks / "secure"), *map(str, sorted((stacks / "plans").glob("*-secure.json")))]
    insecure = [str(stacks / "insecure"), *map(str, sorted((stacks / "plans").glob("*-insecure.json")))]
    assert _run("iac", *secure, "-q", "--fail-on", "high").exit_code == 0
    assert _run("iac", *insecure, "-q", "--fail-on", "high").exit_code == 1


def test_a_missing_policy_directory_is_a_usage_error(tmp_path, repo_root):
    result = CliRunner().invoke(
        main, ["iac", str(repo_root / "terraform"), "--policies", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_quiet_still_reports_each_error_on_one_stderr_line(tmp_path):
    policies, tf = _setup(tmp_path)
    result = CliRunner().invoke(main, ["iac", str(tf), "--no-builtin", "--policies", str(policies), "-q"])
    lines = [line for line in result.stderr.splitlines() if line.startswith("mlscan: error:")]
    assert len(lines) == 1 and "broken.tf:2" in lines[0] and "invalid HCL" in lines[0]
