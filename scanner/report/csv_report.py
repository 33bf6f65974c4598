"""CSV: one row per finding with the controls it evidences, for spreadsheets and GRC imports.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or CR) are prefixed with a quote: tag values come from cloud
accounts and must not execute on an auditor's laptop (CSV injection).
"""

from __future__ import annotations

import csv
import io

from scanner.report.context import ReportContext

COLUMNS = (
    "policy_id",
    "title",
    "category",
    "severity",
    "status",
    "suppressed",
    "suppression_reason",
    "provider",
    "resource_kind",
    "resource_id",
    "resource_name",
    "account",
    "region",
    "file",
    "line",
    "address",
    "message",
    "remediation",
    "controls",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_csv(ctx: ReportContext) -> str:
    """The CSV document (header + one row per finding) as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in ctx.result.findings:
        row = (
            f.policy_id,
            f.title,
            f.category,
            f.severity.value,
            f.status.value,
            "yes" if f.suppressed else "no",
            f.suppressed.reason if f.suppressed else "",
            f.provider,
            f.resource_kind,
            f.resource_id,
            f.resource_name,
            f.account or "",
            f.region or "",
            f.source.file,
            f.source.line,
            f.source.address,
            f.message,
            f.remediation,
            ";".join(ctx.qualified_controls(f)),
        )
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def safe_cell(value: object) -> str:
    """The value as text, neutralized if a spreadsheet would read it (or any line of it) as a formula."""
    text = "" if value is None else str(value)
    lines = text.split("\n")
    return "\n".join("'" + line if line.startswith(_FORMULA_START) else line for line in lines)
