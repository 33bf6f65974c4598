"""Generic JSON webhooks and Slack incoming webhooks: one POST per scan with new or regressed failures.

Sent with the standard library (no extra dependency), with a timeout, never retried in a loop: a
receiver that is down is one error entry in the scan's outputs, and the next scan's diff still
names the finding (it stays ``new`` to the store only once, so a missed alert is visible in
``mlscan history diff``). A generic webhook can be authenticated with ``--notify-secret``: the body's
HMAC-SHA256 is sent as ``X-Mlscan-Signature: sha256=<hex>``, as GitHub signs its webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from scanner import __version__
from scanner.alerts.model import Alert, Delivery

TIMEOUT = 10.0
SLACK_LIST_LIMIT = 20
"""Slack shows at most this many findings per message; the rest are counted."""
SIGNATURE_HEADER = "X-Mlscan-Signature"


def webhook_payload(alerts: Sequence[Alert], scan: Mapping[str, Any]) -> dict[str, Any]:
    """The generic webhook's JSON: the scan, the counts and every alerting finding."""
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.change] = counts.get(alert.change, 0) + 1
    return {
        "tool": {"name": "mlscan", "version": __version__},
        "scan": dict(scan),
        "counts": counts,
        "alerts": [{"change": a.change, **dict(a.finding)} for a in alerts],
    }


def slack_payload(alerts: Sequence[Alert], scan: Mapping[str, Any]) -> dict[str, Any]:
    """A Slack message: a headline with the counts and one line per finding (worst first, capped)."""
    targets = ", ".join(str(t) for t in scan.get("targets", ())) or "scan"
    new = sum(a.change == "new" for a in alerts)
    regressed = len(alerts) - new
    headline = f"mlscan: {new} new and {regressed} regressed failing finding(s) in {targets}"
    lines = [
        f"• [{a.finding.get('severity', '?').upper()}] {a.change}: {a.finding.get('policy_id')} "
        f"{a.finding.get('title') or ''} — {a.finding.get('resource_name') or a.finding.get('resource_id')}"
        for a in alerts[:SLACK_LIST_LIMIT]
    ]
    if len(alerts) > SLACK_LIST_LIMIT:
        lines.append(f"… and {len(alerts) - SLACK_LIST_LIMIT} more")
    text = "\n".join([headline, *lines])
    return {
        "text": headline,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(text)}}],
    }


def post_json(url: str, payload: Mapping[str, Any], secret: str | None = None) -> None:
    """POST ``payload`` as JSON; raise ``OSError`` (``URLError``/``HTTPError``) on any failure."""
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": f"mlscan/{__version__}"}
    if secret:
        digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        headers[SIGNATURE_HEADER] = f"sha256={digest}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - the user's URL
        response.read()


def send_webhooks(
    urls: Sequence[str],
    slack: Sequence[str],
    alerts: Sequence[Alert],
    scan: Mapping[str, Any],
    secret: str | None,
) -> Delivery:
    """Send to every generic webhook and Slack URL; each failure is one error, the others still go."""
    if not alerts:
        return Delivery()
    notes: list[str] = []
    errors: list[tuple[str, str]] = []
    sent: list[str] = []
    targets = [(u, "webhook", webhook_payload(alerts, scan), secret) for u in urls]
    targets += [(u, "slack", slack_payload(alerts, scan), None) for u in slack]
    for url, channel, payload, key in targets:
        where = f"{channel} {redacted_url(url)}"
        try:
            post_json(url, payload, key)
        except (OSError, ValueError) as exc:
            errors.append((where, f"alert not delivered: {_reason(exc)}"))
            continue
        sent.append(channel)
        notes.append(f"alerts: {len(alerts)} finding(s) sent to {where}")
    return Delivery(notes=tuple(notes), errors=tuple(errors), sent=tuple(sent))


def redacted_url(url: str) -> str:
    """Scheme, host and port only: webhook paths and queries are secrets (Slack's are the credential)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}/…"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"{type(exc.reason).__name__}: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn needs only &, < and > escaped (so a resource name cannot ping or link)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
