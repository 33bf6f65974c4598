"""``mlscan iac PATH...``: scan Terraform directories, files and plan JSON."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console

from scanner.cli.outputs import output_options
from scanner.cli.policy_options import policy_options
from scanner.cli.query_options import query_log_options
from scanner.cli.terraform_options import TerraformCommand, collect_variables, terraform_variable_options
from scanner.model import InputError


@click.command(cls=TerraformCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@query_log_options
@policy_options
@output_options
@terraform_variable_options
def iac(paths: tuple[str, ...], **kwargs: object) -> None:
    """Scan Terraform: .tf directories (recursively), .tf files and `terraform show -json` plans."""
    from scanner.cli.run import run_scan_command
    from scanner.clouds.paths import history_targets
    from scanner.clouds.sources import terraform_source

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(", ".join(missing), "no such file or directory")
    variables = collect_variables(kwargs)
    code = run_scan_command(
        kwargs,
        paths,
        lambda _progress: [terraform_source(paths, variables)],
        console=Console(stderr=False),
        adjust_outputs=lambda outputs: replace(outputs, history_targets=history_targets(paths)),
    )
    sys.exit(code)
