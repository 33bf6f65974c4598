"""``mlscan report RESULTS.json``: re-render a saved JSON result in any format, without rescanning."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from scanner.app import finish
from scanner.cli.outputs import collect, output_options, present
from scanner.jsondoc import InputFileError, read_json
from scanner.model import InputError, ScanResult
from scanner.report.json_contract import result_from_dict


@click.command("report")
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@output_options(fail_on_default="never")
def report(results: str, **kwargs: Any) -> None:
    """Render RESULTS.json (from --format json) as html, markdown, sarif, junit, csv, ocsf, ...

    Waivers, a baseline and --fail-on apply as in a scan, so a saved result can be
    re-gated; by default (--fail-on never) the exit code is 0.
    """
    options = collect(kwargs)
    result = load_results(results)
    raise SystemExit(present(finish(result, options), options, Console(stderr=False)))


def load_results(path: str) -> ScanResult:
    """A saved JSON result as a ScanResult; :class:`InputError` (exit 2) naming file and line when it is not one."""
    try:
        data = read_json(path)
    except InputFileError as exc:
        raise InputError(exc.where, exc.reason) from exc
    tool = data.get("tool") if isinstance(data, dict) else None
    if not isinstance(tool, dict) or tool.get("name") != "mlscan" or "schema_version" not in data:
        raise InputError(
            path, "not an mlscan JSON result (write one with --format json; SARIF and others are outputs)"
        )
    try:
        return result_from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(path, f"not an mlscan JSON result: {exc!r}") from exc
