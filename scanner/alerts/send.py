"""Send a finished scan's alerts to every configured channel (called by ``scanner.app.finish``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.alerts.model import AlertOptions, Delivery, alerts_from_history, merge
from scanner.alerts.webhook import send_webhooks
from scanner.report.context import ReportContext


def send_alerts(ctx: ReportContext, options: AlertOptions, history: Mapping[str, Any] | None) -> Delivery:
    """Webhooks and Slack for new / regressed failures (from ``history``), Security Hub for all live AWS."""
    deliveries = []
    if options.notifies:
        alerts = alerts_from_history(history)
        scan = {
            "id": (history or {}).get("scan_id"),
            "store": (history or {}).get("store"),
            "targets": list(ctx.result.targets),
            "command": ctx.result.command,
            "finished_at": ctx.result.finished_at,
        }
        delivery = send_webhooks(options.webhooks, options.slack, alerts, scan, options.secret)
        if not alerts:
            delivery = Delivery(notes=("alerts: no new or regressed failing finding, nothing sent",))
        deliveries.append(delivery)
    if options.security_hub:
        from scanner.alerts.securityhub import import_findings

        deliveries.append(import_findings(ctx, options.security_hub_endpoint))
    return merge(deliveries)
