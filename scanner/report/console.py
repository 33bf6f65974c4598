"""Console output with rich: a findings table worst first, then errors and a one-line summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scanner.model import Finding, ScanResult, Status
from scanner.report.json_contract import summarize

if TYPE_CHECKING:
    from scanner.compliance.rollup import FrameworkResult

_STATUS_STYLE = {"fail": "bold red", "unknown": "yellow", "error": "magenta", "pass": "green"}


DETAIL_LIMIT = 60
"""Above this many findings the console groups them by policy; every row is still in the report files."""
RISK_LIMIT = 10
"""The console shows this many worst endpoints; the JSON / HTML reports have them all."""


def render_console(result: ScanResult, console: Console, *, show_passed: bool = False) -> None:
    """Print failing / unknown / error findings (and passes when asked), errors and totals.

    A large estate would print thousands of rows, so past :data:`DETAIL_LIMIT` the findings are
    grouped per policy (worst first) with a count and an example resource.
    """
    shown = [f for f in result.findings if show_passed or f.status is not Status.PASS]
    shown.sort(key=lambda f: (f.suppressed is not None, -f.severity.rank, f.status.value, f.policy_id))
    if len(shown) > DETAIL_LIMIT:
        _render_by_policy(shown, console)
    elif shown:
        table = Table(title="mlscan findings", show_lines=False, expand=False)
        for column in ("Severity", "Status", "Policy", "Resource", "Where", "Message"):
            table.add_column(column, overflow="fold")
        for f in shown:
            status = f.status.value + (" (suppressed)" if f.suppressed else "")
            table.add_row(
                f.severity.value,
                f"[{_STATUS_STYLE.get(f.status.value, '')}]{status}[/]",
                escape(f.policy_id),
                escape(f"{f.provider}:{f.resource_kind} {f.resource_name}"),
                escape(str(f.source)),
                escape(f.message),
            )
        console.print(table)
    _render_privacy_risk(result, console)
    for error in result.errors:
        console.print(f"[magenta]error[/] {escape(error.where)}: {escape(error.reason)}", highlight=False)
    s = summarize(result)
    st = s["by_status"]
    console.print(
        f"{s['resources']} resources, {s['findings']} findings: "
        f"{st['fail']} fail, {st['unknown']} unknown, {st['error']} error, {st['pass']} pass; "
        f"{s['suppressed']} suppressed; {s['errors']} errors",
        highlight=False,
    )


def _render_by_policy(findings: list[Finding], console: Console) -> None:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.policy_id, []).append(f)
    table = Table(
        title=f"mlscan findings by policy ({len(findings)} findings; every one is in the report files)"
    )
    for column in ("Severity", "Policy", "Fail", "Unknown", "Suppressed"):
        table.add_column(column, no_wrap=True)
    table.add_column("Title", overflow="fold", ratio=3)
    table.add_column("e.g.", overflow="fold", ratio=2)
    for policy_id, items in groups.items():
        first = items[0]
        count = Counter("suppressed" if f.suppressed else f.status.value for f in items)
        table.add_row(
            first.severity.value,
            escape(policy_id),
            f"[bold red]{count['fail']}[/]" if count["fail"] else "0",
            str(count["unknown"] + count["error"]),
            str(count["suppressed"]),
            escape(first.title),
            escape(f"{first.provider}:{first.resource_kind} {first.resource_name}"),
        )
    console.print(table)


def _render_privacy_risk(result: ScanResult, console: Console) -> None:
    """The per-endpoint training-data leakage risk, worst first, when the scan judged endpoints."""
    risks = result.extras.get("privacy_risk") or []
    if not risks:
        return
    from scanner.privacy.risk import render_risk_table, risk_from_dict

    render_risk_table([risk_from_dict(r) for r in risks[:RISK_LIMIT]], console)
    if len(risks) > RISK_LIMIT:
        console.print(f"... and {len(risks) - RISK_LIMIT} more endpoints (privacy_risk in the JSON report)")


def render_compliance_summary(frameworks: Sequence[FrameworkResult], console: Console) -> None:
    """One line per framework: how many controls fail, are unknown, pass or were not assessed."""
    for fr in frameworks:
        c = fr.counts()
        if c["fail"] + c["unknown"] + c["pass"] == 0:
            continue
        console.print(
            f"{escape(fr.framework.name)} {escape(fr.framework.version)}: {c['fail']} fail, {c['unknown']} unknown, "
            f"{c['pass']} pass, {c['not_assessed']} not assessed",
            highlight=False,
        )
