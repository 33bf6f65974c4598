"""The HTML report in a real headless Chromium (Debian's, driven by Playwright): filters, drill-down, phone, print.

Expected counts come from the same data the page was rendered from. Chromium is installed
by .ci/run, so in CI (``CI`` set) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.report.context import ReportContext
from scanner.report.control_view import control_rows
from scanner.report.human import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_LIMIT = 30


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS, offline=True
        )
        yield context
        context.close()


def open_report(browser, html: str, path: Path, width: int = 1280):
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


def visible(page, selector: str) -> list:
    return [el for el in page.query_selector_all(selector) if el.is_visible()]


def test_filters_and_control_drill_down(browser, ctx: ReportContext, tmp_path: Path) -> None:
    page = open_report(browser, render_html(ctx), tmp_path / "report.html")
    resources = {r.id: r for r in ctx.result.resources}
    rows = control_rows(ctx.frameworks, resources)
    assert page.inner_text("#c-count") == f"{len(rows)} of {len(rows)} controls shown"  # the script ran

    first = page.query_selector("details.control")
    assert first.get_attribute("data-status") == "fail" and first.get_attribute("open") is None
    first.query_selector("summary").click()
    items = [li for li in first.query_selector_all("li.control-resource") if li.is_visible()]
    statuses = [li.get_attribute("data-status") for li in items]
    assert statuses == [r.status for r in rows[0].resources] and statuses[0] == "fail"

    control_id = rows[-1].control_id
    page.fill("#c-text", control_id)
    shown = visible(page, "details.control")
    assert shown and all(control_id.lower() in el.get_attribute("data-control").lower() for el in shown)
    page.fill("#c-text", "")

    for source in ("live", "hcl", "plan"):
        page.select_option("#c-source", source)
        expected = [r for r in rows if source in r.sources]
        assert len(visible(page, "details.control")) == len(expected)
        page.select_option("#f-source", source)
        listed = [f for f in ctx.result.findings if f.status.value != "pass"]
        kinds = [resources[f.resource_id].source.kind for f in listed]
        assert len(visible(page, "#findings-table tr.finding")) == kinds.count(source)
    page.select_option("#c-source", "")
    page.select_option("#f-source", "")

    frameworks = {r.framework_id for r in rows}
    for framework in frameworks:
        page.select_option("#c-framework", framework)
        assert len(visible(page, "details.control")) == sum(r.framework_id == framework for r in rows)

    passes = [f for f in ctx.result.findings if f.status.value == "pass"]
    assert passes and page.query_selector("#passing").get_attribute("open") is None
    assert not visible(page, "#passing tr.finding")
    page.select_option("#f-status", "pass")
    assert len(visible(page, "#passing tr.finding")) == len(passes)

    dom = page.content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert(1)</script>" not in dom
    page.close()


@pytest.fixture(scope="module")
def stack_report(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> str:
    """The HTML report of every bundled stack and plan (HCL and plan sources, every framework)."""
    out = tmp_path_factory.mktemp("stack") / "mlscan.html"
    run = CliRunner().invoke(
        main, ["iac", str(repo_root / "terraform"), "--format", "html", "-o", str(out), "--fail-on", "never"]
    )
    assert run.exit_code == 0, run.output
    return out.read_text(encoding="utf-8")


def test_phone_width_has_no_horizontal_overflow(browser, stack_report: str, tmp_path: Path) -> None:
    page = open_report(browser, stack_report, tmp_path / "phone.html", width=390)
    page.eval_on_selector_all("details", "all => all.forEach(el => { el.open = true; })")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] == 390
    sticking_out = page.evaluate(
        "Array.from(document.querySelectorAll('body *'))"
        ".filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)"
        ".map(el => el.tagName + '.' + el.className + ' ' + (el.id || ''))"
    )
    assert sticking_out == []
    page.close()


@pytest.fixture(scope="module")
def demo_report(seeded_live_sources: list, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report ``mlscan demo`` writes: the seeded estates of the three clouds, the bundled stacks and plans."""
    from scanner.app import OutputOptions, finish
    from scanner.clouds.sources import terraform_source
    from scanner.paths import terraform_examples_dir
    from scanner.pipeline import run_scan
    from scanner.policy.loader import load_policies

    bundled = terraform_examples_dir()
    paths = [str(bundled), *sorted(str(p) for p in (bundled / "plans").glob("*.json"))]
    result = run_scan([*seeded_live_sources, terraform_source(paths)], load_policies())
    assert {r.source.kind for r in result.resources} == {"live", "hcl", "plan"}
    out = tmp_path_factory.mktemp("demo")
    options = OutputOptions(formats=("html",), output=None, output_dir=str(out), fail_on="never", quiet=True)
    finish(result, options)
    return (out / "mlscan.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("report", ["stack_report", "demo_report"])
def test_printed_report_stays_short(browser, report: str, request, tmp_path: Path) -> None:
    page = open_report(browser, request.getfixturevalue(report), tmp_path / "print.html")
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 0 < pages < PAGE_LIMIT, f"{report}: {pages} A4 pages"
    page.close()


def test_demo_report_fits_a_phone_and_names_no_api_host(browser, demo_report: str, tmp_path: Path) -> None:
    page = open_report(browser, demo_report, tmp_path / "demo-phone.html", width=390)
    page.eval_on_selector_all("details", "all => all.forEach(el => { el.open = true; })")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
    assert "127.0.0.1" not in demo_report and "localhost" not in demo_report


@pytest.fixture(scope="module")
def history_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    """The HTML report of the third of three stored scans (failing, fixed, failing again) and its JSON."""
    import json

    from tests.history.estate import write_estate

    root = tmp_path_factory.mktemp("history-report")
    store = f"sqlite:///{root / 'history.db'}"
    for secure in (False, True, False):
        write_estate(root / "estate", secure_notebook=secure, with_config=True)
        args = ["iac", str(root / "estate"), "--store", store, "--format", "html", "--format", "json"]
        run = CliRunner().invoke(main, [*args, "--output-dir", str(root / "out"), "--fail-on", "never"])
        assert run.exit_code == 0, run.output
    document = json.loads((root / "out" / "mlscan.json").read_text(encoding="utf-8"))
    return (root / "out" / "mlscan.html").read_text(encoding="utf-8"), document


def test_since_last_scan_and_trend_charts(browser, history_report, tmp_path: Path) -> None:
    html, document = history_report
    since, trend = document["history"]["since_last"], document["history"]["trend"]
    page = open_report(browser, html, tmp_path / "history.html")
    for change, count in since["counts"].items():
        assert page.inner_text(f"#since-{change} .n") == str(count)
    assert since["counts"]["regressed"] > 0
    regressed = page.query_selector('details.since[data-change="regressed"]')
    assert regressed.get_attribute("open") is not None
    assert len([r for r in regressed.query_selector_all("tr.since-finding") if r.is_visible()]) == len(
        since["regressed"]
    )
    severity = page.query_selector("#trend-severity svg")
    assert severity.is_visible() and severity.bounding_box()["width"] > 200
    lines = severity.query_selector_all("polyline.series")
    assert [line.get_attribute("data-series") for line in lines] == list(trend[-1]["failing_by_severity"])
    assert len(severity.query_selector_all("circle")) == len(lines) * len(trend)
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
