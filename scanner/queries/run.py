"""``mlscan queries`` as a function: resolve the sources, load traffic logs, analyse, report."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scanner.queries.engine import analyse
from scanner.queries.identity import ClientIdentity
from scanner.queries.reader import LogFile, QueryReader, is_traffic_log, load_traffic_logs
from scanner.queries.records import QueryReport, ReadError
from scanner.queries.sources import resolve


class QueryOptionError(ValueError):
    """An option that cannot work (a bad regex); the CLI turns it into a usage error."""


def identity_from_options(client_field: str | None, client_pattern: str | None) -> ClientIdentity:
    """The client identity rule of ``--client-field`` / ``--client-pattern``."""
    try:
        pattern = re.compile(client_pattern) if client_pattern else None
    except re.error as exc:
        raise QueryOptionError(f"--client-pattern is not a regular expression: {exc}") from exc
    return ClientIdentity(field=client_field or None, pattern=pattern)


def run_queries(
    paths: Sequence[str],
    client_field: str | None = None,
    client_pattern: str | None = None,
    traffic_logs: Sequence[str] = (),
) -> QueryReport:
    """Analyse every log under ``paths`` (files and directory trees)."""
    identity = identity_from_options(client_field, client_pattern)
    files, errors = resolve_all(paths)
    extra, failed = resolve_all(traffic_logs)
    errors.extend(failed)
    traffic_files = [log for log in files if is_traffic_log(log)] + extra
    traffic, failed = load_traffic_logs(traffic_files)
    errors.extend(failed)
    traffic_locations = {log.location for log in traffic_files}
    data_files = [log for log in files if log.location not in traffic_locations]
    report = analyse(data_files, QueryReader(identity, traffic))
    return QueryReport(report.endpoints, report.alerts, (*errors, *report.errors))


def resolve_all(paths: Sequence[str]) -> tuple[list[LogFile], list[ReadError]]:
    """Every log file of several sources."""
    files: list[LogFile] = []
    errors: list[ReadError] = []
    for path in paths:
        found, failed = resolve(path)
        files.extend(found)
        errors.extend(failed)
    return files, errors
