"""``mlscan report RESULTS.json``: re-render a saved JSON result in any format, without rescanning."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console

from scanner.cli.outputs import collect, finish, output_options
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
    try:
        with open(results, encoding="utf-8") as handle:
            data = json.load(handle)
        result = result_from_dict(data)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{results}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise click.ClickException(f"{results}: not an mlscan JSON result: {exc!r}") from exc
    raise SystemExit(finish(result, options, Console(stderr=False)))
