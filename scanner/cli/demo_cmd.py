"""``mlscan demo``: the whole pipeline on a local sandbox estate, with no credentials and no network.

Starts moto (AWS) and the ARM and Vertex emulators on 127.0.0.1, seeds a mixed estate
(compliant and non-compliant endpoints, models, jobs — DP-trained and not), scans all
three clouds plus the bundled Terraform stacks, and writes the reports.
"""

from __future__ import annotations

import sys
from dataclasses import replace

import click
from rich.console import Console
from rich.markup import escape

from scanner.app import DEFAULT_OUTPUT_DIR, OutputOptions
from scanner.cli.outputs import output_options
from scanner.cli.policy_options import policy_options
from scanner.cli.query_options import query_log_options
from scanner.report.formats import ALL_FORMATS

DEMO_FORMATS = ("console", "json", "html", "markdown", "sarif", "junit", "csv", "ocsf", "asff")


@click.command()
@click.option(
    "--terraform",
    "terraform_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Terraform to scan besides the sandbox (default: the bundled terraform/ stacks).",
)
@query_log_options
@policy_options
@output_options
def demo(terraform_paths: tuple[str, ...], **kwargs: object) -> None:
    """Scan a seeded local sandbox of all three clouds plus Terraform, and write reports."""
    from scanner.cli.run import run_scan_command
    from scanner.clouds.base import Progress, SourceResult
    from scanner.clouds.sources import live_source, terraform_source
    from scanner.paths import terraform_examples_dir
    from scanner.sandbox.estate import running_sandbox

    console = Console()
    bundled = terraform_examples_dir()  # its plans are named: beside .tf files a walk skips them
    paths = terraform_paths or (str(bundled), *sorted(str(p) for p in (bundled / "plans").glob("*.json")))
    report_dir = str(kwargs.get("output_dir") or DEFAULT_OUTPUT_DIR)

    def demo_outputs(outputs: OutputOptions) -> OutputOptions:
        if outputs.formats == ("console",):
            outputs = replace(outputs, formats=tuple(f for f in DEMO_FORMATS if f in ALL_FORMATS))
        return replace(outputs, output_dir=report_dir)

    def sources(progress: Progress) -> list[SourceResult]:
        with running_sandbox() as sandbox:
            console.print(
                f"sandbox: AWS {sandbox.aws_url}, Azure {sandbox.azure_url}, Vertex {sandbox.gcp_url}",
                highlight=False,
            )
            options = sandbox.live_options()
            live = [live_source(cloud, options, progress) for cloud in ("aws", "azure", "gcp")]
        return [*live, terraform_source(paths)]

    code = run_scan_command(
        kwargs,
        ("sandbox:aws", "sandbox:azure", "sandbox:gcp", *paths),
        sources,
        console=console,
        adjust_outputs=demo_outputs,
    )
    console.print(f"reports written to {escape(str(report_dir))}/", highlight=False)
    sys.exit(code)
