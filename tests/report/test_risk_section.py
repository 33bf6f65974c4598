"""The leakage-risk summary reaches the human reports (HTML and Markdown), escaped, worst first."""

from __future__ import annotations

from dataclasses import replace

from scanner.report.context import ReportContext
from scanner.report.human import render_html, render_markdown

from .sample import sample_result

RISKS = [
    {
        "endpoint_id": "projects/p/locations/l/endpoints/1",
        "endpoint_name": "<img src=x onerror=alert(1)>",
        "provider": "gcp",
        "score": 24.0,
        "level": "critical",
        "factors": ["reachable from the internet", "trained without DP on PHI data"],
        "lineage": "known",
        "training_jobs": ["projects/p/locations/l/customJobs/9"],
        "privacy_status": "none",
        "epsilon": None,
        "sensitivity": "phi",
    },
    {
        "endpoint_id": "arn:aws:sagemaker:us-east-1:1:endpoint/fraud",
        "endpoint_name": "fraud",
        "provider": "aws",
        "score": 0.5,
        "level": "low",
        "factors": ["trained with DP: ε = 0.86 ≤ 8"],
        "lineage": "known",
        "training_jobs": [],
        "privacy_status": "dp",
        "epsilon": 0.8612,
        "sensitivity": "confidential",
    },
]


def _ctx() -> ReportContext:
    result = sample_result()
    return ReportContext(replace(result, extras={**result.extras, "privacy_risk": RISKS}))


def test_html_has_the_risk_table_escaped_and_in_order():
    html = render_html(_ctx())
    section = html[html.index('id="privacy-risk"') :]
    assert "&lt;img src=x onerror=alert(1)&gt;" in section and "<img src=x" not in html
    assert section.index("critical") < section.index("fraud")
    assert "ε = 0.86" in section or "&epsilon; = 0.86" in section
    assert "trained without DP on PHI data" in section


def test_markdown_lists_each_endpoint_with_its_factors():
    markdown = render_markdown(_ctx())
    assert "Training-data leakage risk (2 endpoints)" in markdown
    assert "| low | aws:fraud | confidential | dp (ε = 0.86) |" in markdown


def test_no_section_without_endpoints():
    assert 'id="privacy-risk"' not in render_html(ReportContext(sample_result()))
