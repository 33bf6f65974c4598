"""The view model the HTML and Markdown templates render: counts, chart bars, grouped findings.

Computing these in Python keeps the templates free of logic (so a user's
``--template-dir`` override stays simple) and lets tests check the numbers
without parsing HTML.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from scanner import __version__
from scanner.model import Finding, PolicyInfo, ScanResult, Severity, Status
from scanner.report.context import ReportContext
from scanner.report.control_view import control_rows
from scanner.report.json_contract import summarize
from scanner.report.trend_svg import trend_charts
from scanner.report.where import origin, resource_origin

SEVERITY_COLORS = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#f59e0b",
    "low": "#3b82f6",
    "info": "#6b7280",
}
STATUS_COLORS = {
    "fail": "#dc2626",
    "unknown": "#f59e0b",
    "error": "#a21caf",
    "pass": "#16a34a",
    "not_assessed": "#9ca3af",
    "suppressed": "#6b7280",
}
RISK_COLORS = {"critical": "#7f1d1d", "high": "#dc2626", "medium": "#f59e0b", "low": "#16a34a"}


@dataclass(frozen=True)
class Bar:
    """One bar of an inline SVG bar chart."""

    label: str
    value: int
    width: float
    """Bar length in percent of the longest bar (0-100)."""
    color: str


def bars(counts: dict[str, int], colors: dict[str, str] | None = None, default: str = "#2563eb") -> list[Bar]:
    """Bars for a chart, longest = 100%; zero counts kept so every category is visible."""
    top = max(counts.values(), default=0) or 1
    return [
        Bar(label, value, round(100.0 * value / top, 1), (colors or {}).get(label, default))
        for label, value in counts.items()
    ]


def anchor(resource_id: str) -> str:
    """A stable HTML id for a resource (ids such as ARNs contain characters unfit for fragments)."""
    return "res-" + hashlib.sha1(resource_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def finding_sort_key(finding: Finding) -> tuple[Any, ...]:
    """Failing first, worst severity first, suppressed last."""
    order = {Status.FAIL: 0, Status.ERROR: 1, Status.UNKNOWN: 2, Status.PASS: 3}
    return (finding.suppressed is not None, order[finding.status], -finding.severity.rank, finding.policy_id)


def explained_policies(result: ScanResult, listed: list[Finding]) -> list[PolicyInfo]:
    """The policies that ran (``result.policies``) behind the listed findings, in id order.

    Description and references come from the policy itself, never from a finding; a result saved
    without policies explains nothing rather than guessing.
    """
    wanted = {f.policy_id for f in listed}
    return sorted((p for p in result.policies if p.id in wanted), key=lambda p: p.id)


def build_view(ctx: ReportContext) -> dict[str, Any]:
    """Everything a report template needs, as plain data."""
    result = ctx.result
    summary = summarize(result)
    failing = [f for f in result.findings if f.failing]
    findings = sorted(result.findings, key=finding_sort_key)
    resources = {r.id: r for r in result.resources}
    by_resource: dict[str, list[Finding]] = {}
    for finding in findings:
        by_resource.setdefault(finding.resource_id, []).append(finding)
    severity_counts = {s.value: 0 for s in Severity}
    severity_counts.update(Counter(f.severity.value for f in failing))
    frameworks = [
        {
            "result": fr,
            "counts": fr.counts(),
            "bars": bars(fr.counts(), STATUS_COLORS),
        }
        for fr in ctx.frameworks
    ]
    where = {rid: resource_origin(r) for rid, r in resources.items()}
    listed = [f for f in findings if f.status is not Status.PASS]
    history = result.extras.get("history")
    return {
        "tool": {"name": "mlscan", "version": __version__},
        "controls": control_rows(ctx.frameworks, resources),
        "where_of": lambda f: where.get(f.resource_id) or origin(f.source),
        "source_of": lambda f: (
            resources[f.resource_id].source.kind if f.resource_id in resources else f.source.kind
        ),
        "where": where,
        "listed": listed,
        "policies": explained_policies(result, listed),
        "passing": [f for f in findings if f.status is Status.PASS],
        "sources": sorted({r.source.kind for r in result.resources}),
        "result": result,
        "summary": summary,
        "findings": findings,
        "failing": sorted(failing, key=finding_sort_key),
        "resources": resources,
        "by_resource": by_resource,
        "controls_for": ctx.controls_for,
        "anchor": anchor,
        "charts": {
            "severity": bars(severity_counts, SEVERITY_COLORS),
            "status": bars(summary["by_status"], STATUS_COLORS),
            "cloud": bars(dict(Counter(f.provider for f in failing).most_common())),
            "category": bars(dict(Counter(f.category for f in failing).most_common())),
        },
        "frameworks": frameworks,
        "privacy_risk": list(result.extras.get("privacy_risk") or []),
        "history": history,
        "since": (history or {}).get("since_last"),
        "trend_charts": trend_charts((history or {}).get("trend") or [], SEVERITY_COLORS),
        "drift": result.extras.get("drift"),
        "providers": sorted({f.provider for f in result.findings}),
        "categories": sorted({f.category for f in result.findings}),
        "severity_colors": SEVERITY_COLORS,
        "status_colors": STATUS_COLORS,
        "risk_colors": RISK_COLORS,
    }
