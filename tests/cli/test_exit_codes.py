"""Exit codes, one meaning each (issue 11): 0 clean, 1 failing findings, 2 usage/input error, 3 a bug."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main

REPO = Path(__file__).resolve().parents[2]
INSECURE = str(REPO / "terraform" / "insecure")
BROKEN_TF = str(REPO / "tests" / "iac" / "fixtures" / "broken.tf")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("option", ["--policy", "--skip-policy"])
def test_policy_id_or_glob_matching_nothing_is_exit_2(option: str) -> None:
    result = run("iac", INSECURE, option, "MLS-XXX-999", "-q")
    assert result.exit_code == 2 and "'MLS-XXX-999' matches no policy" in result.output


def test_a_selection_that_leaves_no_policy_is_exit_2() -> None:
    result = run("iac", INSECURE, "--policy", "MLS-NET-*", "--category", "logging", "-q")
    assert result.exit_code == 2 and "no policy is left to run" in result.output


@pytest.mark.parametrize(
    "content", ["{", "", '{"version": "2.1.0", "runs": []}', "# README\n", '{"format_version": "1.2"}']
)
def test_a_lone_input_that_cannot_be_scanned_is_exit_2(tmp_path: Path, content: str) -> None:
    plan = tmp_path / "input.json"
    plan.write_text(content)
    for target in (str(plan), BROKEN_TF):
        result = run("iac", target, "-q")
        assert result.exit_code == 2, (target, result.output)


def test_report_on_something_that_is_not_an_mlscan_result_is_exit_2(tmp_path: Path) -> None:
    sarif = tmp_path / "mlscan.sarif"
    sarif.write_text(json.dumps({"version": "2.1.0", "runs": []}))
    result = run("report", str(sarif))
    assert result.exit_code == 2 and "not an mlscan JSON result" in result.output
    assert "0 findings" not in result.output


def test_invalid_user_policy_or_framework_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "bad.yaml").write_text("id: [unclosed\n")
    result = run("iac", INSECURE, "--policies", str(tmp_path / "policies"), "-q")
    assert result.exit_code == 2 and "bad.yaml" in result.output
    (tmp_path / "fw.yaml").write_text("id: x\n")
    result = run("iac", INSECURE, "--frameworks", str(tmp_path / "fw.yaml"), "-q", "--fail-on", "never")
    assert result.exit_code == 2 and "fw.yaml" in result.output


def test_markup_in_a_path_is_printed_not_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "a[/b]"  # a folder "a[" holding "b]", as in the issue
    folder.mkdir(parents=True)
    shutil.copy(REPO / "terraform" / "insecure" / "aws" / "main.tf", folder / "main.tf")
    result = run("iac", str(tmp_path))  # paths are shown relative to the scan root: a[/b]/main.tf
    assert result.exit_code == 1, result.output
    assert "a[/b]" in result.output and "MarkupError" not in result.output


def test_strict_makes_any_scan_error_exit_2_and_machine_formats_say_so(tmp_path: Path) -> None:
    lenient = run("iac", INSECURE, BROKEN_TF, "-q", "--fail-on", "never")
    assert lenient.exit_code == 0 and "invalid HCL" in lenient.output
    strict = run("iac", INSECURE, BROKEN_TF, "-q", "--fail-on", "never", "--strict")
    assert strict.exit_code == 2 and "--strict" in strict.output
    out = tmp_path / "out"
    run("iac", INSECURE, BROKEN_TF, "-q", "--format", "sarif", "--format", "json", "--output-dir", str(out))
    sarif = json.loads((out / "mlscan.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    summary = json.loads((out / "mlscan.json").read_text())["summary"]
    assert summary["errors"] == 1 and summary["complete"] is False


def test_an_unexpected_exception_is_exit_3_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.pipeline

    def broken(*args, **kwargs):
        raise AttributeError("'Unknown' object has no attribute 'get'")

    monkeypatch.setattr(scanner.pipeline, "run_scan", broken)
    monkeypatch.setattr("scanner.app.run_scan", broken)
    result = run("iac", INSECURE, "-q")
    assert result.exit_code == 3
    (line,) = [text for text in result.output.splitlines() if "internal error" in text]
    assert "AttributeError" in line and "scanner/" in line and "--debug" in line
    assert "Traceback" not in result.output
    debug = run("iac", INSECURE, "-q", "--debug")
    assert debug.exit_code == 3 and "Traceback (most recent call last)" in debug.output


def test_a_missing_extra_names_the_install_with_brackets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto", None)
    monkeypatch.setitem(sys.modules, "moto.server", None)
    result = run("demo", "--output-dir", "unused")
    assert result.exit_code == 2, result.output
    assert "needs the sandbox extra" in result.output and "mlscan[sandbox]" in result.output
