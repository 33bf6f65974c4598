"""``mlscan queries`` outputs (a QueryReport, not a ScanResult): console (rich), json (the fixed contract), html and markdown (Jinja
templates in ``reports/``), sarif (one rule per detector, one result per alert)."""

from __future__ import annotations

import json
from typing import Any

from scanner import __version__
from scanner.model import Severity
from scanner.queries.records import Alert, QueryReport

FORMATS = ("console", "json", "html", "markdown", "sarif")
_SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
_DETECTOR_TITLES = {
    "near_duplicate": "A client sends near-duplicates of its own earlier queries",
    "out_of_distribution": "A client's queries fall outside the endpoint's traffic",
    "prada": "A client's query distances are not normally distributed (PRADA)",
    "blacklight": "The identity-less stream holds many quantized near-matches (Blacklight)",
    "volume": "A client sends far more queries than the endpoint's other clients",
}


def render_text(report: QueryReport, output_format: str) -> str:
    """The report as a document in ``output_format`` (any of FORMATS but console)."""
    if output_format == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    if output_format == "sarif":
        return json.dumps(render_sarif(report), indent=2, ensure_ascii=False, default=str) + "\n"
    if output_format in ("html", "markdown"):
        from scanner.report.templates import render

        name = "queries.html.j2" if output_format == "html" else "queries.md.j2"
        return render(name, **template_context(report))
    raise ValueError(f"unknown format {output_format!r}")


def template_context(report: QueryReport) -> dict[str, Any]:
    """What the HTML and Markdown templates read."""
    alerts = sorted(report.alerts, key=lambda a: (-Severity(a.severity).rank, a.endpoint, str(a.client)))
    return {
        "version": __version__,
        "endpoints": [e.to_dict() for e in report.endpoints],
        "alerts": [dict(a.to_dict(), title=_DETECTOR_TITLES.get(a.detector, a.detector)) for a in alerts],
        "errors": [e.to_dict() for e in report.errors],
        "evidence_json": lambda alert: json.dumps(alert["evidence"], indent=2, default=str),
    }


def render_console(report: QueryReport, console: Any) -> None:
    """Endpoints, alerts (worst first) and errors as rich tables and lines."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="endpoints read")
    for column in ("Endpoint", "Format", "Queries", "Clients", "Scores", "Decimals"):
        table.add_column(column, overflow="fold")
    for endpoint in report.endpoints:
        table.add_row(
            escape(endpoint.endpoint),
            endpoint.source_format,
            str(endpoint.queries),
            str(endpoint.clients),
            str(endpoint.exposure.scores or "unknown"),
            str(endpoint.exposure.decimals),
        )
    console.print(table)
    for alert in sorted(report.alerts, key=lambda a: -Severity(a.severity).rank):
        data = alert.to_dict()
        console.print(
            f"{alert.severity} {alert.attack} [{alert.detector}] {alert.endpoint} "
            f"client={alert.client or '(no identity)'} query #{alert.query_index} "
            f"score {data['score']} vs threshold {data['threshold']}: {alert.evidence.get('statistic', '')}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for error in report.errors:
        console.print(f"error {error.location}: {error.reason}", markup=False, highlight=False)
    console.print(
        f"{sum(e.queries for e in report.endpoints)} queries on {len(report.endpoints)} endpoints; "
        f"{len(report.alerts)} alerts; {len(report.errors)} errors",
        markup=False,
        highlight=False,
    )


def render_sarif(report: QueryReport) -> dict[str, Any]:
    """SARIF 2.1.0: a rule per detector that fired, a result per alert at the query's log location."""
    detectors = sorted({a.detector for a in report.alerts})
    rules = [
        {
            "id": f"MLQ-{name}",
            "name": "".join(part.capitalize() for part in name.split("_")),
            "shortDescription": {"text": _DETECTOR_TITLES.get(name, name)},
            "help": {"text": "See docs/queries.md: what the detector measures and how to respond."},
            "properties": {"tags": ["security", "mitre-atlas/AML.M0004"]},
        }
        for name in detectors
    ]
    return {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "mlscan queries", "version": __version__, "rules": rules}},
                "results": [_sarif_result(alert, detectors.index(alert.detector)) for alert in report.alerts],
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": f"{e.location}: {e.reason}"}}
                            for e in report.errors
                        ],
                    }
                ],
            }
        ],
    }


def _sarif_result(alert: Alert, rule_index: int) -> dict[str, Any]:
    queries = alert.evidence.get("queries") or []
    where = queries[-1]["location"] if queries else alert.endpoint
    path, _, line = where.rpartition(":") if queries else (where, "", "")
    location: dict[str, Any] = {"logicalLocations": [{"name": alert.endpoint, "kind": "resource"}]}
    if path and line.isdigit():
        location["physicalLocation"] = {
            "artifactLocation": {"uri": path},
            "region": {"startLine": int(line)},
        }
    who = alert.client or "the identity-less stream"
    return {
        "ruleId": f"MLQ-{alert.detector}",
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL.get(alert.severity, "warning"),
        "message": {
            "text": f"{alert.attack}: {who} on {alert.endpoint} at query {alert.query_index} "
            f"(score {alert.to_dict()['score']}, threshold {alert.to_dict()['threshold']})"
        },
        "locations": [location],
        "partialFingerprints": {"mlscanAlert": f"{alert.endpoint}/{alert.client}/{alert.detector}"},
        "properties": {"attack": alert.attack, "client": alert.client, "evidence": alert.evidence},
    }
