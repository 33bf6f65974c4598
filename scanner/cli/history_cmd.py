"""``mlscan history list | show | diff | trend | prune``: read and trim the scan history store.

Every subcommand takes ``--store URL`` (default: ``$MLSCAN_STORE`` or the per-user SQLite file) and
``--format text|json``. A store that cannot be opened, or a scan id it does not hold, is an input error
(exit 2, one line naming the store).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import wraps
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from scanner.cli.config import StoreUrl

_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def _store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--store`` and ``--format``; the command receives an open store."""

    @click.option(
        "--store",
        "store_url",
        type=StoreUrl(),
        default=None,
        metavar="URL",
        help="History store: sqlite:///FILE, postgresql://USER@HOST/DB or a path "
        "(default $MLSCAN_STORE or ~/.local/share/mlscan/history.db).",
    )
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @wraps(command)
    def run(store_url: str | None, fmt: str, **kwargs: Any) -> None:
        from scanner.history.since import resolve_store_url
        from scanner.history.store import Store

        with Store.open(resolve_store_url(store_url or "default")) as store:
            command(store=store, fmt=fmt, **kwargs)

    return run


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


@click.group("history")
def history() -> None:
    """Scan history: every scan run with --store, diffs between scans, trends, retention."""


@history.command("list")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@_store_options
def list_scans(store: Any, fmt: str, limit: int) -> None:
    """The newest stored scans with their failing counts."""
    scans = store.scans(limit=limit)
    if fmt == "json":
        _print_json([s.to_dict() for s in scans])
        return
    table = Table("id", "started", "targets", "resources", "findings", "failing", "errors")
    for s in scans:
        failing = sum((s.summary.get("failing_by_severity") or {}).values())
        table.add_row(
            str(s.id),
            s.to_dict()["started_at"],
            ", ".join(s.targets),
            str(s.summary.get("resources", "")),
            str(s.summary.get("findings", "")),
            str(failing),
            str(s.summary.get("errors", "")),
        )
    Console().print(table)


@history.command("show")
@click.argument("scan_id", type=int)
@_store_options
def show(store: Any, fmt: str, scan_id: int) -> None:
    """One stored scan: its metadata, resources, findings and errors."""
    scan = store.scan(scan_id)
    findings = store.findings([scan_id])
    resources = store.resources(scan_id)
    errors = store.errors(scan_id)
    if fmt == "json":
        _print_json(
            {
                **scan.to_dict(),
                "resources": [r.to_dict() for r in resources],
                "findings": [{**f.document, "fingerprint": f.fingerprint} for f in findings],
                "errors": errors,
            }
        )
        return
    console = Console()
    console.print(
        f"scan {scan.id}: {', '.join(scan.targets)}  {scan.to_dict()['started_at']}  mlscan {scan.tool_version}"
    )
    console.print(f"command: {scan.command}", markup=False)
    console.print(f"{len(resources)} resources, {len(findings)} findings, {len(errors)} errors")
    table = Table("status", "severity", "policy", "resource")
    for f in findings:
        if f.status != "pass":
            table.add_row(f.status, f.severity, f.policy_id, f.resource_id)
    console.print(table)
    for error in errors:
        console.print(f"error: {error['where']}: {error['reason']}", markup=False)


@history.command("diff")
@click.argument("scan_ids", type=int, nargs=-1)
@_store_options
def diff(store: Any, fmt: str, scan_ids: tuple[int, ...]) -> None:
    """Compare two scans: by default the last two of the same targets; one id: it and the scan before it."""
    from scanner.history.diff import CHANGES, diff_scans, pick_scans

    if len(scan_ids) > 2:
        raise click.UsageError("diff takes at most two scan ids")
    base, head = pick_scans(store, *scan_ids)
    result = diff_scans(store, base, head)
    if fmt == "json":
        _print_json(result.to_dict())
        return
    console = Console()
    console.print(f"scan {base.id if base else '(none)'} -> scan {head.id} ({', '.join(head.targets)})")
    console.print(", ".join(f"{len(result.of(c))} {c}" for c in CHANGES))
    table = Table("change", "severity", "policy", "resource", "first seen", "failing since")
    for change in result.changes:
        if change.change != "unchanged":
            f = change.finding
            table.add_row(
                change.change,
                f.severity,
                f.policy_id,
                f.resource_id,
                change.first_seen,
                change.failing_since or "",
            )
    console.print(table)
    for s in result.severity_changes:
        console.print(
            f"severity {s['from']} -> {s['to']}: {s['policy_id']} on {s['resource_id']}", markup=False
        )
    for rid in result.resources_added:
        console.print(f"resource added: {rid}", markup=False)
    for rid in result.resources_removed:
        console.print(f"resource removed: {rid}", markup=False)


@history.command("trend")
@click.argument("scan_id", type=int, required=False)
@click.option("--limit", type=click.IntRange(2), default=30, show_default=True, help="How many scans back.")
@_store_options
def trend_cmd(store: Any, fmt: str, scan_id: int | None, limit: int) -> None:
    """Failing findings per severity and cloud, and control statuses per framework, scan by scan."""
    from scanner.history.diff import pick_scans
    from scanner.history.trend import trend

    _, head = pick_scans(store, scan_id)
    points = trend(store, head, limit)
    if fmt == "json":
        _print_json([p.to_dict() for p in points])
        return
    console = Console()
    severities = list(points[-1].failing_by_severity) if points else []
    clouds = sorted({c for p in points for c in p.failing_by_cloud})
    table = Table("scan", "started", *severities, *clouds, title="failing findings")
    for p in points:
        table.add_row(
            str(p.scan.id),
            p.to_dict()["started_at"],
            *(str(p.failing_by_severity[s]) for s in severities),
            *(str(p.failing_by_cloud.get(c, 0)) for c in clouds),
        )
    console.print(table)
    recent = points[-10:]
    frameworks = Table("framework", *(f"scan {p.scan.id}" for p in recent), title="failing controls")
    for fw in sorted({fw for p in recent for fw in p.frameworks}):
        frameworks.add_row(fw, *(str(p.frameworks.get(fw, {}).get("fail", "-")) for p in recent))
    console.print(frameworks)


@history.command("prune")
@click.option("--keep", required=True, metavar="AGE", help="Keep scans newer than this: 90d, 12w, 36h.")
@_store_options
def prune(store: Any, fmt: str, keep: str) -> None:
    """Delete scans older than --keep, with their resources, findings, errors and control statuses."""
    cutoff = datetime.now(timezone.utc).replace(tzinfo=None) - parse_age(keep)
    removed = store.prune(cutoff)
    if fmt == "json":
        _print_json(
            {"removed": removed, "kept": store.count(), "before": cutoff.isoformat(timespec="seconds") + "Z"}
        )
    else:
        click.echo(f"mlscan: pruned {removed} scan(s) started before {cutoff.isoformat(timespec='seconds')}Z")


def parse_age(text: str) -> timedelta:
    """``90d`` / ``12w`` / ``36h`` as a timedelta; a usage error otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", text.lower())
    if not match:
        raise click.BadParameter(
            f"{text!r}: expected a number and a unit h, d or w (e.g. 90d)", param_hint="--keep"
        )
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
