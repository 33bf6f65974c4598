"""``mlscan report RESULTS.json``: re-render a saved JSON result in any format, without rescanning."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import click
from rich.console import Console

from scanner.cli.outputs import collect, finish, output_options
from scanner.model import ScanResult
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
    raise SystemExit(finish(result, options, Console(stderr=False)))


def load_results(path: str) -> ScanResult:
    """A saved JSON result as a ScanResult; exit 2 with a located one-line error when it is not one."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return result_from_dict(data)
    except json.JSONDecodeError as exc:
        _input_error(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        _input_error(f"{path}: not an mlscan JSON result: {exc!r}")


def _input_error(message: str) -> NoReturn:
    """Exit 2 (input error, nothing rendered) with a one-line message on standard error."""
    click.echo(f"mlscan: error: {message}", err=True)
    raise SystemExit(2)
