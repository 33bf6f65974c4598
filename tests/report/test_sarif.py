"""SARIF 2.1.0: valid against the OASIS schema, rules with help, file + line locations, suppressions."""

from __future__ import annotations

import hashlib
import json

from scanner.report.context import ReportContext
from scanner.report.formats import FILE_FORMATS
from scanner.report.sarif import render_sarif

from .schemas import SARIF_SCHEMA, sarif_errors


def test_vendored_schema_is_the_recorded_file() -> None:
    digest = hashlib.sha256(SARIF_SCHEMA.read_bytes()).hexdigest()
    assert digest == "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def test_schema_catches_an_invalid_log(ctx: ReportContext) -> None:
    log = render_sarif(ctx)
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(sarif_errors(log)) >= 2


def test_log_is_valid_sarif(ctx: ReportContext) -> None:
    log = json.loads(FILE_FORMATS["sarif"].render(ctx))
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0"


def test_rules_carry_help_text_and_severity(ctx: ReportContext) -> None:
    run = render_sarif(ctx)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"TST-ENC-001", "TST-NET-001", "TST-LOG-001", "TST-HRD-001"}
    net = rules["TST-NET-001"]
    assert net["help"]["text"] == "Fix TST-NET-001: set a customer-managed key."
    assert net["properties"]["security-severity"] == "9.5"  # first seen finding is critical
    assert "test-fw:C-NET" in net["properties"]["tags"]


def test_results_only_for_fail_and_unknown_with_terraform_locations(ctx: ReportContext) -> None:
    results = render_sarif(ctx)["runs"][0]["results"]
    assert len(results) == 6  # 4 fail + 2 unknown; passes are not reported
    enc_fail = next(r for r in results if r["ruleId"] == "TST-ENC-001" and r["kind"] == "fail")
    physical = enc_fail["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "terraform/insecure/aws/main.tf", "uriBaseId": "SRCROOT"}
    assert physical["region"] == {"startLine": 12}
    assert enc_fail["level"] == "error"
    unknown = next(r for r in results if r["ruleId"] == "TST-LOG-001")
    assert (unknown["kind"], unknown["level"]) == ("review", "none")
    live = next(r for r in results if r["ruleId"] == "TST-ENC-001" and r["kind"] == "review")
    assert "physicalLocation" not in live["locations"][0]
    assert live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("/subscriptions/")
    plan = next(r for r in results if r["ruleId"] == "TST-NET-001" and "suppressions" not in r)
    assert (
        plan["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "terraform/plans/gcp-insecure.json"
    )


def test_suppressed_finding_has_a_sarif_suppression(ctx: ReportContext) -> None:
    results = render_sarif(ctx)["runs"][0]["results"]
    (suppressed,) = [r for r in results if "suppressions" in r]
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "accepted for the demo"}
    ]


def test_absolute_paths_become_relative_to_the_base(ctx: ReportContext, tmp_path) -> None:
    from dataclasses import replace

    from scanner.model import Source

    moved = tuple(
        replace(f, source=Source("hcl", str(tmp_path / "stack" / "main.tf"), 3)) for f in ctx.result.findings
    )
    log = render_sarif(replace(ctx, result=replace(ctx.result, findings=moved)), base_dir=tmp_path)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "stack/main.tf"
    assert sarif_errors(log) == []


def test_fingerprints_ignore_line_numbers(ctx: ReportContext) -> None:
    results = render_sarif(ctx)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["mlscanFinding/v1"] for r in results]
    assert len(set(prints)) == len(prints)
    expected = hashlib.sha256(b"TST-ENC-001|aws_sagemaker_endpoint.api").hexdigest()
    assert expected in prints
