"""``mlscan fix PATH...``: Terraform patches for failing findings (a diff, or --write in place)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scanner.cli.policy_options import collect_policies, policy_options
from scanner.model import InputError


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@policy_options
@click.option("--diff", "mode", flag_value="diff", default=True, help="Print a unified diff (default).")
@click.option("--write", "mode", flag_value="write", help="Edit the .tf files in place.")
@click.option(
    "--allow-replace",
    is_flag=True,
    help="Also write fixes that make Terraform replace the resource (ForceNew attributes).",
)
def fix(paths: tuple[str, ...], mode: str, allow_replace: bool, **kwargs: object) -> None:
    """Fix failing findings in Terraform: set or add the attribute or block that makes each one pass.

    Prints a unified diff on stdout (apply it with `git apply`) and one line per finding on
    stderr: fixed (in place or replacement), needs --allow-replace, manual or no mechanical fix.
    Values that cannot be invented (a KMS key, a subnet) become new input variables.
    Exit codes: 0 the plan was made (or written); 2 bad input.
    """
    from scanner.clouds.sources import terraform_source
    from scanner.fix.patch import summary, unified_diff, write
    from scanner.fix.terraform import plan_fixes
    from scanner.pipeline import run_scan

    if not paths:
        raise click.UsageError("give Terraform paths to fix")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(", ".join(missing), "no such file or directory")
    policy_set, parameters = collect_policies(kwargs)
    source = terraform_source(paths)
    result = run_scan([source], policy_set, parameters=parameters, targets=paths)
    plan = plan_fixes(result, policy_set, allow_replace=allow_replace)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if mode == "write":
        for path in write(plan):
            click.echo(f"wrote {path}", err=True)
    else:
        sys.stdout.write(unified_diff(plan))
    for line in summary(plan):
        click.echo(line, err=True)
    sys.exit(2 if plan.errors else 0)
