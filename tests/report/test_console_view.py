"""The console stays readable on a large estate: past the detail limit, findings are grouped per policy."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console

from scanner.model import ScanResult, Status
from scanner.report.console import DETAIL_LIMIT, render_console

from .sample import sample_result


def _render(result: ScanResult) -> str:
    console = Console(width=200, record=True, force_terminal=False)
    render_console(result, console)
    return console.export_text()


def test_small_results_list_every_finding_row():
    text = _render(sample_result())
    assert "mlscan findings" in text and "by policy" not in text


def test_large_results_are_grouped_per_policy_with_counts():
    base = sample_result()
    failing = next(f for f in base.findings if f.status is Status.FAIL and not f.suppressed)
    many = tuple(
        replace(failing, resource_id=f"ep-{i}", resource_name=f"ep-{i}") for i in range(DETAIL_LIMIT + 5)
    )
    text = _render(replace(base, findings=many))
    assert f"mlscan findings by policy ({DETAIL_LIMIT + 5} findings" in text
    row = next(line for line in text.splitlines() if failing.policy_id in line)
    assert f" {DETAIL_LIMIT + 5} " in row
    assert "ep-0" in row
