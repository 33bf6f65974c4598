"""SARIF, console and Markdown never need passing findings: a scan for them only counts passes.

The outputs must be the same, byte for byte, as when every pass is built; the formats that list
passes (JSON, HTML, CSV, ...) and everything that reads them (evidence, history, waivers,
baselines) still get them.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from scanner.app import OutputOptions, ScanRequest, scan_and_finish
from scanner.clouds.sources import terraform_source
from scanner.compliance import load_frameworks, roll_up_all
from scanner.model import Status
from scanner.pipeline import run_scan
from scanner.policy.loader import load_policies
from scanner.report.console import render_console
from scanner.report.context import ReportContext
from scanner.report.formats import FILE_FORMATS

STARTED = "2026-01-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def both(repo_root: Path):
    """The bundled stacks judged twice: every pass built, and passes only counted."""
    sources = [terraform_source([repo_root / "terraform"])]
    policies = load_policies()
    full = run_scan(sources, policies, started_at=STARTED)
    lean = run_scan(sources, policies, started_at=STARTED, keep_passes=False)
    return replace(full, finished_at=STARTED), replace(lean, finished_at=STARTED)


def _render(result, fmt: str) -> str:
    frameworks = load_frameworks(()).frameworks
    ctx = ReportContext(result, list(roll_up_all(frameworks, result.findings, result.unbuilt_passes)))
    if fmt == "console":
        console = Console(file=io.StringIO(), width=200, color_system=None)
        render_console(result, console)
        return console.file.getvalue()
    if fmt == "compliance":
        return "\n".join(
            f"{c.control.id} {c.status.value} {c.reason}" for fr in ctx.frameworks for c in fr.controls
        )
    return FILE_FORMATS[fmt].render(ctx)


def test_lean_scan_builds_no_pass_but_counts_every_one(both) -> None:
    full, lean = both
    passes = [f for f in full.findings if f.status is Status.PASS]
    assert passes and not [f for f in lean.findings if f.status is Status.PASS and not f.suppressed]
    assert lean.unbuilt_pass_count == len(passes) - sum(1 for f in passes if f.suppressed)
    assert [f for f in full.findings if f.status is not Status.PASS] == [
        f for f in lean.findings if f.status is not Status.PASS
    ]


@pytest.mark.parametrize("fmt", ["sarif", "markdown", "console", "compliance"])
def test_lean_outputs_are_identical(both, fmt: str) -> None:
    full, lean = both
    assert _render(lean, fmt) == _render(full, fmt)


@pytest.mark.parametrize(
    ("formats", "extra", "lean"),
    [
        (("console",), {}, True),
        (("sarif",), {}, True),
        (("markdown", "console"), {}, True),
        (("json",), {}, False),
        (("sarif", "csv"), {}, False),
        (("sarif",), {"evidence": "ev"}, False),
        (("sarif",), {"waivers": "w.yaml"}, False),
        (("console",), {"store": "h.db"}, False),
    ],
)
def test_passes_are_built_when_something_reads_them(
    formats: tuple[str, ...], extra: dict[str, str], lean: bool
) -> None:
    options = OutputOptions(
        formats=formats, output=None, output_dir=None, fail_on="never", quiet=True, **extra
    )
    assert options.needs_passes is not lean


def test_scan_and_finish_is_lean_for_sarif(repo_root: Path, tmp_path: Path) -> None:
    sources = [terraform_source([repo_root / "terraform" / "insecure"])]
    request = ScanRequest(load_policies(), {}, "mlscan iac", ("terraform/insecure",), STARTED)
    options = OutputOptions(("sarif",), str(tmp_path / "x.sarif"), None, "never", True)
    finished = scan_and_finish(sources, request, options)
    assert finished.result.unbuilt_pass_count > 0
    assert not [f for f in finished.result.findings if f.status is Status.PASS and not f.suppressed]
