"""A plan scanned with its .tf sources beside it annotates the .tf line that declares each resource."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main


def scan(*args: str) -> dict:
    run = CliRunner().invoke(main, ["iac", *args, "--fail-on", "never", "--format", "json"])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def sarif(*args: str) -> dict:
    run = CliRunner().invoke(main, ["iac", *args, "--fail-on", "never", "--format", "sarif"])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def test_plan_findings_point_at_the_declaring_tf_line(repo_root: Path, tmp_path: Path, monkeypatch) -> None:
    for name in ("main.tf", "tfplan.json"):
        shutil.copy(repo_root / "examples" / "plan" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    hcl_lines = {r["name"]: r["source"]["line"] for r in scan("main.tf")["resources"]}
    planned = {r["name"]: r["source"] for r in scan("tfplan.json")["resources"]}
    assert planned and all(s["kind"] == "plan" for s in planned.values())
    assert {name: s.get("declared_line") for name, s in planned.items()} == {
        n: hcl_lines.get(n) for n in planned
    }

    results = sarif("tfplan.json")["runs"][0]["results"]
    assert results
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "main.tf", "uriBaseId": "SRCROOT"}
        assert physical["region"]["startLine"] in hcl_lines.values()


def test_a_plan_without_its_sources_keeps_the_plan_location(
    repo_root: Path, tmp_path: Path, monkeypatch
) -> None:
    shutil.copy(repo_root / "examples" / "plan" / "tfplan.json", tmp_path / "tfplan.json")
    monkeypatch.chdir(tmp_path)
    results = sarif("tfplan.json")["runs"][0]["results"]
    assert results and all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tfplan.json" for r in results
    )
