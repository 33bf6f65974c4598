"""End to end through the CLI: `mlscan iac terraform/insecure` in every format, and `mlscan report` re-rendering."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.report.json_contract import result_to_dict

from .sample import sample_result
from .schemas import sarif_errors

ALL = ["json", "html", "markdown", "sarif", "junit", "csv", "ocsf"]


def formats(*names: str) -> list[str]:
    return [arg for name in names for arg in ("--format", name)]


@pytest.fixture(scope="module")
def insecure_reports(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> tuple[int, Path, str]:
    out = tmp_path_factory.mktemp("insecure")
    runner = CliRunner()
    args = [
        "iac",
        str(repo_root / "terraform" / "insecure"),
        *formats("console", *ALL),
        "--output-dir",
        str(out),
    ]
    run = runner.invoke(main, args)
    return run.exit_code, out, run.output


def test_insecure_stack_fails_the_gate_and_writes_every_format(
    insecure_reports: tuple[int, Path, str],
) -> None:
    code, out, output = insecure_reports
    assert code == 1, output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "mlscan.json",
            "mlscan.html",
            "mlscan.md",
            "mlscan.sarif",
            "mlscan.junit.xml",
            "mlscan.csv",
            "mlscan.ocsf.json",
        ]
    )
    assert "gate failed" in output and re.search(
        r"^CIS Critical Security Controls 8.1 +\d+ +\d+ +\d+ +\d+$", output, re.M
    )


def test_insecure_sarif_is_valid_and_points_at_terraform_lines(
    insecure_reports: tuple[int, Path, str],
) -> None:
    _, out, _ = insecure_reports
    log = json.loads((out / "mlscan.sarif").read_text())
    assert sarif_errors(log) == []
    results = log["runs"][0]["results"]
    assert results, "the insecure stack must produce SARIF results"
    located = [r for r in results if r["locations"][0].get("physicalLocation", {}).get("region")]
    assert located, "HCL findings must carry file and line"
    for result in located:
        physical = result["locations"][0]["physicalLocation"]
        path = Path(physical["artifactLocation"]["uri"])
        assert path.suffix == ".tf" and physical["region"]["startLine"] >= 1
    rule_ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert all(r["help"]["text"] for r in log["runs"][0]["tool"]["driver"]["rules"])
    assert {r["ruleId"] for r in results} <= rule_ids


def test_insecure_json_has_compliance_rollup(insecure_reports: tuple[int, Path, str]) -> None:
    _, out, _ = insecure_reports
    data = json.loads((out / "mlscan.json").read_text())
    by_id = {fw["id"]: fw for fw in data["compliance"]}
    hipaa = {c["id"]: c for c in by_id["hipaa-security-rule"]["controls"]}
    assert hipaa["164.312(a)(2)(iv)"]["status"] == "fail"
    assert hipaa["164.308(a)(1)(ii)(A)"]["status"] == "not_assessed"
    assert all(fw["counts"]["fail"] > 0 for fw in by_id.values())


def test_secure_stack_passes_the_gate(repo_root: Path, tmp_path: Path) -> None:
    run = CliRunner().invoke(
        main,
        ["iac", str(repo_root / "terraform" / "secure"), "--format", "json", "-o", str(tmp_path / "r.json")],
    )
    assert run.exit_code == 0, run.output
    data = json.loads((tmp_path / "r.json").read_text())
    hipaa = next(fw for fw in data["compliance"] if fw["id"] == "hipaa-security-rule")
    controls = {c["id"]: c for c in hipaa["controls"]}
    assert controls["164.312(a)(2)(iv)"]["status"] == "pass"  # every encryption finding passed
    assert controls["164.308(a)(1)(ii)(A)"]["status"] == "not_assessed"


def test_single_format_goes_to_stdout(repo_root: Path) -> None:
    run = CliRunner().invoke(
        main,
        [
            "iac",
            str(repo_root / "terraform" / "insecure" / "aws"),
            "--format",
            "sarif",
            "--fail-on",
            "never",
            "-q",
        ],
    )
    assert run.exit_code == 0
    assert sarif_errors(json.loads(run.stdout)) == []


def test_console_and_one_file_format_go_to_the_report_directory(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    stack = str(repo_root / "terraform" / "secure" / "aws")
    run = CliRunner().invoke(main, ["iac", stack, *formats("console", "csv")])
    assert run.exit_code == 0
    assert (tmp_path / "mlscan-report" / "mlscan.csv").is_file()
    assert "policy_id,title" not in run.stdout  # the CSV did not go to the terminal


def test_output_with_several_formats_is_a_usage_error(repo_root: Path, tmp_path: Path) -> None:
    run = CliRunner().invoke(
        main,
        ["iac", str(repo_root / "terraform" / "secure"), *formats("json", "csv"), "-o", str(tmp_path / "x")],
    )
    assert run.exit_code == 2 and "--output: takes exactly one" in run.output


def test_report_rerenders_a_saved_result(tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(json.dumps(result_to_dict(sample_result())))
    run = CliRunner().invoke(
        main, ["report", str(saved), *formats(*ALL), "--output-dir", str(tmp_path / "out")]
    )
    assert run.exit_code == 0, run.output  # report defaults to --fail-on never
    again = json.loads((tmp_path / "out" / "mlscan.json").read_text())
    original = result_to_dict(sample_result())
    assert again["findings"] == original["findings"] and again["resources"] == original["resources"]
    assert "compliance" in again
    html = (tmp_path / "out" / "mlscan.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    gated = CliRunner().invoke(main, ["report", str(saved), "--fail-on", "high", "-q"])
    assert gated.exit_code == 1


def test_report_rejects_bad_json_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"findings": [\n  oops]}')
    run = CliRunner().invoke(main, ["report", str(bad)])
    assert run.exit_code == 2 and f"{bad}:2: invalid JSON" in run.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"findings": [{"policy_id": "x"}]}')
    run = CliRunner().invoke(main, ["report", str(wrong)])
    assert run.exit_code == 2 and "not an mlscan JSON result" in run.stderr
