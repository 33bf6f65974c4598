"""Output options shared by ``mlscan iac``, ``mlscan scan`` and ``mlscan report``: formats, evidence, the CI gate.

The commands call three things: the :func:`output_options` decorator, :func:`collect`
to pop the options out of their keyword arguments, and :func:`finish` once the scan
result exists. ``finish`` applies waivers and the baseline, rolls findings up into
the compliance frameworks, writes every requested format and the evidence pack,
and returns the exit code: 0 clean, 1 failing findings or an expired waiver, 2 a
bad waivers / baseline / output option.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from scanner.gate.decision import FAIL_ON
from scanner.model import ScanResult, Severity
from scanner.report.formats import ALL_FORMATS, FILE_FORMATS

FORMATS = ALL_FORMATS
__all__ = ["FAIL_ON", "FORMATS", "OutputOptions", "collect", "finish", "output_options"]
DEFAULT_OUTPUT_DIR = "mlscan-report"


@dataclass(frozen=True)
class OutputOptions:
    """What the user asked to be written and how the exit code is decided."""

    formats: tuple[str, ...]
    output: str | None
    output_dir: str | None
    fail_on: str
    quiet: bool
    template_dir: str | None = None
    baseline: str | None = None
    create_baseline: str | None = None
    waivers: str | None = None
    evidence: str | None = None
    frameworks: tuple[str, ...] = ()
    """Extra framework directories (``--frameworks DIR``), added to the built-in ones."""
    policy_dirs: tuple[str, ...] = ()
    """User policy directories, recorded in the evidence pack (set by the scan commands)."""


def output_options(command: Callable[..., Any] | None = None, *, fail_on_default: str = "high") -> Any:
    """Decorate a click command with the shared output and gate options.

    Usable bare (``@output_options``) or with a different ``--fail-on`` default
    (``@output_options(fail_on_default="never")`` for re-rendering a saved result).
    """

    def decorate(cmd: Callable[..., Any]) -> Callable[..., Any]:
        decorators = [
            click.option(
                "--format",
                "formats",
                multiple=True,
                type=click.Choice(FORMATS),
                default=("console",),
                show_default=True,
                help="Output format; repeat for several.",
            ),
            click.option(
                "--output",
                "-o",
                type=click.Path(dir_okay=False),
                help="File for a single non-console format.",
            ),
            click.option(
                "--output-dir",
                type=click.Path(file_okay=False),
                help=f"Directory for report files (default {DEFAULT_OUTPUT_DIR}/ for several formats).",
            ),
            click.option(
                "--template-dir",
                type=click.Path(file_okay=False, exists=True),
                help="Directory of Jinja templates overriding the built-in report.*.j2.",
            ),
            click.option(
                "--fail-on",
                type=click.Choice(FAIL_ON),
                default=fail_on_default,
                show_default=True,
                help="Exit 1 when an unsuppressed failing finding is at or above this severity.",
            ),
            click.option(
                "--baseline",
                type=click.Path(dir_okay=False, exists=True),
                help="Only findings not in this baseline fail the gate.",
            ),
            click.option(
                "--create-baseline",
                type=click.Path(dir_okay=False),
                help="Record today's failing findings as the baseline file.",
            ),
            click.option(
                "--waivers",
                type=click.Path(dir_okay=False, exists=True),
                help="YAML file of accepted risks (policy glob, resource glob, reason, owner, expires).",
            ),
            click.option(
                "--evidence",
                type=click.Path(file_okay=False),
                help="Write an audit evidence pack (per-control JSON + SHA-256 manifest) here.",
            ),
            click.option(
                "--frameworks",
                "framework_dirs",
                multiple=True,
                type=click.Path(exists=True),
                help="Extra compliance framework YAML files or directories (repeatable).",
            ),
            click.option("--quiet", "-q", is_flag=True, help="No progress bar and no console table."),
        ]
        for decorator in reversed(decorators):
            cmd = decorator(cmd)
        return cmd

    return decorate(command) if command is not None else decorate


def collect(kwargs: dict[str, Any]) -> OutputOptions:
    """Pop the shared output options out of a command's keyword arguments."""
    return OutputOptions(
        formats=tuple(kwargs.pop("formats", ("console",))),
        output=kwargs.pop("output", None),
        output_dir=kwargs.pop("output_dir", None),
        fail_on=kwargs.pop("fail_on", "high"),
        quiet=kwargs.pop("quiet", False),
        template_dir=kwargs.pop("template_dir", None),
        baseline=kwargs.pop("baseline", None),
        create_baseline=kwargs.pop("create_baseline", None),
        waivers=kwargs.pop("waivers", None),
        evidence=kwargs.pop("evidence", None),
        frameworks=tuple(kwargs.pop("framework_dirs", ())),
        # Read, not popped: the policy options (scanner/cli/policy_options.py) own --policies.
        policy_dirs=tuple(kwargs.get("policy_dirs", ())),
    )


def finish(result: ScanResult, options: OutputOptions, console: Console) -> int:
    """Apply waivers and baseline, write every requested output and evidence, and return the exit code."""
    from scanner.report.write import finish_scan

    return finish_scan(result, options, console)


def gate_exit_code(result: ScanResult, fail_on: str) -> int:
    """1 when an unsuppressed failing finding is at or above ``fail_on``; ``never`` always gives 0."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on)
    return 1 if any(f.failing and f.severity.at_least(threshold) for f in result.findings) else 0


def output_targets(options: OutputOptions) -> dict[str, Path | None]:
    """format → file to write (None = standard output) for every non-console format requested.

    One file format with neither ``--output`` nor ``--output-dir`` (and no console
    table to mix with) goes to standard output, so ``mlscan iac . --format sarif > x.sarif``
    works; otherwise files go to ``--output-dir`` or ``mlscan-report/``.
    """
    file_formats = [f for f in dict.fromkeys(options.formats) if f in FILE_FORMATS]
    if options.output:
        if len(file_formats) != 1:
            raise click.UsageError(
                "--output takes exactly one non-console --format; use --output-dir for several"
            )
        return {file_formats[0]: Path(options.output)}
    if options.output_dir is None and len(file_formats) == 1 and "console" not in options.formats:
        return {file_formats[0]: None}
    directory = Path(options.output_dir or DEFAULT_OUTPUT_DIR)
    return {fmt: directory / FILE_FORMATS[fmt].filename for fmt in file_formats}


def with_policy_dirs(options: OutputOptions, policy_dirs: tuple[str, ...]) -> OutputOptions:
    """The same options, recording the user's policy directories for the evidence pack."""
    return replace(options, policy_dirs=policy_dirs)
