"""The tables and timing of bench/compare_checkov.py: Markdown for every comparison, and mlscan timed
against Checkov (live when installed in ``.bench/``, else the corpus's recorded timing).

Split from compare_checkov.py so that no bench file is over ~400 lines; run that script, not this one.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scanner.clouds.sources import terraform_source  # noqa: E402
from scanner.policy.model import PolicySet  # noqa: E402

if TYPE_CHECKING:
    from compare_checkov import Comparison

CHECKOV_BINARIES = (REPO / ".bench" / "checkov" / "bin" / "checkov", REPO / ".bench" / "bin" / "checkov")
"""Where a Checkov installed in its own venv is looked for (live timing instead of the recorded one)."""

# -- timing ---------------------------------------------------------------------------------------


def time_both(corpus: Path, runs: int) -> dict[str, Any]:
    """Median wall time of `mlscan iac` over corpus/terraform, against Checkov (live or recorded)."""
    mlscan = [
        REPO / ".venv" / "bin" / "mlscan",
        "iac",
        str(corpus / "terraform"),
        "--format",
        "json",
        "--output",
    ]
    mlscan_times = [_wall([*mlscan, "/dev/null"]) for _ in range(max(1, runs))]
    started = time.perf_counter()
    terraform_source([corpus / "terraform"])
    in_process = time.perf_counter() - started
    timing: dict[str, Any] = {
        "mlscan_cli_seconds": round(statistics.median(mlscan_times), 3),
        "mlscan_cli_runs": [round(t, 3) for t in mlscan_times],
        "mlscan_load_and_map_seconds": round(in_process, 3),
    }
    checkov = next((c for c in CHECKOV_BINARIES if c.exists()), None)
    if checkov is not None:
        command = [
            str(checkov),
            "-d",
            str(corpus / "terraform"),
            "--framework",
            "terraform",
            "-o",
            "json",
            "--quiet",
        ]
        times = [_wall(command) for _ in range(max(1, runs))]
        timing["checkov_seconds"] = round(statistics.median(times), 3)
        timing["checkov_source"] = f"live: {' '.join(command[:2])} ... ({len(times)} runs)"
    else:
        recorded = _recorded_checkov(corpus / "checkov_timing.txt")
        timing["checkov_seconds"] = recorded
        timing["checkov_source"] = (
            "recorded: checkov_timing.txt, median of `checkov -d terraform -o json` runs"
        )
    if timing.get("checkov_seconds"):
        timing["ratio"] = round(timing["checkov_seconds"] / timing["mlscan_cli_seconds"], 1)
    return timing


def _wall(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=REPO)
    return time.perf_counter() - started


def _recorded_checkov(timing_file: Path) -> float | None:
    """Median of the recorded `checkov -d heldout/terraform ... -o json` wall times (full and --quiet runs)."""
    if not timing_file.is_file():
        return None
    seconds = []
    for line in timing_file.read_text(encoding="utf-8").splitlines():
        if not line.startswith("checkov -d heldout/terraform"):
            continue
        match = re.search(
            r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)", line
        )
        if match:
            hours, minutes, secs = match.groups()
            seconds.append(int(hours or 0) * 3600 + int(minutes) * 60 + float(secs))
    return round(statistics.median(seconds), 3) if seconds else None


# -- rendering ------------------------------------------------------------------------------------


def render(title: str, rows: Sequence[Comparison]) -> str:
    """Markdown: per-check table, agreement counts, and disagreements grouped by reason."""
    lines = [f"## {title}", ""]
    if not rows:
        return "\n".join([*lines, "(no Checkov results on ML resources)"])
    agree = sum(1 for r in rows if r.outcome == "agree")
    failed = [r for r in rows if r.checkov == "failed"]
    covered = sum(1 for r in failed if r.mlscan == "fail")
    lines += [
        f"Checkov results on ML resources: {len(rows)} ({len(failed)} failed, {len(rows) - len(failed)} passed); "
        f"mlscan agrees on {agree} ({_pct(agree, len(rows))}).",
        f"Checkov failures that an mlscan finding covers (same file + address, mlscan fails it): "
        f"{covered}/{len(failed)} ({_pct(covered, len(failed))}).",
        "",
        "| Checkov check | mlscan policy | Checkov failed | mlscan fail on those | agree | disagree |",
        "|---|---|---:|---:|---:|---:|",
    ]
    by_check: dict[str, list[Comparison]] = defaultdict(list)
    for row in rows:
        by_check[row.check_id].append(row)
    for check in sorted(by_check):
        group = by_check[check]
        policy = sorted({r.policy_id for r in group if r.policy_id}) or ["—"]
        check_failed = [r for r in group if r.checkov == "failed"]
        lines.append(
            f"| {check} | {', '.join(policy)} | {len(check_failed)} | "
            f"{sum(1 for r in check_failed if r.mlscan == 'fail')} | "
            f"{sum(1 for r in group if r.outcome == 'agree')} | {sum(1 for r in group if r.outcome == 'disagree')} |"
        )
    disagreements = [r for r in rows if r.outcome == "disagree"]
    if disagreements:
        lines += [
            "",
            "Disagreements by class:",
            "",
            "| Checkov | mlscan | count | reason |",
            "|---|---|---:|---|",
        ]
        classes = Counter((r.checkov, r.mlscan, _reason_class(r.reason)) for r in disagreements)
        for (checkov, mlscan, reason), count in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| {checkov} | {mlscan} | {count} | {reason} |")
        lines += ["", "<details><summary>Every disagreement</summary>", ""]
        for r in sorted(disagreements, key=lambda r: (r.check_id, r.file, r.address)):
            lines.append(
                f"- {r.check_id} `{r.file}` `{r.address}`: Checkov {r.checkov}, mlscan {r.mlscan} — {r.reason}"
            )
        lines += ["", "</details>"]
    return "\n".join(lines)


def _reason_class(reason: str) -> str:
    """Group reasons that differ only in the resource-specific message."""
    return reason.split(": facts.", 1)[0].split(" (facts.", 1)[0]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def render_beyond(extra: Counter[str], policies: PolicySet) -> str:
    """Markdown: what mlscan fails on the corpus that no Checkov result speaks to."""
    lines = [
        "## Beyond Checkov on the same corpus",
        "",
        f"Failing mlscan findings with no Checkov result on the same resource and policy: {sum(extra.values())}.",
        "",
        "| mlscan policy | severity | failing findings | title |",
        "|---|---|---:|---|",
    ]
    for policy_id, count in sorted(extra.items()):
        policy = policies.by_id(policy_id)
        severity = policy.severity.value if policy else ""
        lines.append(f"| {policy_id} | {severity} | {count} | {policy.title if policy else ''} |")
    return "\n".join(lines)


def render_timing(timing: Mapping[str, Any]) -> str:
    """Markdown for the timing comparison."""
    lines = [
        "## Speed on corpus/terraform",
        "",
        f"- mlscan `iac` (CLI, whole process, median of {len(timing['mlscan_cli_runs'])}): "
        f"{timing['mlscan_cli_seconds']} s (runs: {timing['mlscan_cli_runs']})",
        f"- mlscan load + map in process: {timing['mlscan_load_and_map_seconds']} s",
        f"- Checkov: {timing.get('checkov_seconds')} s ({timing['checkov_source']})",
    ]
    if timing.get("ratio"):
        lines.append(f"- Ratio Checkov / mlscan: {timing['ratio']}x")
    return "\n".join(lines)
