"""Console output for people and CI logs: one line per finding, grouped, every finding at any count.

CI logs have no terminal and 80 columns, where tables wrap into unreadable columns. So
each finding is one line (severity, status, policy id, title) under a header naming the
resource and where it came from (``scanner.report.where``), or, grouped by policy, one
line per resource under the policy. Every listed finding is shown however many there are;
the summary's counts add up (fail + unknown + error + pass = findings; failing +
suppressed = fail). Colour comes from rich: only on a terminal or with ``FORCE_COLOR``,
never with ``NO_COLOR``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from scanner.model import Finding, Resource, ScanResult, Status
from scanner.report.json_contract import summarize
from scanner.report.where import label, origin, resource_origin

if TYPE_CHECKING:
    from scanner.compliance.rollup import FrameworkResult
    from scanner.privacy.risk import RiskSummary

GROUP_BY = ("resource", "policy")
RISK_LIMIT = 10
"""The console shows this many worst endpoints; the JSON / HTML reports have them all."""

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
STATUS_STYLE = {"fail": "bold red", "unknown": "yellow", "error": "magenta", "pass": "green"}
_SUPPRESSED = {"inline": "skipped", "waiver": "waived", "baseline": "baselined"}
_RISK_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}


def render_console(
    result: ScanResult, console: Console, *, group_by: str = "resource", failing_only: bool = False
) -> None:
    """Every fail / unknown / error finding (only failing ones with ``failing_only``), then the summary."""
    resources = {r.id: r for r in result.resources}
    shown = [f for f in result.findings if f.failing or (not failing_only and f.status is not Status.PASS)]
    if group_by == "policy":
        _by_policy(shown, resources, console)
    else:
        _by_resource(shown, resources, console)
    if failing_only:
        return
    _render_privacy_risk(result, resources, console)
    for error in result.errors:
        console.print(Text.assemble(("error", "magenta"), f" {error.where}: {error.reason}"))
    for line in summary_lines(result):
        console.print(line, highlight=False, markup=False)


def summary_lines(result: ScanResult) -> list[str]:
    """Totals whose parts add up, and the failing count per severity the gate judges."""
    s = summarize(result)
    st = s["by_status"]
    failing = sum(s["failing_by_severity"].values())
    severities = ", ".join(f"{n} {sev}" for sev, n in s["failing_by_severity"].items())
    return [
        f"{s['resources']} resources, {s['findings']} findings: {st['fail']} fail, {st['unknown']} unknown, "
        f"{st['error']} error, {st['pass']} pass",
        f"{failing} failing: {severities}",
        f"{s['suppressed']} suppressed ({st['fail'] - failing} of them fail); {s['errors']} scan errors",
    ]


def where_of(finding: Finding, resources: Mapping[str, Resource]) -> str:
    """Where the finding's resource came from (its resource's account and region when known)."""
    resource = resources.get(finding.resource_id)
    return resource_origin(resource) if resource is not None else origin(finding.source)


def _status_text(finding: Finding) -> Text:
    if finding.suppressed is not None:
        shown = _SUPPRESSED.get(finding.suppressed.origin, finding.suppressed.origin)
        return Text(f"{shown:<9}", style="dim")
    return Text(f"{finding.status.value:<9}", style=STATUS_STYLE.get(finding.status.value, ""))


def _severity_text(finding: Finding) -> Text:
    return Text(f"{finding.severity.value.upper():<9}", style=SEVERITY_STYLE.get(finding.severity.value, ""))


def _order(finding: Finding) -> tuple[object, ...]:
    return (finding.suppressed is not None, not finding.failing, -finding.severity.rank, finding.policy_id)


def _by_resource(findings: Sequence[Finding], resources: Mapping[str, Resource], console: Console) -> None:
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=_order):
        groups.setdefault(finding.resource_id, []).append(finding)
    for items in sorted(groups.values(), key=lambda group: (_order(group[0]), group[0].resource_name)):
        first = items[0]
        header = label(
            first.provider, f"{first.resource_kind} {first.resource_name}", where_of(first, resources)
        )
        console.print(Text(header, style="bold"), highlight=False)
        for f in items:
            line = Text.assemble("  ", _severity_text(f), _status_text(f), f"{f.policy_id} ", f.title)
            console.print(line, no_wrap=True, overflow="ellipsis")


def _by_policy(findings: Sequence[Finding], resources: Mapping[str, Resource], console: Console) -> None:
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=_order):
        groups.setdefault(finding.policy_id, []).append(finding)
    for policy_id, items in groups.items():
        first = items[0]
        count = Counter("suppressed" if f.suppressed else f.status.value for f in items)
        counts = ", ".join(f"{n} {status}" for status, n in count.items())
        header = Text.assemble(_severity_text(first), (policy_id, "bold"), f" {first.title} ({counts})")
        console.print(header, highlight=False)
        for f in items:
            line = Text.assemble(
                "  ",
                _status_text(f),
                label(f.provider, f"{f.resource_kind} {f.resource_name}", where_of(f, resources)),
            )
            console.print(line, highlight=False)


def _render_privacy_risk(result: ScanResult, resources: Mapping[str, Resource], console: Console) -> None:
    """The per-endpoint training-data leakage risk, worst first, when the scan judged endpoints."""
    risks = result.extras.get("privacy_risk") or []
    if not risks:
        return
    from scanner.privacy.risk import risk_from_dict

    render_risk([risk_from_dict(r) for r in risks], resources, console, limit=RISK_LIMIT)


def render_risk(
    summaries: Sequence[RiskSummary],
    resources: Mapping[str, Resource],
    console: Console,
    *,
    limit: int | None = None,
) -> None:
    """The leakage risk per endpoint, one line each (level, score, endpoint and where), factors below."""
    if not summaries:
        return
    console.print(Text("Training-data leakage risk per endpoint, worst first", style="bold"))
    for s in summaries[:limit]:
        resource = resources.get(s.endpoint_id)
        where = resource_origin(resource) if resource is not None else "not in this result"
        privacy = s.privacy_status or "lineage unknown"
        if s.epsilon is not None:
            privacy += f", ε={s.epsilon:.2f}"
        console.print(
            Text.assemble(
                "  ",
                (f"{s.level:<9}", _RISK_STYLE.get(s.level, "")),
                f"{s.score:>5g}  ",
                label(s.provider, s.endpoint_name, where),
            ),
            highlight=False,
        )
        console.print(f"      data {s.sensitivity or '?'}; training {privacy}", highlight=False, markup=False)
        for factor in s.factors:
            console.print(f"      - {factor}", highlight=False, markup=False)
    if limit is not None and len(summaries) > limit:
        console.print(f"  ... and {len(summaries) - limit} more endpoints (privacy_risk in the JSON report)")


def render_compliance_summary(frameworks: Sequence[FrameworkResult], console: Console) -> None:
    """One line per framework with control counts in fixed columns: fail, unknown, pass, not assessed."""
    rows = [(fr.framework, fr.counts()) for fr in frameworks]
    rows = [(fw, c) for fw, c in rows if c["fail"] + c["unknown"] + c["pass"]]
    if not rows:
        return
    console.print(
        Text(f"{'controls':<42} {'fail':>5} {'unknown':>8} {'pass':>5} {'not assessed':>13}", style="bold")
    )
    for fw, c in rows:
        name = f"{fw.name} {fw.version}"
        name = name if len(name) <= 42 else name[:41] + "…"
        console.print(
            f"{name:<42} {c['fail']:>5} {c['unknown']:>8} {c['pass']:>5} {c['not_assessed']:>13}",
            highlight=False,
            markup=False,
        )
