"""Markdown (PR comment), JUnit XML, CSV and OCSF renderers."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

from scanner.model import Resource, Source
from scanner.report.context import ReportContext
from scanner.report.csv_report import render_csv
from scanner.report.formats import FILE_FORMATS
from scanner.report.human import render_markdown
from scanner.report.junit import render_junit
from scanner.report.ocsf import render_ocsf
from scanner.report.templates import markdown_escape


def test_markdown_failing_first_and_details_folded(ctx: ReportContext) -> None:
    md = render_markdown(ctx)
    assert md.startswith("## mlscan: :x: 3 failing findings\n")
    failing = md.index("### Failing")
    rows = [
        line
        for line in md[failing:].splitlines()
        if line.startswith("| critical") or line.startswith("| high") or line.startswith("| low")
    ]
    assert [r.split("|")[1].strip() for r in rows[:3]] == ["critical", "high", "low"]
    assert md.count("<details>") == 4 and md.count("</details>") == 4
    assert "fail (suppressed)" in md and "accepted for the demo" in md
    assert "Test Framework 1.0 | 3 | 1 | 0 | 2 |" in md


def test_markdown_escapes_and_caps_rows(ctx: ReportContext) -> None:
    assert markdown_escape("a|b <script> *x*\nnext") == "a\\|b \\<script\\> \\*x\\* next"
    hostile = replace(ctx.result.findings[0], message="<img src=x onerror=alert(1)> | pipe")
    result = replace(ctx.result, findings=(hostile,) * 5)
    md = render_markdown(replace(ctx, result=result), max_rows=2)
    assert not re.search(r"(?<!\\)<img", md) and "\\<img src=x onerror=alert\\(1\\)\\> \\| pipe" in md
    assert "…and 3 more" in md


def test_markdown_clean_scan() -> None:
    from scanner.model import ScanResult

    empty = ScanResult((), (), (), "t0", "t1")
    assert render_markdown(ReportContext(empty)).startswith(
        "## mlscan: :white_check_mark: no failing findings"
    )


def test_junit_counts_and_outcomes(ctx: ReportContext) -> None:
    root = ET.fromstring(render_junit(ctx))
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "8",
        "failures": "3",
        "errors": "0",
        "skipped": "3",
    }
    suites = {s.get("name").split()[0]: s for s in root.iter("testsuite")}
    enc = suites["TST-ENC-001"]
    (failure,) = enc.iter("failure")
    assert failure.get("type") == "high" and "remediation: Fix TST-ENC-001" in failure.text
    assert "controls: test-fw:C-ENC" in failure.text
    case = next(c for c in enc.iter("testcase") if c.find("failure") is not None)
    assert (case.get("file"), case.get("line")) == ("terraform/insecure/aws/main.tf", "12")
    skipped = [s.get("message") for s in root.iter("skipped")]
    assert "suppressed (inline): accepted for the demo" in skipped


def test_csv_rows_columns_and_formula_injection(ctx: ReportContext) -> None:
    hostile = replace(ctx.result.findings[0], message='=HYPERLINK("http://x")', resource_name="+cmd")
    result = replace(ctx.result, findings=(*ctx.result.findings, hostile))
    rows = list(csv.DictReader(io.StringIO(render_csv(replace(ctx, result=result)))))
    assert len(rows) == 9
    first = rows[0]
    assert first["policy_id"] == "TST-ENC-001" and first["file"] == "terraform/insecure/aws/main.tf"
    assert (
        first["line"] == "12" and first["account"] == "123456789012" and first["controls"] == "test-fw:C-ENC"
    )
    assert rows[-1]["message"] == '\'=HYPERLINK("http://x")' and rows[-1]["resource_name"] == "'+cmd"
    assert rows[5]["suppressed"] == "yes" and rows[5]["suppression_reason"] == "accepted for the demo"


def test_ocsf_compliance_findings_validate(ctx: ReportContext) -> None:
    events = json.loads(FILE_FORMATS["ocsf"].render(ctx))
    assert len(events) == len(ctx.result.findings)
    for event in events:
        model = ComplianceFinding.model_validate(event)
        assert model.class_uid == 2003 and int(model.type_uid) == 200301
        assert "compliance" not in event["unmapped"]
    first = events[0]
    assert (first["severity_id"], first["status"], first["status_code"]) == (4, "New", "FAIL")
    assert first["cloud"]["account"]["uid"] == "123456789012" and first["cloud"]["provider"] == "AWS"
    assert first["resources"][0]["type"] == "aws_sagemaker_endpoint"
    assert first["remediation"]["desc"].startswith("Fix TST-ENC-001")
    assert first["time"] == 1795514402000  # 2026-11-24T10:00:02Z
    assert {e["status"] for e in events} == {"New", "Resolved", "Suppressed"}
    compliance = ComplianceFinding.model_validate(first).compliance
    assert compliance.standards == ["Test Framework 1.0"] and compliance.requirements == ["test-fw:C-ENC"]
    assert (compliance.control, int(compliance.status_id)) == ("TST-ENC-001", 3)
    (check,) = compliance.checks
    assert (check.uid, check.status, check.standards) == ("TST-ENC-001", "Fail", ["Test Framework 1.0"])
    by_status = {f.status.value: e["compliance"] for f, e in zip(ctx.result.findings, events, strict=True)}
    assert (by_status["pass"]["status_id"], by_status["unknown"]["status_id"]) == (1, 2)  # 2 = Warning
    assert by_status["unknown"]["status"] == "Warning"
    mixed = next(e for e in events if e["metadata"]["event_code"] == "TST-LOG-001")
    assert mixed["compliance"]["requirements"] == ["test-fw:C-LOG", "test-fw:C-MIXED"]


def test_ocsf_resource_without_details() -> None:
    from scanner.model import Finding, ScanResult, Severity, Status

    f = Finding(
        "P", "t", "network", Severity.LOW, Status.FAIL, "r", "endpoint", "r", "gcp", "m", Source("live")
    )
    ctx = ReportContext(
        ScanResult((Resource("gcp", "s", "endpoint", "other", "o", Source("live")),), (f,), (), "", "")
    )
    (event,) = render_ocsf(ctx)
    ComplianceFinding.model_validate(event)
    assert event["compliance"]["requirements"] == [] and event["compliance"]["standards"] == []
    assert event["resources"] == [
        {"uid": "r", "name": "r", "type": "endpoint", "group": {"name": "endpoint"}}
    ]
