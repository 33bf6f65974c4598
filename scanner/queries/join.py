"""``mlscan scan|iac|demo --query-logs PATH``: what the logs measured becomes facts of the scanned endpoints.

The measured output exposure replaces the declared ``exposure.scores`` (a response seen in the log is
stronger evidence than a setting), with provenance saying it was measured and from how many queries,
so the leakage risk uses it. Alerts become the ``queries.attack_alerts`` / ``queries.volume_alerts``
facts that MLS-EXP-007 and MLS-EXP-008 judge, so they appear as findings in every format. A logged
endpoint that matches no scanned endpoint, and every unreadable log line, is a scan error: nothing is
dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scanner.clouds.base import SourceResult
from scanner.model import Provenance, Resource, ScanError
from scanner.queries.records import Alert, EndpointSummary, QueryReport

ANALYSED = "queries.analysed"
MAX_ERRORS = 200
"""Unreadable log lines past this many are summarized in one error (a scan's error list stays readable)."""


@dataclass(frozen=True)
class QueryLogOptions:
    """The ``--query-logs`` family of options of the scanning commands."""

    paths: tuple[str, ...] = ()
    client_field: str | None = None
    client_pattern: str | None = None
    traffic_logs: tuple[str, ...] = ()


def endpoint_keys(resource: Resource) -> set[str]:
    """Names a log may use for this endpoint: its name, id, the id's last segment, the API name."""
    keys = {resource.name, resource.id, resource.id.rsplit("/", 1)[-1]}
    for field in ("name", "EndpointName", "endpoint_name"):
        value = resource.raw.get(field) if isinstance(resource.raw, dict) else None
        if isinstance(value, str) and value:
            keys.update({value, value.rsplit("/", 1)[-1]})
    return {key for key in keys if key}


def _log_keys(endpoint: str) -> set[str]:
    return {endpoint, endpoint.rsplit("/", 1)[-1]}


def alert_line(alert: Alert) -> str:
    """One line per alert, for a finding's evidence and message."""
    who = f"client {alert.client}" if alert.client is not None else "the endpoint's stream"
    return (
        f"{who}: {alert.detector} ({alert.attack}) at query {alert.query_index}, "
        f"score {alert.score:.4g} vs threshold {alert.threshold:.4g}"
    )


def measured_facts(summary: EndpointSummary, alerts: Sequence[Alert], paths: Sequence[str]) -> dict[str, Any]:
    """The facts one endpoint's logs measured."""
    facts: dict[str, Any] = {
        ANALYSED: True,
        "queries.count": summary.queries,
        "queries.clients": summary.clients,
        "queries.attack_alerts": [alert_line(a) for a in alerts if a.attack != "volume"],
        "queries.volume_alerts": [alert_line(a) for a in alerts if a.attack == "volume"],
    }
    if summary.exposure.scores is not None:
        facts["exposure.scores"] = summary.exposure.scores
        facts["exposure.decimals"] = summary.exposure.decimals
    return facts


def _provenance(summary: EndpointSummary, paths: Sequence[str]) -> Provenance:
    where = ", ".join(paths)
    return Provenance(
        kind="measured",
        detail=(
            f"measured from {summary.queries} logged {summary.source_format} queries in {where}: "
            f"responses reveal {summary.exposure.scores} ({summary.exposure.decimals} decimals)"
        ),
    )


def attach_report(
    sources: Sequence[SourceResult], report: QueryReport, paths: Sequence[str]
) -> list[SourceResult]:
    """``sources`` with every logged endpoint's measured facts, plus one source holding the log errors."""
    by_endpoint: dict[str, list[Alert]] = {}
    for alert in report.alerts:
        by_endpoint.setdefault(alert.endpoint, []).append(alert)
    index: dict[str, EndpointSummary] = {}
    for summary in report.endpoints:
        for key in _log_keys(summary.endpoint):
            index.setdefault(key, summary)
    matched: set[str] = set()
    joined: list[SourceResult] = []
    for source in sources:
        resources = []
        for resource in source.resources:
            summary = _match(resource, index)
            if summary is not None:
                matched.add(summary.endpoint)
                resource = _with_measurements(resource, summary, by_endpoint.get(summary.endpoint, []), paths)
            resources.append(resource)
        joined.append(replace(source, resources=tuple(resources)))
    errors = list(_errors(report, paths))
    errors.extend(
        ScanError(
            f"query logs: endpoint {summary.endpoint}",
            f"{summary.queries} logged queries match no scanned endpoint (by name or id); not joined",
        )
        for summary in report.endpoints
        if summary.endpoint not in matched
    )
    if errors:
        joined.append(SourceResult(errors=tuple(errors)))
    return joined


def _match(resource: Resource, index: dict[str, EndpointSummary]) -> EndpointSummary | None:
    if resource.kind != "endpoint":
        return None
    for key in sorted(endpoint_keys(resource)):
        if key in index:
            return index[key]
    return None


def _with_measurements(
    resource: Resource, summary: EndpointSummary, alerts: Sequence[Alert], paths: Sequence[str]
) -> Resource:
    facts = {**resource.facts, **measured_facts(summary, alerts, paths)}
    provenance = dict(resource.provenance)
    measured = _provenance(summary, paths)
    for name in ("exposure.scores", "exposure.decimals", "queries.attack_alerts", "queries.volume_alerts"):
        if name in facts and (name.startswith("queries.") or summary.exposure.scores is not None):
            provenance[name] = measured
    return replace(resource, facts=facts, provenance=provenance)


def _errors(report: QueryReport, paths: Sequence[str]) -> Iterable[ScanError]:
    for number, error in enumerate(report.errors):
        if number == MAX_ERRORS:
            yield ScanError(
                "query logs", f"{len(report.errors) - MAX_ERRORS} more unreadable log entries not listed"
            )
            return
        yield ScanError(error.location, error.reason)
    if not report.endpoints and not report.errors:
        yield ScanError(", ".join(paths), "query logs hold no inference log record")
