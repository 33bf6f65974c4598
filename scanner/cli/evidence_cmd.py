"""``mlscan evidence verify DIR`` (and ``pack``): check an audit evidence pack against its manifest."""

from __future__ import annotations

import click

from scanner.evidence import verify_pack


@click.group("evidence")
def evidence() -> None:
    """Audit evidence packs (written by ``mlscan iac|scan ... --evidence DIR``)."""


@evidence.command("verify")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--expect-digest", help="SHA-256 of manifest.json recorded when the pack was written.")
def verify(directory: str, expect_digest: str | None) -> None:
    """Exit 0 if every file matches manifest.json; 1 on any changed, missing, added or unsafe file; 2 if
    DIRECTORY is not a directory."""
    outcome = verify_pack(directory, expect_digest)  # not a directory: InputError, exit 2
    if outcome.ok:
        click.echo(f"OK: {outcome.checked} files match {directory}/manifest.json")
        return
    for line in outcome.lines():
        click.echo(line, err=True)
    click.echo(f"FAILED: evidence pack {directory} does not match its manifest", err=True)
    raise SystemExit(1)


@evidence.command("pack")
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--frameworks",
    "framework_dirs",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra framework YAML files or directories (repeatable).",
)
def pack(results: str, directory: str, framework_dirs: tuple[str, ...]) -> None:
    """Build an evidence pack in DIRECTORY from a saved JSON result (RESULTS)."""
    from scanner.cli.report_cmd import load_results
    from scanner.compliance import load_frameworks, roll_up_all
    from scanner.evidence import write_evidence_pack

    result = load_results(results)
    loaded = load_frameworks(framework_dirs)
    for error in loaded.errors:
        click.echo(f"mlscan: error: {error}", err=True)
    written = write_evidence_pack(directory, result, roll_up_all(loaded.frameworks, result.findings))
    click.echo(
        f"wrote {written.files} files to {written.directory}; manifest sha256 {written.manifest_sha256}"
    )
