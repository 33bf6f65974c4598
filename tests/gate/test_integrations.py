"""The shipped integrations really run: the pre-commit hook entry and the CI examples' commands.

The commands are run as the CI services would run them (bash, the mlscan console
script on PATH, the job's environment), against the reference stacks. Terraform
cannot download providers here, so the plan JSON the `terraform show -json` step
would produce is stood in for by terraform/plans/<cloud>-*.json; the terraform
step itself is run for real on a provider-less module to prove its flags.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from report.schemas import sarif_errors

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run_shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=full_env, capture_output=True, text=True, check=False
    )


def workspace(tmp_path: Path, stack: str, cloud: str = "gcp") -> Path:
    """A checkout with infra/ = the reference stack and infra/tfplan.json = its plan JSON."""
    infra = tmp_path / "infra"
    shutil.copytree(REPO / "terraform" / stack / cloud, infra)
    shutil.copy(REPO / "terraform" / "plans" / f"{cloud}-{stack}.json", infra / "tfplan.json")
    return tmp_path


def github_workflow() -> dict:
    return yaml.safe_load((REPO / "examples" / "ci" / "github-actions.yml").read_text())


def github_step(step_id: str) -> dict:
    steps = github_workflow()["jobs"]["mlscan"]["steps"]
    return next(s for s in steps if s.get("id") == step_id)


def test_github_workflow_mlscan_step_gates_and_writes_valid_sarif(tmp_path: Path) -> None:
    job_env = github_workflow()["jobs"]["mlscan"]["env"]
    root = workspace(tmp_path, "insecure")
    run = run_shell(github_step("mlscan")["run"], root, job_env)
    assert run.returncode == 1, run.stderr
    assert "gate failed" in run.stderr
    report = root / "mlscan-report"
    sarif = json.loads((report / "mlscan.sarif").read_text())
    assert sarif_errors(sarif) == [] and sarif["runs"][0]["results"]
    assert (report / "mlscan.md").read_text().startswith("## mlscan: :x:")
    ET.parse(report / "mlscan.junit.xml")
    upload = next(
        s for s in github_workflow()["jobs"]["mlscan"]["steps"] if "upload-sarif" in s.get("uses", "")
    )
    assert (root / upload["with"]["sarif_file"]).is_file()
    # the plan sits beside its .tf sources: every result annotates the .tf line that declares it
    for result in sarif["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert (
            physical["artifactLocation"]["uri"].startswith("infra/") and physical["region"]["startLine"] > 0
        )
        assert physical["artifactLocation"]["uri"].endswith(".tf"), physical


def test_docs_ci_md_shows_the_shipped_pipelines_verbatim() -> None:
    doc = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        shipped = (REPO / "examples" / "ci" / name).read_text(encoding="utf-8")
        assert f"```yaml\n{shipped}```" in doc, f"docs/ci.md does not show examples/ci/{name} as shipped"


def test_github_workflow_passes_a_secure_plan(tmp_path: Path) -> None:
    job_env = github_workflow()["jobs"]["mlscan"]["env"]
    root = workspace(tmp_path, "secure")
    run = run_shell(github_step("mlscan")["run"], root, job_env)
    assert run.returncode == 0, run.stderr


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform binary not installed")
def test_github_workflow_terraform_step_produces_plan_json(tmp_path: Path) -> None:
    module = tmp_path / "infra"
    module.mkdir()
    (module / "main.tf").write_text('output "ready" {\n  value = true\n}\n')
    step = github_step("plan")
    run = run_shell(step["run"], module, {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"})
    assert run.returncode == 0, run.stderr
    plan = json.loads((module / "tfplan.json").read_text())
    assert plan["format_version"].startswith("1.")
    scan = run_shell("mlscan iac tfplan.json --format json -q", module, {})
    assert scan.returncode == 0 and json.loads(scan.stdout)["summary"]["resources"] == 0


def test_gitlab_mlscan_job_script(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "examples" / "ci" / "gitlab-ci.yml").read_text())
    job = config["mlscan"]
    assert config["terraform-plan"]["script"][-1] == "terraform show -json tfplan > tfplan.json"
    root = workspace(tmp_path, "insecure", "azure")
    run = run_shell("\n".join(job["script"]), root, config["variables"])
    assert run.returncode == 1, run.stderr
    junit = ET.parse(root / job["artifacts"]["reports"]["junit"]).getroot()
    assert int(junit.get("failures")) > 0


def precommit_hook() -> dict:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return hook


def test_precommit_hook_entry_scans_changed_modules() -> None:
    hook = precommit_hook()
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    files = ["terraform/insecure/aws/main.tf", "README.md"]
    command = " ".join([hook["entry"], *map(shlex.quote, hook["args"]), *files])
    insecure = run_shell(command, REPO, {})
    assert insecure.returncode == 1, insecure.stderr
    assert "gate failed" in insecure.stderr and "terraform/insecure/aws/main.tf" in insecure.stderr
    secure = run_shell(" ".join([hook["entry"], *hook["args"], "terraform/secure/aws/main.tf"]), REPO, {})
    assert secure.returncode == 0, secure.stderr
    nothing = run_shell(" ".join([hook["entry"], *hook["args"], "README.md"]), REPO, {})
    assert nothing.returncode == 0 and nothing.stdout == ""


def test_precommit_targets_are_module_directories() -> None:
    from scanner.cli.precommit import split_arguments, targets_for

    assert targets_for(["a/main.tf", "a/vars.tf", "b/x.tf", "plan.json", "notes.md"]) == [
        "a",
        "b",
        "plan.json",
    ]
    options, files = split_arguments(
        ["--fail-on", "high", str(REPO / "terraform" / "secure" / "aws" / "main.tf")]
    )
    assert options == ["--fail-on", "high"] and len(files) == 1
