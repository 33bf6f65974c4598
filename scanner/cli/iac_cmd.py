"""``mlscan iac PATH...``: scan Terraform directories, files and plan JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from scanner.cli.outputs import collect, finish, output_options
from scanner.cli.policy_options import collect_policies, policy_options


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@policy_options
@output_options
def iac(paths: tuple[str, ...], **kwargs: object) -> None:
    """Scan Terraform: .tf directories (recursively), .tf files and `terraform show -json` plans."""
    from scanner.iac.scan import terraform_source
    from scanner.pipeline import now, run_scan

    started = now()
    outputs = collect(kwargs)
    policy_set, parameters = collect_policies(kwargs)
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    source = terraform_source(paths)
    result = run_scan(
        [source],
        policy_set,
        parameters=parameters,
        command=" ".join(["mlscan", *sys.argv[1:]]),
        targets=paths,
        started_at=started,
    )
    sys.exit(finish(result, outputs, Console(stderr=False)))
