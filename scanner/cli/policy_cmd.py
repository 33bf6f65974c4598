"""``mlscan policy list | show ID | validate [DIR] | test [DIR]``: work with policies as code."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml
from rich.console import Console
from rich.table import Table

from scanner.paths import policies_dir
from scanner.policy.examples import run_examples
from scanner.policy.loader import load_policies


@click.group()
def policy() -> None:
    """List, show, validate and test policies."""


@policy.command("list")
@click.option(
    "--policies", "policy_dirs", multiple=True, type=click.Path(exists=True), help="Extra policy directory."
)
def list_policies(policy_dirs: tuple[str, ...]) -> None:
    """List every loaded policy with its category, severity and kinds."""
    policy_set = load_policies(policy_dirs)
    table = Table(title=f"{len(policy_set.policies)} policies")
    for column in ("Id", "Severity", "Category", "Applies to", "Title"):
        table.add_column(column)
    for p in policy_set.policies:
        scope = ",".join(p.kinds) + (f" ({','.join(p.providers)})" if p.providers else "")
        table.add_row(p.id, p.severity.value, p.category, scope, p.title)
    Console().print(table)
    _report_errors(policy_set.errors)


@policy.command()
@click.argument("policy_id")
@click.option(
    "--policies", "policy_dirs", multiple=True, type=click.Path(exists=True), help="Extra policy directory."
)
def show(policy_id: str, policy_dirs: tuple[str, ...]) -> None:
    """Print one policy's YAML as written."""
    found = load_policies(policy_dirs).by_id(policy_id)
    if found is None:
        raise click.ClickException(f"no policy with id {policy_id}")
    click.echo(f"# {found.path}")
    click.echo(Path(found.path).read_text(encoding="utf-8"))


@policy.command()
@click.argument("directories", nargs=-1, type=click.Path(exists=True))
def validate(directories: tuple[str, ...]) -> None:
    """Validate policy files against the schema and the fact vocabulary (default: built-in policies)."""
    policy_set = load_policies(directories or [policies_dir()], builtin=False)
    _report_errors(policy_set.errors)
    click.echo(f"{len(policy_set.policies)} valid, {len(policy_set.errors)} errors")
    sys.exit(1 if policy_set.errors else 0)


@policy.command("test")
@click.argument("directories", nargs=-1, type=click.Path(exists=True))
@click.option("--verbose", "-v", is_flag=True, help="Show every example, not only failures.")
def test_policies(directories: tuple[str, ...], verbose: bool) -> None:
    """Run each policy's pass / fail examples; exit 1 if any policy misjudges one."""
    policy_set = load_policies(directories or [policies_dir()], builtin=False)
    _report_errors(policy_set.errors)
    passed = failed = 0
    for p in policy_set.policies:
        for result in run_examples(p):
            if result.ok:
                passed += 1
                if verbose:
                    click.echo(f"PASS {p.id} {result.expected}[{result.index}]")
            else:
                failed += 1
                click.echo(
                    f"FAIL {p.id} {result.expected}[{result.index}]: expected {result.expected}, "
                    f"got {result.actual} ({result.message}) [{p.path}]"
                )
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or policy_set.errors else 0)


def _report_errors(errors: tuple[object, ...]) -> None:
    for error in errors:
        click.echo(f"error: {error}", err=True)


def dump(document: object) -> str:
    """YAML text of a document (used by `policy show` for generated views)."""
    return yaml.safe_dump(document, sort_keys=False)
