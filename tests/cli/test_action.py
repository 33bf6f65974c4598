"""The composite GitHub Action (action.yml) runs its steps as GitHub would, as far as they run offline.

The install step installs the wheel built by tests/test_packaging.py into the fresh venv (the
``package`` input; its default, the action's own checkout, is the same PEP 517 build). The scan
step runs with that venv's ``mlscan`` first on PATH, ``GITHUB_OUTPUT`` set, and the inputs'
``${{ }}`` expressions resolved from their defaults; the upload step is checked to point at the
SARIF file the scan step wrote, which must be valid SARIF 2.1.0.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from report.schemas import sarif_errors

REPO = Path(__file__).resolve().parents[2]


def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def resolve(text: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    """Evaluate the ``${{ inputs.x }}`` and ``${{ steps.id.outputs.y }}`` expressions the action uses."""

    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        step, _, name = expression.removeprefix("steps.").partition(".outputs.")
        return outputs[step][name]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_step(
    step: dict, inputs: dict[str, str], outputs: dict, cwd: Path, path: str, env: dict
) -> subprocess.CompletedProcess:
    assert step["shell"] == "bash"
    step_env = {k: resolve(str(v), inputs, outputs) for k, v in step.get("env", {}).items()}
    github_output = cwd / f".github_output_{step['id']}"
    github_output.write_text("")
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MLSCAN_")},
        **env,
        **step_env,
        "GITHUB_OUTPUT": str(github_output),
        "GITHUB_ACTION_PATH": str(REPO),
        "PATH": f"{path}{os.pathsep}{os.environ['PATH']}",
    }
    # GitHub runs bash steps with `bash --noprofile --norc -eo pipefail {0}`.
    run = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", resolve(step["run"], inputs, outputs)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
    )
    pairs = [line.split("=", 1) for line in github_output.read_text().splitlines() if "=" in line]
    outputs[step["id"]] = dict(pairs)
    return run


def test_action_installs_scans_and_points_the_upload_at_valid_sarif(
    tmp_path: Path, fresh_venv: Path, wheel: Path
) -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    install, scan, upload = spec["runs"]["steps"]
    infra = tmp_path / "infra"
    shutil.copytree(REPO / "terraform" / "insecure" / "gcp", infra)
    shutil.copy(REPO / "terraform" / "plans" / "gcp-insecure.json", infra / "tfplan.json")
    inputs = {name: str(item.get("default", "")) for name, item in spec["inputs"].items()}
    inputs.update(path="infra/tfplan.json", package=str(wheel))
    outputs: dict[str, dict[str, str]] = {}
    bin_dir = str(fresh_venv / "bin")

    installed = run_step(
        install, inputs, outputs, tmp_path, bin_dir, {"PIP_NO_DEPS": "1", "PIP_FORCE_REINSTALL": "1"}
    )
    assert installed.returncode == 0, installed.stderr
    scanned = run_step(scan, inputs, outputs, tmp_path, bin_dir, {})
    assert scanned.returncode == 1, scanned.stderr  # the insecure plan fails the default gate (high)
    assert "gate failed" in scanned.stderr

    assert "always()" in upload["if"] and upload["uses"].startswith("github/codeql-action/upload-sarif@")
    sarif_file = tmp_path / resolve(upload["with"]["sarif_file"], inputs, outputs)
    sarif = json.loads(sarif_file.read_text())
    assert sarif_errors(sarif) == [] and sarif["runs"][0]["results"]
    assert resolve(spec["outputs"]["sarif-file"]["value"], inputs, outputs) == str(
        sarif_file.relative_to(tmp_path)
    )


def test_action_args_and_fail_on_inputs_reach_mlscan(tmp_path: Path, fresh_venv: Path) -> None:
    spec = action()
    scan = spec["runs"]["steps"][1]
    inputs = {name: str(item.get("default", "")) for name, item in spec["inputs"].items()}
    inputs.update(
        path=str(REPO / "terraform" / "insecure" / "aws"),
        args=f"--waivers {REPO / 'examples' / 'mlscan-waivers.yaml'} --policy MLS-HRD-001",
        **{"fail-on": "critical", "output-dir": "reports"},
    )
    scanned = run_step(scan, inputs, {}, tmp_path, str(fresh_venv / "bin"), {})
    assert scanned.returncode == 0, scanned.stderr
    result = json.loads((tmp_path / "reports" / "mlscan.sarif").read_text())
    assert {r["ruleId"] for r in result["runs"][0]["results"]} <= {"MLS-HRD-001"}
    assert (
        "waived" in (tmp_path / "reports" / "mlscan.md").read_text().lower()
        or "suppressed" in (tmp_path / "reports" / "mlscan.md").read_text().lower()
    )
