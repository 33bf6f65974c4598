"""Output options shared by ``mlscan iac`` and ``mlscan scan``: formats, the CI gate, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from scanner.model import ScanResult, Severity
from scanner.report.console import render_console
from scanner.report.json_contract import result_to_dict

FORMATS = ("console", "json")
FAIL_ON = ("critical", "high", "medium", "low", "never")


@dataclass(frozen=True)
class OutputOptions:
    """What the user asked to be written and how the exit code is decided."""

    formats: tuple[str, ...]
    output: str | None
    output_dir: str | None
    fail_on: str
    quiet: bool


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a click command with the shared output and gate options."""
    decorators = [
        click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), default=("console",),
                     show_default=True, help="Output format; repeat for several."),
        click.option("--output", "-o", type=click.Path(dir_okay=False), help="File for a single non-console format."),
        click.option("--output-dir", type=click.Path(file_okay=False), help="Directory for report files."),
        click.option("--fail-on", type=click.Choice(FAIL_ON), default="high", show_default=True,
                     help="Exit 1 when a failing finding is at or above this severity."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar and no console table."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def collect(kwargs: dict[str, Any]) -> OutputOptions:
    """Pop the shared output options out of a command's keyword arguments."""
    return OutputOptions(
        formats=tuple(kwargs.pop("formats")),
        output=kwargs.pop("output"),
        output_dir=kwargs.pop("output_dir"),
        fail_on=kwargs.pop("fail_on"),
        quiet=kwargs.pop("quiet"),
    )


def finish(result: ScanResult, options: OutputOptions, console: Console) -> int:
    """Write every requested output and return the exit code (0 clean, 1 failing findings)."""
    for fmt in options.formats:
        if fmt == "console":
            if not options.quiet:
                render_console(result, console)
            continue
        text = json.dumps(result_to_dict(result), indent=2, default=str)
        path = _target(options, fmt)
        if path is None:
            click.echo(text)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return gate_exit_code(result, options.fail_on)


def gate_exit_code(result: ScanResult, fail_on: str) -> int:
    """1 when an unsuppressed failing finding is at or above ``fail_on``; ``never`` always gives 0."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on)
    return 1 if any(f.failing and f.severity.at_least(threshold) for f in result.findings) else 0


def _target(options: OutputOptions, fmt: str) -> Path | None:
    if options.output:
        return Path(options.output)
    if options.output_dir:
        return Path(options.output_dir) / f"mlscan.{fmt}"
    return None
