"""``mlscan fix PATH...``: Terraform patches for failing findings (a diff, or --write in place)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scanner.cli.policy_options import collect_policies, policy_options
from scanner.cli.terraform_options import TerraformCommand, collect_variables, terraform_variable_options
from scanner.model import InputError


@click.command(cls=TerraformCommand)
@click.argument("paths", nargs=-1, type=click.Path())
@policy_options
@terraform_variable_options
@click.option("--diff", "mode", flag_value="diff", default=True, help="Print a unified diff (default).")
@click.option("--write", "mode", flag_value="write", help="Edit the .tf files in place.")
@click.option(
    "--allow-replace",
    is_flag=True,
    help="Also write fixes that make Terraform replace the resource (ForceNew attributes).",
)
@click.option(
    "--from",
    "results",
    type=click.Path(dir_okay=False),
    help="A saved live scan (--format json): write a remediation plan (script + runbook) instead of patches.",
)
@click.option(
    "--plan-dir",
    default="mlscan-fix",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where --from writes remediation.sh and remediation.md.",
)
def fix(
    paths: tuple[str, ...],
    mode: str,
    allow_replace: bool,
    results: str | None,
    plan_dir: str,
    **kwargs: object,
) -> None:
    """Fix failing findings in Terraform: set or add the attribute or block that makes each one pass.

    Prints a unified diff on stdout (apply it with `git apply`) and one line per finding on
    stderr: fixed (in place or replacement), needs --allow-replace, manual or no mechanical fix.
    Values that cannot be invented (a KMS key, a subnet) become new input variables.
    With --from RESULTS.json (a saved live scan), writes a remediation plan instead: the aws / az /
    gcloud commands per failing finding in dependency order, with impact and rollback, as a shell
    script and a Markdown runbook. mlscan itself never calls a mutating API.
    Exit codes: 0 the plan was made (or written); 2 bad input.
    """
    from scanner.clouds.sources import terraform_source
    from scanner.fix.patch import summary, unified_diff, write
    from scanner.fix.terraform import plan_fixes
    from scanner.pipeline import run_scan

    variables = collect_variables(kwargs)
    if results is not None:
        if paths:
            raise click.UsageError("give Terraform paths or --from RESULTS.json, not both")
        sys.exit(_live_plan(results, Path(plan_dir), kwargs))
    if not paths:
        raise click.UsageError("give Terraform paths to fix, or --from RESULTS.json for a live plan")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(", ".join(missing), "no such file or directory")
    policy_set, parameters = collect_policies(kwargs)
    source = terraform_source(paths, variables)
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


def _live_plan(results: str, plan_dir: Path, kwargs: dict[str, object]) -> int:
    """Write remediation.sh and remediation.md for the failing live findings of a saved scan."""
    from scanner.cli.report_cmd import load_results
    from scanner.fix.live import plan_live
    from scanner.fix.live_render import render_runbook, render_script

    policy_set, _ = collect_policies(kwargs)
    plan = plan_live(load_results(results), policy_set)
    plan_dir.mkdir(parents=True, exist_ok=True)
    script = plan_dir / "remediation.sh"
    script.write_text(render_script(plan, Path(results).name), encoding="utf-8")
    script.chmod(0o755)
    (plan_dir / "remediation.md").write_text(render_runbook(plan, Path(results).name), encoding="utf-8")
    steps = sum(len(a.steps) for a in plan.actions)
    findings = sum(len(a.policy_ids) for a in plan.actions)
    click.echo(
        f"{findings} failing live findings on {len(plan.actions)} resources: {steps} steps in {script} "
        f"and {plan_dir / 'remediation.md'}; {len(plan.manual)} left to people (listed in the runbook)",
        err=True,
    )
    return 0
