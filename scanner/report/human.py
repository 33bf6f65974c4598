"""HTML and Markdown reports: Jinja templates (``reports/report.*.j2``) over the view model."""

from __future__ import annotations

from scanner.report.context import ReportContext
from scanner.report.templates import render
from scanner.report.view import build_view

HTML_TEMPLATE = "report.html.j2"
MARKDOWN_TEMPLATE = "report.md.j2"
MARKDOWN_MAX_ROWS = 50
"""A PR comment is capped (GitHub: 65,536 characters); the full list is in the HTML report."""


def render_html(ctx: ReportContext) -> str:
    """One self-contained HTML page (inline CSS, JS and SVG charts; autoescaped)."""
    return render(HTML_TEMPLATE, ctx.template_dir, **build_view(ctx))


def render_markdown(ctx: ReportContext, max_rows: int = MARKDOWN_MAX_ROWS) -> str:
    """A short Markdown summary for a pull-request comment: failing first, details folded."""
    return render(MARKDOWN_TEMPLATE, ctx.template_dir, max_rows=max_rows, **build_view(ctx))
