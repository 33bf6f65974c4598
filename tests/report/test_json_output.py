"""The JSON result is compact by default, indented with --pretty, and the roll-up references findings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main


def _scan(tmp_path: Path, repo_root: Path, *extra: str) -> tuple[str, dict]:
    out = tmp_path / "r.json"
    run = CliRunner().invoke(
        main,
        [
            "iac",
            str(repo_root / "terraform" / "insecure"),
            "--format",
            "json",
            "-o",
            str(out),
            "--fail-on",
            "never",
            *extra,
        ],
    )
    assert run.exit_code == 0, run.output
    text = out.read_text()
    return text, json.loads(text)


def test_compact_by_default_and_indented_with_pretty(tmp_path, repo_root):
    compact, data = _scan(tmp_path, repo_root)
    pretty, same = _scan(tmp_path, repo_root, "--pretty")
    assert compact.count("\n") == 1 and pretty.count("\n") > len(data["findings"])
    for key in ("started_at", "finished_at", "command"):
        data.pop(key), same.pop(key)
    assert data == same


def test_compliance_controls_reference_the_findings_instead_of_copying_them(tmp_path, repo_root):
    _, data = _scan(tmp_path, repo_root)
    findings = data["findings"]
    referenced = 0
    for framework in data["compliance"]:
        for control in framework["controls"]:
            assert "findings" not in control
            picked = [findings[i] for i in control["finding_indexes"]]
            assert all(f["policy_id"] in control["policies"] for f in picked)
            if control["status"] == "fail":
                assert any(f["status"] == "fail" for f in picked)
            if control["status"] == "pass":
                assert picked and all(f["status"] == "pass" for f in picked)
            referenced += len(picked)
    assert referenced > 0


def test_every_finding_carries_the_controls_the_roll_up_counts_it_under(tmp_path, repo_root):
    _, data = _scan(tmp_path, repo_root)
    assert data["schema_version"] == "3"
    expected: dict[int, dict[str, list[str]]] = {i: {} for i in range(len(data["findings"]))}
    for framework in data["compliance"]:
        for control in framework["controls"]:
            for index in control["finding_indexes"]:
                expected[index].setdefault(framework["id"], []).append(control["id"])
    assert any("cis-azure-ml" in c for c in expected.values())  # a framework limited to one cloud
    for index, finding in enumerate(data["findings"]):
        assert finding["controls"] == expected[index], finding["policy_id"]
    assert all(p["help_uri"].endswith(f"#{p['id'].lower()}") for p in data["policies"])


def _schema_errors(document: dict) -> list[str]:
    from jsonschema import Draft202012Validator

    schema_path = Path(__file__).resolve().parents[2] / "scanner" / "report" / "result.schema.json"
    validator = Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_the_result_validates_against_the_shipped_json_schema(tmp_path, repo_root, ctx):
    from scanner.report.formats import FILE_FORMATS
    from scanner.report.json_contract import SCHEMA_VERSION

    _, scanned = _scan(tmp_path, repo_root)
    sample = json.loads(FILE_FORMATS["json"].render(ctx))  # live, plan, suppressed, unknown, an error
    assert sample["findings"][0]["controls"] == {"test-fw": ["C-ENC"]}
    for document in (scanned, sample):
        assert document["schema_version"] == SCHEMA_VERSION
        assert _schema_errors(document) == []
    broken = {**sample, "findings": [{k: v for k, v in sample["findings"][0].items() if k != "controls"}]}
    assert any("'controls' is a required property" in e for e in _schema_errors(broken))
