"""After the scan: waivers and baseline, compliance roll-up, render targets, files, evidence, the gate.

Everything between "the sources produced a :class:`ScanResult`" and "the process
exits" lives here, and returns data: the CLI prints what :class:`Finished` holds and
exits with its code; tests call :func:`finish` without click. The order matters:
waivers and the baseline change which findings are suppressed, and every format and
the evidence pack must show the same suppressed set as the gate judged.

Bad input (a waivers or baseline file that is not one, ``--output`` with several
formats, an evidence directory in use, nothing at all scanned) raises or returns
:class:`scanner.model.InputError`; the CLI turns that into exit code 2 in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scanner.alerts.model import AlertOptions
from scanner.clouds.base import SourceResult
from scanner.compliance import load_frameworks, roll_up_all
from scanner.compliance.rollup import FrameworkResult
from scanner.gate import (
    GateDecision,
    apply_waivers,
    compare_with_baseline,
    decide,
    load_baseline,
    load_waivers,
    write_baseline,
)
from scanner.gate.waivers import Waiver
from scanner.model import InputError, ScanError, ScanResult
from scanner.pipeline import run_scan
from scanner.policy.model import PolicySet
from scanner.redact import redact_result
from scanner.report.context import ReportContext
from scanner.report.formats import FILE_FORMATS

DEFAULT_OUTPUT_DIR = "mlscan-report"
LEAN_FORMATS = frozenset({"console", "sarif", "markdown"})
"""Formats that never list a passing finding (they show only how many passed)."""


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
    strict: bool = False
    """``--strict``: any scan error (one unreadable file, one denied region) makes the exit code 2."""
    pretty: bool = False
    """``--pretty``: indent JSON outputs (compact by default: smaller and much faster to write)."""
    group_by: str = "resource"
    """How the console groups findings: under each ``resource`` or under each ``policy``."""
    store: str | None = None
    """History store URL (``--store``): record the scan there and report what changed since the last one."""
    history_compare: str = "targets"
    """``targets``: diff against the last scan of the same targets; ``resources``: against each finding's
    latest verdict in any scan (``mlscan watch``, whose targets are the changed resources)."""
    history_targets: tuple[str, ...] | None = None
    """Canonical targets for the history (``mlscan iac``: resolved paths), so ``mlscan iac .`` and
    ``mlscan iac /abs/path`` share one history; None: the targets as given."""
    alerts: AlertOptions = AlertOptions()
    """Webhooks, Slack (new / regressed failures, from the store) and Security Hub (``--security-hub``)."""

    @property
    def needs_passes(self) -> bool:
        """Whether passing findings must be built: a requested format lists them (JSON, HTML, CSV,
        JUnit, OCSF, ASFF), or the evidence pack, the history store, Security Hub, waivers or a baseline read them.
        SARIF, the console and Markdown need only the counts."""
        if self.evidence or self.store or self.waivers or self.baseline or self.create_baseline:
            return True
        if self.alerts.security_hub:  # every status is imported, so a fix resolves its Security Hub finding
            return True
        return not set(self.formats) <= LEAN_FORMATS

    @property
    def shows_console(self) -> bool:
        """Whether the console table is shown (the CLI prints it; errors go to stderr otherwise)."""
        return "console" in self.formats and not self.quiet


@dataclass(frozen=True)
class ScanRequest:
    """What to run over the sources: the selected policies and how the run is recorded."""

    policy_set: PolicySet
    parameters: Mapping[str, Any]
    command: str
    targets: tuple[str, ...]
    started_at: str
    terraform: SourceResult | None = None
    """``mlscan scan --terraform PATH``: the declared resources live ones are compared with (drift)."""


@dataclass(frozen=True)
class Finished:
    """Everything after the scan, as data: what to show, what was written, and the exit decision."""

    result: ScanResult
    """The result as every format saw it: waivers and baseline applied, framework errors added."""
    frameworks: tuple[FrameworkResult, ...]
    """The compliance roll-up the console summary and the evidence pack show."""
    stdout: tuple[str, ...]
    """Rendered formats that go to standard output (one file format and no console table)."""
    written: tuple[tuple[str, Path], ...]
    """(format, file) for every report file written."""
    notes: tuple[str, ...]
    """One-line remarks for standard error (waivers, baseline, files, evidence)."""
    decision: GateDecision
    """The gate's verdict: exit code 0/1 and the sentences that explain a failure."""
    input_error: InputError | None = None
    """Set when the scan produced nothing usable (every source failed): exit 2 after showing it all."""


def output_targets(options: OutputOptions) -> dict[str, Path | None]:
    """format → file to write (None = standard output) for every non-console format requested.

    One file format with neither ``--output`` nor ``--output-dir`` (and no console
    table to mix with) goes to standard output, so ``mlscan iac . --format sarif > x.sarif``
    works; otherwise files go to ``--output-dir`` or ``mlscan-report/``.
    """
    file_formats = [f for f in dict.fromkeys(options.formats) if f in FILE_FORMATS]
    if options.output:
        if len(file_formats) != 1:
            raise InputError(
                "--output", "takes exactly one non-console --format; use --output-dir for several"
            )
        return {file_formats[0]: Path(options.output)}
    if options.output_dir is None and len(file_formats) == 1 and "console" not in options.formats:
        return {file_formats[0]: None}
    directory = Path(options.output_dir or DEFAULT_OUTPUT_DIR)
    return {fmt: directory / FILE_FORMATS[fmt].filename for fmt in file_formats}


def scan_and_finish(
    sources: Sequence[SourceResult], request: ScanRequest, options: OutputOptions
) -> Finished:
    """The one path of ``mlscan iac``, ``scan`` and ``demo``: run the pipeline over the sources, then finish.

    When no source produced a resource and every source reported an error, nothing
    was scanned: the outputs are still written (they show the errors), and
    ``input_error`` makes the exit code 2.
    """
    output_targets(options)  # a bad output option fails before any scanning work is judged
    result = run_scan(
        sources,
        request.policy_set,
        parameters=request.parameters,
        command=request.command,
        targets=request.targets,
        started_at=request.started_at,
        keep_passes=options.needs_passes,
        terraform=request.terraform,
    )
    finished = finish(result, options)
    where = ", ".join(request.targets) or "scan"
    if not result.resources and sources and all(source.errors for source in sources):
        return replace(finished, input_error=InputError(where, "nothing could be scanned (see errors above)"))
    if options.strict and finished.result.errors and finished.input_error is None:
        count = len(finished.result.errors)
        return replace(
            finished, input_error=InputError(where, f"{count} scan error(s) and --strict (see above)")
        )
    return finished


def finish(result: ScanResult, options: OutputOptions) -> Finished:
    """Apply waivers and baseline, roll up, write every requested output and evidence, and decide the gate.

    Everything shown or written is rendered from the result after the one redactor's pass
    (scanner/redact.py), so a secret an adapter missed still reaches no format.
    """
    targets = output_targets(options)
    result, expired, notes = _accept_risks(redact_result(result), options)

    framework_set = load_frameworks(options.frameworks)
    framework_error = None
    if framework_set.errors:  # an invalid --frameworks file is an input error: exit 2 once all is shown
        result = replace(result, errors=result.errors + framework_set.errors)
        first = framework_set.errors[0]
        framework_error = InputError(first.where, f"invalid framework file: {first.reason}")
    frameworks = tuple(roll_up_all(framework_set.frameworks, result.findings, result.unbuilt_passes))
    store_error = None
    if options.store:
        result, note, store_error = _record_history(result, frameworks, options)
        notes.append(note)
    templates = Path(options.template_dir) if options.template_dir else None
    ctx = ReportContext(result, list(frameworks), templates)
    if options.alerts.any:
        result, alert_notes = _send_alerts(ctx, options.alerts)
        notes.extend(alert_notes)
        ctx = ReportContext(result, list(frameworks), templates)

    stdout: list[str] = []
    written: list[tuple[str, Path]] = []
    for fmt, path in targets.items():
        if path is None:
            stdout.append(FILE_FORMATS[fmt].render(ctx, pretty=options.pretty))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:  # written as rendered: no whole-document copy in memory
                FILE_FORMATS[fmt].write(ctx, handle, pretty=options.pretty)
            written.append((fmt, path))
            notes.append(f"wrote {fmt}: {path}")

    if "sarif" in targets:
        notes.extend(_sarif_note(ctx))
    if options.evidence:
        notes.append(_write_evidence(result, list(frameworks), options))

    return Finished(
        result=result,
        frameworks=frameworks,
        stdout=tuple(stdout),
        written=tuple(written),
        notes=tuple(notes),
        decision=decide(result, options.fail_on, expired),
        input_error=framework_error or store_error,
    )


def _accept_risks(
    result: ScanResult, options: OutputOptions
) -> tuple[ScanResult, tuple[Waiver, ...], list[str]]:
    """Waivers, then the baseline (created first when asked): the result with accepted risks suppressed."""
    notes: list[str] = []
    expired: tuple[Waiver, ...] = ()
    if options.waivers:
        outcome = apply_waivers(result, load_waivers(options.waivers))
        result, expired = outcome.result, tuple(outcome.expired)
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
    return result, expired, notes


def _record_history(
    result: ScanResult, frameworks: tuple[FrameworkResult, ...], options: OutputOptions
) -> tuple[ScanResult, str, InputError | None]:
    """Store the scan (all or nothing) and add the "since the last scan" section to the result.

    A store that cannot be written is an error entry and exit 2, after every output is still written.
    """
    from scanner.history.since import describe, record_and_compare
    from scanner.history.store import StoreError
    from scanner.report.json_contract import compliance_to_dict, result_to_dict

    document = result_to_dict(result, ReportContext(result, frameworks).finding_controls)
    document["compliance"] = compliance_to_dict(list(frameworks))
    try:
        section = record_and_compare(
            options.store or "", document, options.history_compare, options.history_targets
        )
    except StoreError as exc:
        error = ScanError(where=exc.where, reason=f"scan not recorded: {exc.reason}", stage="output")
        return replace(result, errors=(*result.errors, error)), f"history: {error}", exc
    return replace(result, extras={**result.extras, "history": section}), describe(section), None


def _send_alerts(ctx: ReportContext, options: AlertOptions) -> tuple[ScanResult, list[str]]:
    """Notify on new / regressed failures and import into Security Hub; a failed delivery is an error entry."""
    from scanner.alerts.send import send_alerts

    delivery = send_alerts(ctx, options, ctx.result.extras.get("history"))
    errors = tuple(ScanError(where=where, reason=reason, stage="output") for where, reason in delivery.errors)
    notes = [*delivery.notes, *(f"alerts: {e.where}: {e.reason}" for e in errors)]
    return replace(ctx.result, errors=(*ctx.result.errors, *errors)), notes


def _sarif_note(ctx: ReportContext) -> list[str]:
    from scanner.report.sarif import without_file

    count = without_file(ctx)
    if not count:
        return []
    return [
        f"sarif: {count} live result(s) have no file (logical locations only); GitHub code scanning "
        "rejects an upload holding one: upload the SARIF of mlscan iac, keep live results as JSON, OCSF, ASFF or HTML"
    ]


def _write_evidence(result: ScanResult, frameworks: list[FrameworkResult], options: OutputOptions) -> str:
    """Write the evidence pack and return the note that says where (a directory in use raises InputError)."""
    from scanner.evidence import write_evidence_pack

    used = [p for p in (options.waivers, options.baseline or options.create_baseline) if p]
    pack = write_evidence_pack(
        options.evidence, result, frameworks, policy_dirs=options.policy_dirs, inputs=used
    )
    return f"evidence: {pack.files} files in {pack.directory}; manifest sha256 {pack.manifest_sha256}"
