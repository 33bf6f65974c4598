"""Output options shared by ``mlscan iac``, ``scan``, ``demo`` and ``report``, and how a finished scan is shown.

The commands use :func:`output_options` (the click decorator), :func:`collect` to pop
the options out of their keyword arguments, and :func:`present` to print what
:func:`scanner.app.finish` returned and give the exit code. Everything else after the
scan (waivers, baseline, roll-up, files, evidence, the gate) is ``scanner.app``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from scanner.alerts.model import AlertOptions
from scanner.app import DEFAULT_OUTPUT_DIR, Finished, OutputOptions
from scanner.cli.config import StoreUrl
from scanner.gate.decision import FAIL_ON
from scanner.model import InputError
from scanner.report.console import GROUP_BY, render_compliance_summary, render_console
from scanner.report.formats import ALL_FORMATS

__all__ = ["OutputOptions", "collect", "output_options", "present"]


def alert_option_decorators() -> list[Callable[..., Any]]:
    """``--notify-webhook``, ``--notify-slack``, ``--notify-secret``, ``--security-hub`` (scans and watch)."""
    return [
        click.option(
            "--notify-webhook",
            "notify_webhooks",
            multiple=True,
            metavar="URL",
            help="POST new and regressed failing findings (JSON) to this URL; needs --store (repeatable).",
        ),
        click.option(
            "--notify-slack",
            "notify_slack",
            multiple=True,
            metavar="URL",
            help="Post new and regressed failing findings to this Slack incoming webhook; needs --store.",
        ),
        click.option(
            "--notify-secret",
            metavar="SECRET",
            help="Sign each --notify-webhook body: X-Mlscan-Signature: sha256=HMAC(SECRET, body).",
        ),
        click.option(
            "--security-hub",
            is_flag=True,
            help="Import live AWS findings into AWS Security Hub (BatchImportFindings, ASFF): "
            "mlscan's only write call, to Security Hub only.",
        ),
        click.option(
            "--security-hub-endpoint",
            metavar="URL",
            hidden=True,
            envvar="MLSCAN_SECURITY_HUB_ENDPOINT",
            help="Security Hub endpoint override (a local fake).",
        ),
    ]


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
                type=click.Choice(ALL_FORMATS, case_sensitive=False),
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
                type=click.Choice(FAIL_ON, case_sensitive=False),
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
            click.option(
                "--store",
                type=StoreUrl(),
                metavar="URL",
                envvar="MLSCAN_STORE",
                help="Record the scan in this history store (sqlite:///FILE, postgresql://USER@HOST/DB, "
                "a path, or 'default' for ~/.local/share/mlscan/history.db); env MLSCAN_STORE.",
            ),
            *alert_option_decorators(),
            click.option(
                "--strict",
                is_flag=True,
                help="Exit 2 when any input could not be read (a bad file, a denied region), after reporting.",
            ),
            click.option(
                "--group-by",
                type=click.Choice(GROUP_BY, case_sensitive=False),
                default="resource",
                show_default=True,
                help="Console: list findings under each resource or under each policy.",
            ),
            click.option("--pretty", is_flag=True, help="Indent JSON outputs (compact by default)."),
            click.option(
                "--quiet",
                "-q",
                is_flag=True,
                help="Console: failing findings only (no progress, totals, risk or notes).",
            ),
        ]
        for decorator in reversed(decorators):
            cmd = decorator(cmd)
        return cmd

    return decorate(command) if command is not None else decorate


def alert_options(kwargs: dict[str, Any], store: str | None) -> AlertOptions:
    """Pop the alert options; webhooks and Slack need ``--store`` (they report what changed)."""
    alerts = AlertOptions(
        webhooks=tuple(kwargs.pop("notify_webhooks", ())),
        slack=tuple(kwargs.pop("notify_slack", ())),
        secret=kwargs.pop("notify_secret", None),
        security_hub=kwargs.pop("security_hub", False),
        security_hub_endpoint=kwargs.pop("security_hub_endpoint", None),
    )
    if alerts.notifies and not store:
        raise InputError(
            "--notify-webhook/--notify-slack",
            "needs --store: alerts name the failing findings that are new or regressed since the last scan",
        )
    return alerts


def collect(kwargs: dict[str, Any]) -> OutputOptions:
    """Pop the shared output options out of a command's keyword arguments."""
    return OutputOptions(
        formats=tuple(kwargs.pop("formats", ("console",))),
        output=kwargs.pop("output", None),
        output_dir=kwargs.pop("output_dir", None),
        fail_on=kwargs.pop("fail_on", "high"),
        quiet=kwargs.pop("quiet", False),
        strict=kwargs.pop("strict", False),
        pretty=kwargs.pop("pretty", False),
        template_dir=kwargs.pop("template_dir", None),
        baseline=kwargs.pop("baseline", None),
        create_baseline=kwargs.pop("create_baseline", None),
        waivers=kwargs.pop("waivers", None),
        evidence=kwargs.pop("evidence", None),
        frameworks=tuple(kwargs.pop("framework_dirs", ())),
        store=(store := kwargs.pop("store", None)),
        alerts=alert_options(kwargs, store),
        # Read, not popped: the policy options (scanner/cli/policy_options.py) own --policies.
        policy_dirs=tuple(kwargs.get("policy_dirs", ())),
        group_by=kwargs.pop("group_by", "resource"),
    )


def present(finished: Finished, options: OutputOptions, console: Console) -> int:
    """Print a finished scan (console table or error lines, standard-output formats, notes, gate
    reasons) and return its exit code; an ``input_error`` is raised for the CLI's one handler."""
    if options.shows_console:
        render_console(finished.result, console, group_by=options.group_by)
        render_compliance_summary(list(finished.frameworks), console)
    if options.quiet and "console" in options.formats:
        render_console(finished.result, console, group_by=options.group_by, failing_only=True)
    if (
        not options.shows_console
    ):  # errors are never silent: one line each on stderr when no console table shows them
        for error in finished.result.errors:
            click.echo(f"mlscan: error: {error.where}: {error.reason}", err=True)
    for text in finished.stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
    if not options.quiet:
        for note in finished.notes:
            click.echo(f"mlscan: {note}", err=True)
    for reason in finished.decision.reasons:
        click.echo(f"mlscan: gate failed: {reason}", err=True)
    if finished.input_error is not None:
        raise finished.input_error
    return finished.decision.exit_code
