"""HTML: self-contained, escaped, with charts, filters, per-control tables and per-resource remediation."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from scanner.report.context import ReportContext
from scanner.report.human import render_html
from scanner.report.view import anchor


class _Collector(HTMLParser):
    """Collects tags, their attributes and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_hostile_tag_value_renders_as_text(ctx: ReportContext) -> None:
    html = render_html(ctx)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    page = parse(html)
    assert [t for t, _ in page.tags].count("script") == 1  # only our own filter script
    assert "alert(1)" not in "".join(page.scripts)


def test_self_contained_no_network_at_view_time(ctx: ReportContext) -> None:
    page = parse(render_html(ctx))
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"^(https?:)?//", value), f"{tag} {name}={value}"
    assert any(tag == "meta" and "default-src 'none'" in (a.get("content") or "") for tag, a in page.tags)


def test_summary_charts_and_filters(ctx: ReportContext) -> None:
    html = render_html(ctx)
    page = parse(html)
    svgs = [a for t, a in page.tags if t == "svg"]
    assert len(svgs) == 4
    assert {a.get("id") for t, a in page.tags if t == "select"} == {
        "f-severity",
        "f-status",
        "f-provider",
        "f-category",
        "f-source",
        "c-framework",
        "c-status",
        "c-source",
    }
    rows = [a for t, a in page.tags if t == "tr" and "finding" in (a.get("class") or "")]
    assert len(rows) == len(ctx.result.findings)
    assert rows[0]["data-severity"] == "critical" and rows[0]["data-status"] == "fail"  # worst first
    listed = [r for r in rows if r["data-status"] != "pass"]
    assert listed[-1]["data-suppressed"] == "yes"  # suppressed last
    assert rows[len(listed) :] and all(
        r["data-status"] == "pass" for r in rows[len(listed) :]
    )  # passes after
    assert "<title>critical: 1</title>" in html and "<title>high: 1</title>" in html


def test_frameworks_and_controls_with_links_to_resources(ctx: ReportContext) -> None:
    html = render_html(ctx)
    assert (
        "Test Framework" in html and "C-MANUAL" in html and "no automated policy maps to this control" in html
    )
    target = anchor("aws_sagemaker_endpoint.api")
    assert f'href="#{target}"' in html and f'id="{target}"' in html


def test_resource_detail_shows_remediation_facts_and_redacted_raw(ctx: ReportContext) -> None:
    html = render_html(ctx)
    assert "Fix TST-ENC-001: set a customer-managed key." in html
    assert "encryption.cmk" in html and "logging.capture" in html and "unknown" in html
    assert "***REDACTED***" in html and "API_KEY" in html


def test_template_dir_overrides_builtin(ctx: ReportContext, tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text(
        "<p>{{ summary.findings }} findings for {{ result.command }}</p>"
    )
    from dataclasses import replace

    html = render_html(replace(ctx, template_dir=tmp_path))
    assert html == "<p>8 findings for mlscan iac terraform/insecure</p>"
    (tmp_path / "report.html.j2").write_text("{{ result.resources[0].tags.owner }}")
    assert render_html(replace(ctx, template_dir=tmp_path)) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_policy_description_and_references_come_from_the_policies_that_ran(ctx: ReportContext) -> None:
    from dataclasses import replace

    from scanner.model import PolicyInfo, Severity

    info = PolicyInfo(
        id="TST-ENC-001",
        title="Title from the policy",
        description="Why this matters <b>bold</b>, said once by the policy.",
        category="encryption",
        severity=Severity.HIGH,
        references=("Checkov CKV_AWS_98", "https://docs.example/kms"),
    )
    # A result without source errors shows them too (the section is not inside the errors block).
    html = render_html(ReportContext(replace(ctx.result, policies=(info,), errors=()), ctx.frameworks))
    assert 'id="policy-TST-ENC-001"' in html and 'href="#policy-TST-ENC-001"' in html
    assert "Why this matters &lt;b&gt;bold&lt;/b&gt;, said once by the policy." in html
    assert '<a href="https://docs.example/kms"' in html and "<li>Checkov CKV_AWS_98</li>" in html
    # A policy without listed findings, or a result saved without policies, explains nothing.
    assert 'id="policy-TST-NET-001"' not in html
    assert 'id="policies"' not in render_html(ctx)
