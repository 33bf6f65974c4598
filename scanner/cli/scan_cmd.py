"""``mlscan scan --cloud aws|azure|gcp``: scan live cloud accounts, read-only."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from scanner.cli.outputs import collect, finish, output_options
from scanner.cli.policy_options import collect_policies, policy_options
from scanner.cli.progress import progress_for
from scanner.clouds import CLOUDS
from scanner.clouds.base import LiveOptions, SourceResult
from scanner.model import ScanError


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Accept both ``--regions a,b`` and ``--regions a --regions b``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.command()
@click.option(
    "--cloud",
    "clouds",
    multiple=True,
    required=True,
    type=click.Choice(CLOUDS),
    help="Cloud to scan (repeatable).",
)
@click.option("--profile", help="AWS: named profile from the shared config.")
@click.option(
    "--regions", multiple=True, help="AWS: regions (comma-separated or repeated); default all enabled."
)
@click.option(
    "--accounts",
    "accounts_file",
    type=click.Path(exists=True, dir_okay=False),
    help="AWS: YAML list of accounts (account_id, role_arn, external_id, name, regions).",
)
@click.option("--org-role", help="AWS: role name to assume in every account of the Organization.")
@click.option("--endpoint-url", help="AWS: endpoint URL for every service (e.g. a moto server).")
@click.option("--subscription", "subscriptions", multiple=True, help="Azure: subscription id (repeatable).")
@click.option("--azure-endpoint", help="Azure: ARM endpoint URL (e.g. the local emulator).")
@click.option("--project", "projects", multiple=True, help="Google: project id (repeatable).")
@click.option("--locations", multiple=True, help="Google: locations (comma-separated or repeated).")
@click.option("--gcp-endpoint", help="Google: Vertex AI API endpoint URL (e.g. the local emulator).")
@click.option(
    "--max-workers",
    type=click.IntRange(1, 256),
    default=16,
    show_default=True,
    help="Concurrent API calls per cloud.",
)
@policy_options
@output_options
def scan(clouds: tuple[str, ...], **kwargs: object) -> None:
    """Scan live AWS SageMaker, Azure ML and Vertex AI resources (List/Describe/Get calls only)."""
    from scanner.pipeline import now, run_scan

    started = now()
    outputs = collect(kwargs)
    policy_set, parameters = collect_policies(kwargs)
    options = LiveOptions(
        profile=kwargs["profile"],
        regions=_split(kwargs["regions"]),
        accounts_file=kwargs["accounts_file"],
        org_role=kwargs["org_role"],
        endpoint_url=kwargs["endpoint_url"],
        subscriptions=_split(kwargs["subscriptions"]),
        azure_endpoint=kwargs["azure_endpoint"],
        projects=_split(kwargs["projects"]),
        locations=_split(kwargs["locations"]),
        gcp_endpoint=kwargs["gcp_endpoint"],
        max_workers=kwargs["max_workers"],
    )
    with progress_for(outputs.quiet) as progress:
        sources = [scan_cloud(cloud, options, progress) for cloud in dict.fromkeys(clouds)]
    result = run_scan(
        sources,
        policy_set,
        parameters=parameters,
        command=" ".join(["mlscan", *sys.argv[1:]]),
        targets=clouds,
        started_at=started,
    )
    code = finish(result, outputs, Console())
    if not result.resources and all(source.errors for source in sources):
        code = max(code, 2)
    sys.exit(code)


def scan_cloud(cloud: str, options: LiveOptions, progress: object) -> SourceResult:
    """One cloud's live scan; a failure of the whole cloud (no SDK, no credentials) becomes an error."""
    from scanner.clouds import live_scanner

    try:
        return live_scanner(cloud)(options, progress)
    except ImportError as exc:
        reason = f"the {cloud} SDK is not installed ({exc.name}): pip install 'mlscan[{cloud}]'"
    except Exception as exc:  # noqa: BLE001 - credentials, network: report and go on with other clouds
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return SourceResult(errors=(ScanError(where=cloud, reason=reason),))
