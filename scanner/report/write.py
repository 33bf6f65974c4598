"""After a scan: waivers, baseline, compliance roll-up, every output file, evidence, and the gate verdict.

This is the body of :func:`scanner.cli.outputs.finish`, kept out of the CLI module so
that it can be called (and tested) without click parsing. The order matters: waivers
and the baseline change which findings are suppressed, and every format and the
evidence pack must show the same suppressed set as the gate judged.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from scanner.compliance import load_frameworks, roll_up_all
from scanner.gate import (
    BaselineFileError,
    WaiverFileError,
    apply_waivers,
    compare_with_baseline,
    decide,
    load_baseline,
    load_waivers,
    write_baseline,
)
from scanner.model import ScanResult
from scanner.report.console import render_compliance_summary, render_console
from scanner.report.context import ReportContext
from scanner.report.formats import FILE_FORMATS

if TYPE_CHECKING:
    from scanner.cli.outputs import OutputOptions

USAGE_ERROR = 2


def finish_scan(result: ScanResult, options: OutputOptions, console: Console) -> int:
    """Run every post-scan step and return the exit code (0 clean, 1 gate failed, 2 bad option/input)."""
    from scanner.cli.outputs import output_targets

    targets = output_targets(options)
    notes: list[str] = []
    expired = ()
    try:
        if options.waivers:
            outcome = apply_waivers(result, load_waivers(options.waivers))
            result, expired = outcome.result, outcome.expired
            notes.append(f"waivers: {outcome.waived} finding(s) waived, {len(outcome.expired)} expired")
            notes += [f"waiver unused (remove it?): {w.describe()}" for w in outcome.unused]
        if options.create_baseline:
            count = write_baseline(result, options.create_baseline)
            notes.append(f"baseline: wrote {count} failing finding(s) to {options.create_baseline}")
        baseline_file = options.baseline or options.create_baseline
        if baseline_file:
            compared = compare_with_baseline(result, load_baseline(baseline_file), baseline_file)
            result = compared.result
            notes.append(
                f"baseline: {compared.known} known, {compared.new} new failing finding(s), "
                f"{len(compared.fixed)} baseline entr{'y' if len(compared.fixed) == 1 else 'ies'} fixed"
            )
    except (WaiverFileError, BaselineFileError) as exc:
        click.echo(f"mlscan: error: {exc}", err=True)
        return USAGE_ERROR

    framework_set = load_frameworks(options.frameworks)
    if framework_set.errors:
        result = replace(result, errors=result.errors + framework_set.errors)
    frameworks = roll_up_all(framework_set.frameworks, result.findings)
    ctx = ReportContext(result, frameworks, Path(options.template_dir) if options.template_dir else None)

    if "console" in options.formats and not options.quiet:
        render_console(result, console)
        render_compliance_summary(frameworks, console)
    else:  # errors are never silent: one line each on stderr when no console table shows them
        for error in result.errors:
            click.echo(f"mlscan: error: {error.where}: {error.reason}", err=True)
    for fmt, path in targets.items():
        text = FILE_FORMATS[fmt].render(ctx)
        if path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            notes.append(f"wrote {fmt}: {path}")

    if options.evidence:
        from scanner.evidence import write_evidence_pack

        try:
            used = [p for p in (options.waivers, options.baseline or options.create_baseline) if p]
            pack = write_evidence_pack(
                options.evidence, result, frameworks, policy_dirs=options.policy_dirs, inputs=used
            )
        except FileExistsError as exc:
            click.echo(f"mlscan: error: {exc}", err=True)
            return USAGE_ERROR
        notes.append(
            f"evidence: {pack.files} files in {pack.directory}; manifest sha256 {pack.manifest_sha256}"
        )

    decision = decide(result, options.fail_on, expired)
    if not options.quiet:
        for note in notes:
            click.echo(f"mlscan: {note}", err=True)
    for reason in decision.reasons:
        click.echo(f"mlscan: gate failed: {reason}", err=True)
    return decision.exit_code
