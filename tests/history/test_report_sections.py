"""The Markdown and HTML reports of a stored scan: "since the last scan" and the inline SVG trend charts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scanner.cli import main
from tests.history.estate import write_estate


def test_markdown_and_html_show_changes_and_trend(store_url, tmp_path):
    out = tmp_path / "out"
    for secure in (False, True):
        write_estate(tmp_path / "estate", secure_notebook=secure, with_config=True)
        args = [
            "iac",
            str(tmp_path / "estate"),
            "--store",
            store_url,
            "--output-dir",
            str(out),
            "--fail-on",
            "never",
        ]
        run = CliRunner().invoke(
            main, [*args, "--format", "markdown", "--format", "html", "--format", "json"]
        )
        assert run.exit_code == 0, run.output
    since = json.loads((out / "mlscan.json").read_text())["history"]["since_last"]
    markdown = next(out.glob("*.md")).read_text()
    counts = since["counts"]
    assert "### Since the last scan" in markdown
    assert (
        f"**{counts['new']} new**, **{counts['regressed']} regressed**, {counts['fixed']} fixed" in markdown
    )
    assert f"fixed ({len(since['fixed'])})" in markdown and since["fixed"]
    assert all(f"`{f['policy_id']}`" in markdown for f in since["fixed"])
    assert markdown.count("<svg") == 3 and "http" not in markdown.split("<svg", 1)[1].replace(
        "http://www.w3.org/2000/svg", ""
    )
    html = (out / "mlscan.html").read_text()
    assert 'id="since-last"' in html and html.count('class="trend"') == 3
