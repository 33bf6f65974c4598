"""``mlscan scan --cloud aws|azure|gcp``: scan live cloud accounts, read-only."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone

import click
from rich.console import Console

from scanner.cli.cloud_options import cloud_connection_options
from scanner.cli.outputs import output_options
from scanner.cli.policy_options import policy_options
from scanner.cli.query_options import query_log_options
from scanner.clouds import CLOUDS
from scanner.clouds.base import LiveOptions


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Accept both ``--regions a,b`` and ``--regions a --regions b``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _since(age: object) -> datetime | None:
    """The cutoff ``age`` before now (UTC); None without one. A malformed age is a usage error (exit 2)."""
    if not age:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", str(age).lower())
    if not match:
        raise click.BadParameter(
            f"{age!r}: expected a number and a unit h, d or w (e.g. 90d)", param_hint="--training-jobs-since"
        )
    unit = {"h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
    return datetime.now(timezone.utc) - timedelta(**{unit: int(match.group(1))})


@click.command()
@click.option(
    "--cloud",
    "clouds",
    multiple=True,
    required=True,
    type=click.Choice(CLOUDS, case_sensitive=False),
    help="Cloud to scan (repeatable).",
)
@cloud_connection_options
@click.option(
    "--regions", multiple=True, help="AWS: regions (comma-separated or repeated); default all enabled."
)
@click.option("--subscription", "subscriptions", multiple=True, help="Azure: subscription id (repeatable).")
@click.option("--project", "projects", multiple=True, help="Google: project id (repeatable).")
@click.option("--locations", multiple=True, help="Google: locations (comma-separated or repeated).")
@click.option(
    "--max-workers",
    type=click.IntRange(1, 256),
    default=16,
    show_default=True,
    help="Concurrent API calls per cloud.",
)
@click.option(
    "--training-jobs-since",
    metavar="AGE",
    help="Only training jobs created in the last AGE (90d, 12w, 36h), plus the jobs behind deployed models.",
)
@query_log_options
@click.option(
    "--terraform",
    "terraform_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Terraform (HCL directories / files or plan JSON) the live resources are compared with: "
    "a resource whose settings differ is an MLS-DRIFT-001 finding (repeatable).",
)
@policy_options
@output_options
def scan(clouds: tuple[str, ...], **kwargs: object) -> None:
    """Scan live AWS SageMaker, Azure ML and Vertex AI resources (List/Describe/Get calls only)."""
    from scanner.cli.run import run_scan_command
    from scanner.clouds.sources import live_source, terraform_source

    options = LiveOptions(
        profile=kwargs.pop("profile"),
        regions=_split(kwargs.pop("regions")),
        accounts_file=kwargs.pop("accounts_file"),
        org_role=kwargs.pop("org_role"),
        endpoint_url=kwargs.pop("endpoint_url"),
        subscriptions=_split(kwargs.pop("subscriptions")),
        azure_endpoint=kwargs.pop("azure_endpoint"),
        projects=_split(kwargs.pop("projects")),
        locations=_split(kwargs.pop("locations")),
        gcp_endpoint=kwargs.pop("gcp_endpoint"),
        max_workers=kwargs.pop("max_workers"),
        training_jobs_since=_since(kwargs.pop("training_jobs_since")),
    )
    unique = tuple(dict.fromkeys(clouds))
    paths = tuple(kwargs.pop("terraform_paths"))
    code = run_scan_command(
        kwargs,
        clouds,
        lambda progress: [live_source(cloud, options, progress) for cloud in unique],
        console=Console(),
        terraform=(lambda: terraform_source(list(paths))) if paths else None,
    )
    sys.exit(code)
