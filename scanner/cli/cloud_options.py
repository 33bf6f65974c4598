"""The live-cloud connection options ``scan`` and ``watch`` share.

Both commands reach the same clouds the same way (a profile or accounts file, an Organization role,
local endpoints for the emulators), so the options are declared once here and read into
:class:`scanner.clouds.base.LiveOptions` by each command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def cloud_connection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with ``--profile``, ``--accounts``, ``--org-role`` and the endpoint URLs."""
    decorators = [
        click.option("--profile", help="AWS: named profile from the shared config."),
        click.option(
            "--accounts",
            "accounts_file",
            type=click.Path(exists=True, dir_okay=False),
            help="AWS: YAML list of accounts (account_id, role_arn, external_id, name, regions).",
        ),
        click.option(
            "--org-role", help="AWS: role name to assume in the other accounts of the Organization."
        ),
        click.option("--endpoint-url", help="AWS: endpoint URL for every service (e.g. a moto server)."),
        click.option("--azure-endpoint", help="Azure: ARM endpoint URL (e.g. the local emulator)."),
        click.option("--gcp-endpoint", help="Google: Vertex AI API endpoint URL (e.g. the local emulator)."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command
