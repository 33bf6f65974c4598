"""``--query-logs`` and its companions on ``mlscan scan``, ``iac`` and ``demo``.

The logs are analysed as ``mlscan queries`` does; what they measured joins the scanned endpoints
(``scanner.queries.join``) before the policies run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from scanner.clouds.base import SourceResult
from scanner.model import InputError


def query_log_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a scanning command with --query-logs, --query-client-field, --query-client-pattern, --traffic-log."""
    decorators = [
        click.option(
            "--query-logs",
            "query_logs",
            multiple=True,
            metavar="PATH",
            help="Inference logs of the scanned endpoints (files, trees, s3://, gs://, Azure Blob URLs; "
            "repeatable): measured exposure and query alerts join the endpoints.",
        ),
        click.option("--query-client-field", metavar="DOTTED.PATH", help="As mlscan queries --client-field."),
        click.option("--query-client-pattern", metavar="REGEX", help="As mlscan queries --client-pattern."),
        click.option(
            "--traffic-log",
            "query_traffic_logs",
            multiple=True,
            metavar="FILE",
            help="Azure AmlOnlineEndpointTrafficLog export for --query-logs (repeatable).",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def pop_query_options(kwargs: dict[str, Any]) -> Any:
    """The ``QueryLogOptions`` of a command's keyword arguments (removed from them), or None."""
    paths = tuple(kwargs.pop("query_logs", ()) or ())
    client_field = kwargs.pop("query_client_field", None)
    client_pattern = kwargs.pop("query_client_pattern", None)
    traffic_logs = tuple(kwargs.pop("query_traffic_logs", ()) or ())
    if not paths:  # no logs to read: the query engine (numpy) is never imported
        return None
    from scanner.queries.join import QueryLogOptions

    return QueryLogOptions(
        paths=paths, client_field=client_field, client_pattern=client_pattern, traffic_logs=traffic_logs
    )


def with_query_logs(sources: Sequence[SourceResult], options: Any) -> list[SourceResult]:
    """``sources`` joined with what ``options``' logs measured (a bad --query-client-pattern is exit 2)."""
    from scanner.queries.join import attach_report
    from scanner.queries.run import QueryOptionError, run_queries

    try:
        report = run_queries(
            options.paths, options.client_field, options.client_pattern, options.traffic_logs
        )
    except QueryOptionError as exc:
        raise InputError("--query-client-pattern", str(exc)) from exc
    return attach_report(sources, report, options.paths)
