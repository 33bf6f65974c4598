"""What an alert is and where alerts go: plain data shared by the senders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ALERTING_CHANGES = ("new", "regressed")
"""The history changes that notify people: a failing finding never seen failing, or failing again."""


@dataclass(frozen=True)
class AlertOptions:
    """Where to send alerts (``--notify-webhook``, ``--notify-slack``, ``--security-hub``)."""

    webhooks: tuple[str, ...] = ()
    """Generic webhook URLs: each receives one JSON POST per scan that has something to say."""
    slack: tuple[str, ...] = ()
    """Slack incoming-webhook URLs (``https://hooks.slack.com/services/...``)."""
    secret: str | None = None
    """When set, each webhook POST carries ``X-Mlscan-Signature: sha256=<HMAC of the body>``."""
    security_hub: bool = False
    """Import every live AWS finding into Security Hub (BatchImportFindings, ASFF)."""
    security_hub_endpoint: str | None = None
    """Another Security Hub endpoint (a local fake in tests); the region's own endpoint when None."""

    @property
    def notifies(self) -> bool:
        """True when people are to be told about new or regressed findings (these need history)."""
        return bool(self.webhooks or self.slack)

    @property
    def any(self) -> bool:
        """True when any alert channel is configured."""
        return self.notifies or self.security_hub


@dataclass(frozen=True)
class Alert:
    """One failing finding worth telling someone about."""

    change: str
    """``new`` or ``regressed`` (see :data:`ALERTING_CHANGES`)."""
    finding: Mapping[str, Any]
    """The finding as the history section lists it: policy, title, severity, resource, first seen."""


@dataclass(frozen=True)
class Delivery:
    """What sending produced: a note per channel that worked, an error line per one that did not."""

    notes: tuple[str, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()
    """(where, reason) for each delivery that failed."""
    sent: tuple[str, ...] = field(default_factory=tuple)
    """The channels (``webhook``, ``slack``, ``security-hub``) that accepted something."""


def alerts_from_history(section: Mapping[str, Any] | None) -> list[Alert]:
    """The new and regressed failing findings of a scan's history section (empty without one)."""
    if not section:
        return []
    since = section.get("since_last") or {}
    return [Alert(change, f) for change in ALERTING_CHANGES for f in since.get(change) or () if f]


def merge(deliveries: Sequence[Delivery]) -> Delivery:
    """One delivery record from several channels'."""
    return Delivery(
        notes=tuple(n for d in deliveries for n in d.notes),
        errors=tuple(e for d in deliveries for e in d.errors),
        sent=tuple(s for d in deliveries for s in d.sent),
    )
