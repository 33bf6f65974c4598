"""The console in a CI log: one line per finding at 80 columns, every finding at any count, sums that add up.

Findings are grouped under a header naming the resource and where it came from (live
account/region, HCL file:line, plan file); --quiet lists failing findings only; colour
follows NO_COLOR / FORCE_COLOR.
"""

from __future__ import annotations

import re
from dataclasses import replace

from click.testing import CliRunner
from rich.console import Console

from scanner.cli import main
from scanner.model import ScanResult, Status
from scanner.report.console import render_console

from .sample import sample_result


def _render(result: ScanResult, **options: object) -> str:
    console = Console(width=80, record=True, force_terminal=False, color_system=None)
    render_console(result, console, **options)
    return console.export_text()


def _many(count: int) -> ScanResult:
    base = sample_result()
    failing = next(f for f in base.findings if f.status is Status.FAIL and not f.suppressed)
    many = tuple(replace(failing, resource_id=f"ep-{i}", resource_name=f"ep-{i}") for i in range(count))
    return replace(base, findings=base.findings + many)


def test_every_listed_finding_is_one_line_at_any_count() -> None:
    result = _many(250)
    text = _render(result)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    listed = [f for f in result.findings if f.status is not Status.PASS]
    rows = [line for line in lines if re.match(r"^  (CRITICAL|HIGH|MEDIUM|LOW|INFO) ", line)]
    assert len(rows) == len(listed)
    for finding in listed:
        assert any(finding.policy_id in row and finding.severity.value.upper() in row for row in rows)


def test_summary_counts_add_up() -> None:
    result = _many(7)
    text = _render(result)
    total, fail, unknown, error, passed = map(
        int, re.search(r"(\d+) findings: (\d+) fail, (\d+) unknown, (\d+) error, (\d+) pass", text).groups()
    )
    assert total == len(result.findings) == fail + unknown + error + passed
    failing = int(re.search(r"^(\d+) failing: ", text, re.M).group(1))
    per_severity = sum(
        map(
            int,
            re.findall(
                r"(\d+) (?:critical|high|medium|low|info)\b", text.split("failing:")[1].splitlines()[0]
            ),
        )
    )
    suppressed_fail = int(re.search(r"\((\d+) of them fail\)", text).group(1))
    assert failing == per_severity == sum(f.failing for f in result.findings)
    assert failing + suppressed_fail == fail


def test_each_resource_row_says_where_it_came_from() -> None:
    result = sample_result()
    text = _render(result)
    resources = {r.id: r for r in result.resources}
    for finding in result.findings:
        if finding.status is Status.PASS:
            continue
        resource = resources[finding.resource_id]
        source = resource.source
        expected = {
            "live": f"live {resource.account}/{resource.region}",
            "hcl": f"{source.file}:{source.line}",
            "plan": f"plan {source.file}",
        }[source.kind]
        assert f"{finding.provider}:{finding.resource_kind} {finding.resource_name} ({expected})" in text


def test_quiet_lists_failing_findings_only() -> None:
    result = sample_result()
    text = _render(result, failing_only=True)
    rows = [line for line in text.splitlines() if line.startswith("  ")]
    assert len(rows) == sum(f.failing for f in result.findings)
    assert "unknown" not in text and "findings:" not in text


def test_grouped_by_policy_names_each_resource_once_per_policy() -> None:
    result = sample_result()
    text = _render(result, group_by="policy")
    listed = [f for f in result.findings if f.status is not Status.PASS]
    for policy_id in {f.policy_id for f in listed}:
        assert any(line.split()[1:2] == [policy_id] for line in text.splitlines() if not line.startswith(" "))
    assert sum(1 for line in text.splitlines() if line.startswith("  ")) == len(listed)


def test_colour_follows_no_color_and_force_color(repo_root) -> None:
    args = ["iac", str(repo_root / "terraform" / "insecure" / "gcp"), "--fail-on", "never", "-q"]
    plain = CliRunner().invoke(main, args, env={"FORCE_COLOR": None, "NO_COLOR": None, "TERM": "xterm"})
    forced = CliRunner().invoke(main, args, env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"})
    off = CliRunner().invoke(main, args, env={"FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "xterm"})
    assert "\x1b[" not in plain.output and plain.output.strip()
    assert "\x1b[" in forced.output
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", off.output)
