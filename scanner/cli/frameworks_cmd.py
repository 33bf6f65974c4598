"""``mlscan frameworks list | show NAME``: the compliance frameworks and which policies evidence each control."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scanner.compliance import FrameworkSet, load_frameworks

_extra = click.option(
    "--frameworks",
    "framework_dirs",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra framework YAML files or directories (repeatable).",
)


@click.group("frameworks")
def frameworks() -> None:
    """Compliance frameworks (CIS, SOC 2, HIPAA, NIST 800-53, MITRE ATLAS, OWASP ML Top 10, ...)."""


def _load(framework_dirs: tuple[str, ...]) -> FrameworkSet:
    loaded = load_frameworks(framework_dirs)
    for error in loaded.errors:
        click.echo(f"mlscan: error: {error}", err=True)
    return loaded


@frameworks.command("list")
@_extra
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_frameworks(framework_dirs: tuple[str, ...], as_json: bool) -> None:
    """Every framework with its number of controls and how many have an automated policy."""
    loaded = _load(framework_dirs)
    rows = [
        {
            "id": fw.id,
            "name": fw.name,
            "version": fw.version,
            "controls": len(fw.controls),
            "automated": sum(1 for c in fw.controls if c.policies),
            "policies": len(fw.policy_ids()),
        }
        for fw in sorted(loaded.frameworks, key=lambda f: f.id)
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        table = Table(title="Compliance frameworks")
        for column in ("id", "name", "version", "controls", "automated", "policies"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                *(escape(str(row[c])) for c in ("id", "name", "version", "controls", "automated", "policies"))
            )
        Console().print(table)
    raise SystemExit(2 if loaded.errors else 0)


@frameworks.command("show")
@click.argument("name")
@_extra
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def show_framework(name: str, framework_dirs: tuple[str, ...], as_json: bool) -> None:
    """The controls of framework NAME (its id or full name) and the policies mapped to each."""
    loaded = _load(framework_dirs)
    fw = loaded.get(name)
    if fw is None:
        known = ", ".join(sorted(f.id for f in loaded.frameworks))
        click.echo(f"mlscan: error: unknown framework {name!r}; known: {known}", err=True)
        raise SystemExit(2)
    if as_json:
        controls = [{"id": c.id, "title": c.title, "policies": list(c.policies)} for c in fw.controls]
        exempt = [{"policy": pid, "reason": reason} for pid, reason in fw.not_applicable]
        document = {"id": fw.id, "name": fw.name, "version": fw.version, "controls": controls}
        click.echo(json.dumps({**document, "not_applicable": exempt}, indent=2))
        return
    table = Table(title=escape(f"{fw.name} {fw.version}"), caption=escape(fw.description) or None)
    for column in ("control", "title", "policies"):
        table.add_column(column, overflow="fold")
    for c in fw.controls:
        table.add_row(
            escape(c.id),
            escape(c.title),
            escape(", ".join(c.policies)) or "[dim](not assessed: no automated policy)[/]",
        )
    for pid, reason in fw.not_applicable:
        table.add_row("[dim]n/a[/]", escape(f"{pid} is not mapped: {reason}"), "")
    Console().print(table)
