"""``mlscan policy list | show ID | validate [DIR] | test [DIR]``: work with policies as code."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scanner.paths import policies_dir
from scanner.policy.examples import run_examples
from scanner.policy.loader import load_policies
from scanner.policy.model import Policy

if TYPE_CHECKING:
    from scanner.compliance.frameworks import Framework


@click.group()
def policy() -> None:
    """List, show, validate and test policies."""


@policy.command("list")
@click.option(
    "--policies", "policy_dirs", multiple=True, type=click.Path(exists=True), help="Extra policy directory."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("table", "json", "markdown"), case_sensitive=False),
    default="table",
    show_default=True,
    help="A table, the machine-readable catalogue as JSON, or the docs/policies.md catalogue.",
)
def list_policies(policy_dirs: tuple[str, ...], output_format: str) -> None:
    """List every loaded policy with its category, severity and kinds."""
    policy_set = load_policies(policy_dirs)
    if output_format == "markdown":
        from scanner.compliance import load_frameworks
        from scanner.policy.catalogue import catalogue_markdown

        click.echo(
            catalogue_markdown(policy_set.policies, controls_by_framework(load_frameworks().frameworks)),
            nl=False,
        )
        _report_errors(policy_set.errors)
        sys.exit(1 if policy_set.errors else 0)
    if output_format == "json":
        from scanner.compliance import controls_by_policy, load_frameworks

        controls = controls_by_policy(load_frameworks().frameworks)
        entries = [catalogue_entry(p, controls.get(p.id, [])) for p in policy_set.policies]
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        _report_errors(policy_set.errors)
        sys.exit(1 if policy_set.errors else 0)
    table = Table(title=f"{len(policy_set.policies)} policies")
    for column in ("Id", "Severity", "Category", "Applies to", "Title"):
        table.add_column(column)
    for p in policy_set.policies:
        scope = ",".join(p.kinds) + (f" ({','.join(p.providers)})" if p.providers else "")
        table.add_row(escape(p.id), p.severity.value, p.category, escape(scope), escape(p.title))
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


def catalogue_entry(p: Policy, controls: list[str]) -> dict[str, object]:
    """One policy as the JSON catalogue shows it: what it checks, where, how bad, how to fix it, which controls."""
    by_framework: dict[str, list[str]] = {}
    for qualified in controls:
        framework, _, control = qualified.partition(":")
        by_framework.setdefault(framework, []).append(control)
    return {
        "id": p.id,
        "title": p.title,
        "description": p.description,
        "severity": p.severity.value,
        "category": p.category,
        "kinds": list(p.kinds),
        "providers": list(p.providers),
        "resource_types": list(p.types),
        "parameters": dict(p.parameters),
        "remediation": dict(p.remediation),
        "references": list(p.references),
        "controls": by_framework,
        "help_uri": p.help_uri,
        "version": p.version,
        "path": p.path,
    }


def controls_by_framework(frameworks: Sequence[Framework]) -> dict[str, dict[str, list[str]]]:
    """policy id → {framework name: control ids}, for the docs catalogue; a framework limited to some
    clouds says which."""
    mapping: dict[str, dict[str, list[str]]] = {}
    for framework in frameworks:
        label = framework.name + (f" ({', '.join(framework.providers)})" if framework.providers else "")
        for control in framework.controls:
            for pid in control.policies:
                ids = mapping.setdefault(pid, {}).setdefault(label, [])
                if control.id not in ids:
                    ids.append(control.id)
    return mapping


def _report_errors(errors: tuple[object, ...]) -> None:
    for error in errors:
        click.echo(f"error: {error}", err=True)


def dump(document: object) -> str:
    """YAML text of a document (used by `policy show` for generated views)."""
    return yaml.safe_dump(document, sort_keys=False)
