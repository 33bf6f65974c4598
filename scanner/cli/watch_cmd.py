"""``mlscan watch``: event-driven rescans from an SQS queue (AWS) and an HTTP receiver (Azure, Google).

Runs until interrupted (SIGINT / SIGTERM), or until ``--max-events`` verdicts when given. Logs one
line per event to standard error. See docs/continuous.md for deployment (systemd, a container).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import click

from scanner.cli.cloud_options import cloud_connection_options
from scanner.cli.config import StoreUrl
from scanner.cli.outputs import alert_option_decorators, alert_options
from scanner.cli.policy_options import collect_policies, policy_options
from scanner.clouds.base import LiveOptions
from scanner.model import InputError


def _with_alerts(command: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(alert_option_decorators()):
        command = decorator(command)
    return command


def _listen_address(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise InputError("--listen", f"{value!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


@click.command()
@click.option("--sqs-queue", metavar="URL", help="AWS: SQS queue URL receiving EventBridge SageMaker events.")
@click.option("--listen", metavar="HOST:PORT", help="HTTP receiver for Azure Event Grid and Pub/Sub push.")
@click.option(
    "--token",
    envvar="MLSCAN_WATCH_TOKEN",
    show_envvar=True,
    metavar="TOKEN",
    help="Shared secret every HTTP delivery must carry (?token=, Bearer or X-Mlscan-Token).",
)
@click.option(
    "--store",
    type=StoreUrl(),
    default="default",
    show_default=True,
    envvar="MLSCAN_STORE",
    show_envvar=True,
    metavar="URL",
    help="History store verdicts are recorded in (see mlscan iac --store).",
)
@click.option(
    "--frameworks",
    "framework_dirs",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra compliance framework YAML files or directories (repeatable).",
)
@cloud_connection_options
@click.option(
    "--wait-seconds",
    type=click.IntRange(0, 20),
    default=20,
    show_default=True,
    help="SQS long polling: seconds ReceiveMessage waits for a message.",
)
@click.option(
    "--max-events", type=click.IntRange(1), help="Stop after this many verdicts (default: run until stopped)."
)
@_with_alerts
@policy_options
def watch(**kwargs: Any) -> None:
    """Rescan a resource when its cloud reports a change; store the verdict; alert on new or regressed failures."""
    from scanner.watch.rescan import WatchConfig, Watcher

    queue, listen, token = kwargs.pop("sqs_queue"), _listen_address(kwargs.pop("listen")), kwargs.pop("token")
    if not queue and not listen:
        raise InputError("mlscan watch", "give --sqs-queue URL and/or --listen HOST:PORT")
    if listen and not token:
        raise InputError(
            "--listen",
            "needs a shared secret (set MLSCAN_WATCH_TOKEN): unauthenticated deliveries are refused",
        )
    store = kwargs.pop("store")
    live = LiveOptions(
        profile=kwargs.pop("profile"),
        accounts_file=kwargs.pop("accounts_file"),
        org_role=kwargs.pop("org_role"),
        endpoint_url=kwargs.pop("endpoint_url"),
        azure_endpoint=kwargs.pop("azure_endpoint"),
        gcp_endpoint=kwargs.pop("gcp_endpoint"),
        max_workers=4,
    )
    wait, max_events = kwargs.pop("wait_seconds"), kwargs.pop("max_events")
    frameworks = tuple(kwargs.pop("framework_dirs"))
    alerts = alert_options(kwargs, store)
    policy_set, parameters = collect_policies(kwargs)
    stopping = threading.Event()
    counted = _Counter(max_events, stopping)
    config = WatchConfig(store, policy_set, live, alerts, parameters, frameworks)
    watcher = Watcher(config, on_verdict=lambda verdict: counted.add())

    def log(line: str) -> None:
        click.echo(line, err=True)

    previous = {
        signum: signal.signal(signum, lambda *_: stopping.set()) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    server = None
    if listen:
        from scanner.watch.receiver import make_server, serve_in_thread

        server = make_server(listen[0], listen[1], token, watcher, log)
        serve_in_thread(server)
        click.echo(
            f"watch: listening on http://{listen[0]}:{server.server_address[1]} (/azure, /gcp)", err=True
        )
    try:
        if queue:
            _poll(queue, live, watcher, log, wait, stopping)
        else:
            stopping.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if server is not None:
            server.shutdown()
            server.server_close()
    sys.exit(0)


class _Counter:
    """Stops the watch after ``limit`` verdicts (``--max-events``)."""

    def __init__(self, limit: int | None, stopping: threading.Event) -> None:
        self.limit, self.count, self.stopping = limit, 0, stopping

    def add(self) -> None:
        self.count += 1
        if self.limit is not None and self.count >= self.limit:
            self.stopping.set()


def _poll(
    queue: str,
    live: LiveOptions,
    watcher: Any,
    log: Callable[[str], None],
    wait: int,
    stopping: threading.Event,
) -> None:
    import boto3

    from scanner.watch import sqs

    session = boto3.Session(profile_name=live.profile) if live.profile else boto3.Session()
    region = sqs.region_of_queue(queue) or session.region_name or "us-east-1"
    extra = {"endpoint_url": live.endpoint_url} if live.endpoint_url else {}
    client = session.client("sqs", region_name=region, **extra)
    click.echo(f"watch: polling {queue}", err=True)
    sqs.run(client, queue, watcher, log, stop=stopping.is_set, wait=wait)
