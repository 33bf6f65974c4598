"""The HTML report in a real headless Chromium: the page's script runs and the escaped tag stays text.

Skipped where Chromium is not installed (the unit tests must not need it); the documented
scripts/screenshot_report.sh uses the same flags.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.report.context import ReportContext
from scanner.report.human import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_report_renders_and_filters_run_in_chromium(ctx: ReportContext, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(ctx), encoding="utf-8")
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert "8 of 8 shown" in dom  # written by the page's filter script: JavaScript ran
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert(1)</script>" not in dom
