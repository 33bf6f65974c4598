"""``mlscan queries PATH...``: find extraction, evasion, inversion and membership probing in inference logs.

Exit codes: 0 no alert at or above --fail-on; 1 such an alert; 2 nothing readable (or a usage error).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

FAIL_ON = ("critical", "high", "medium", "low", "info", "never")


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--client-field",
    metavar="DOTTED.PATH",
    help="Where the caller is in each record (SageMaker default: eventMetadata.inferenceId).",
)
@click.option(
    "--client-pattern", metavar="REGEX", help="Regex over the client value; its first group is the client."
)
@click.option(
    "--traffic-log",
    "traffic_logs",
    multiple=True,
    metavar="FILE",
    help="Azure AmlOnlineEndpointTrafficLog export (JSON or CSV) naming callers by XRequestId (repeatable).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("console", "json", "html", "markdown", "sarif")),
    default="console",
    show_default=True,
)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="high", show_default=True)
def queries(
    paths: tuple[str, ...],
    client_field: str | None,
    client_pattern: str | None,
    traffic_logs: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str,
) -> None:
    """Read captured inference logs (SageMaker Data Capture, Azure ML data collector, Vertex request-response
    rows; files and directory trees) and report which clients attack which endpoint."""
    from rich.console import Console

    from scanner.model import Severity
    from scanner.queries.run import QueryOptionError, run_queries
    from scanner.report.queries import render_console, render_text

    try:
        report = run_queries(paths, client_field, client_pattern, traffic_logs)
    except QueryOptionError as exc:
        raise click.UsageError(str(exc)) from exc
    if output_format == "console":
        console = Console(file=open(output, "w", encoding="utf-8") if output else None)  # noqa: SIM115
        render_console(report, console)
        if output:
            console.file.close()
    else:
        text = render_text(report, output_format)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    if output and output_format != "console":
        for error in report.errors:
            click.echo(f"error {error.location}: {error.reason}", err=True)
        queries_read = sum(endpoint.queries for endpoint in report.endpoints)
        click.echo(
            f"{queries_read} queries on {len(report.endpoints)} endpoints; {len(report.alerts)} alerts; "
            f"{len(report.errors)} errors; {output_format} written to {output}"
        )
    if not report.endpoints and report.errors:
        sys.exit(2)
    if fail_on != "never" and any(Severity(a.severity).at_least(Severity(fail_on)) for a in report.alerts):
        sys.exit(1)
    sys.exit(0)
