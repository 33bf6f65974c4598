"""JUnit XML, for CI systems that show test results (GitLab, Jenkins, Azure DevOps).

One test suite per policy, one test case per resource it judged: a failing
finding is a ``<failure>``, an unknown one is ``<skipped>`` with the reason (it
was not verified, so it is neither a pass nor a failure), an error is ``<error>``,
and a suppressed failure is ``<skipped>`` naming the accepted risk.
ElementTree does the XML escaping; characters XML 1.0 cannot carry at all (control
characters, lone surrogates, U+FFFE/U+FFFF), which any resource name or tag may hold,
are written as visible ``\\uXXXX`` text so the document stays well-formed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from scanner.model import Finding, Status
from scanner.report.context import ReportContext


def render_junit(ctx: ReportContext) -> str:
    """The JUnit XML document as text."""
    by_policy: dict[str, list[Finding]] = {}
    for finding in ctx.result.findings:
        by_policy.setdefault(finding.policy_id, []).append(finding)
    root = ET.Element("testsuites", name="mlscan")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for policy_id, findings in sorted(by_policy.items()):
        suite = ET.SubElement(root, "testsuite", name=f"{policy_id} {findings[0].title}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for finding in findings:
            counts["tests"] += 1
            outcome = _add_case(suite, finding, ctx.qualified_controls(finding))
            if outcome:
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    _make_well_formed(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _add_case(suite: ET.Element, finding: Finding, controls: list[str]) -> str | None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{finding.provider}:{finding.resource_kind} {finding.resource_name}",
        classname=finding.policy_id,
        file=finding.source.file or "",
    )
    if finding.source.line:
        case.set("line", str(finding.source.line))
    detail = "\n".join(
        line
        for line in (
            f"resource: {finding.resource_id}",
            f"where: {finding.source}",
            f"severity: {finding.severity.value}",
            f"controls: {', '.join(controls)}" if controls else "",
            f"remediation: {finding.remediation}" if finding.remediation else "",
        )
        if line
    )
    if finding.suppressed is not None and finding.status is not Status.PASS:
        ET.SubElement(
            case, "skipped", message=f"suppressed ({finding.suppressed.origin}): {finding.suppressed.reason}"
        )
        return "skipped"
    if finding.status is Status.FAIL:
        failure = ET.SubElement(case, "failure", message=finding.message, type=finding.severity.value)
        failure.text = detail
        return "failures"
    if finding.status is Status.ERROR:
        error = ET.SubElement(case, "error", message=finding.message)
        error.text = detail
        return "errors"
    if finding.status is Status.UNKNOWN:
        ET.SubElement(case, "skipped", message=f"unknown: {finding.message}")
        return "skipped"
    return None


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by its visible ``\\uXXXX`` escape."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _make_well_formed(root: ET.Element) -> None:
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
        if element.text:
            element.text = xml_text(element.text)
