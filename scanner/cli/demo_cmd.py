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

from scanner.cli.outputs import collect, finish, output_options
from scanner.cli.policy_options import collect_policies, policy_options
from scanner.cli.progress import progress_for

DEMO_FORMATS = ("console", "json", "html", "markdown", "sarif", "junit", "csv", "ocsf")


@click.command()
@click.option(
    "--terraform",
    "terraform_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Terraform to scan besides the sandbox (default: the bundled terraform/ stacks).",
)
@policy_options
@output_options
def demo(terraform_paths: tuple[str, ...], **kwargs: object) -> None:
    """Scan a seeded local sandbox of all three clouds plus Terraform, and write reports."""
    from scanner.cli.outputs import FORMATS
    from scanner.cli.scan_cmd import scan_cloud
    from scanner.iac.scan import terraform_source
    from scanner.paths import terraform_examples_dir
    from scanner.pipeline import now, run_scan
    from scanner.sandbox.estate import running_sandbox

    started = now()
    outputs = collect(kwargs)
    if outputs.formats == ("console",):
        outputs = replace(outputs, formats=tuple(f for f in DEMO_FORMATS if f in FORMATS))
    outputs = replace(outputs, output_dir=outputs.output_dir or "mlscan-report")
    policy_set, parameters = collect_policies(kwargs)
    console = Console()
    paths = terraform_paths or (str(terraform_examples_dir()),)
    with running_sandbox() as sandbox, progress_for(outputs.quiet) as progress:
        console.print(
            f"sandbox: AWS {sandbox.aws_url}, Azure {sandbox.azure_url}, Vertex {sandbox.gcp_url}",
            highlight=False,
        )
        options = sandbox.live_options()
        sources = [scan_cloud(cloud, options, progress) for cloud in ("aws", "azure", "gcp")]
    sources.append(terraform_source(paths))
    targets = ("sandbox:aws", "sandbox:azure", "sandbox:gcp", *paths)
    result = run_scan(
        sources,
        policy_set,
        parameters=parameters,
        command=" ".join(["mlscan", *sys.argv[1:]]),
        targets=targets,
        started_at=started,
    )
    code = finish(result, outputs, console)
    console.print(f"reports written to {outputs.output_dir}/", highlight=False)
    sys.exit(code)
