"""Monitoring readiness of an Azure ML online endpoint, shared by the live and the Terraform face.

The same four questions as on AWS (scanner/clouds/aws/monitoring.py), with the same facts:

- ``logging.capture_sampling`` / ``logging.capture_inputs_outputs``: the deployments' data collector
  (``dataCollector.collections`` ``model_inputs`` / ``request`` hold inputs, ``model_outputs`` /
  ``response`` outputs; ``samplingRate`` per collection or for the collector, ARM default 1.0).
- ``logging.caller_identity``: AAD-token auth (only then does ``AmlOnlineEndpointTrafficLog`` carry the
  caller's ``IdentityData``) plus a diagnostic setting on the workspace or the endpoint that enables that
  category (or the ``allLogs`` group).
- ``monitoring.invocation_alarm``: an enabled Azure Monitor metric alert scoped to the endpoint on
  ``RequestsPerMinute``.
- ``exposure.rate_limited``: an API Management API whose backend is the endpoint, with a
  ``rate-limit-by-key`` (or per-subscription ``rate-limit``) policy on the API or its service.

Both faces reduce what they read to one :class:`Surroundings` (ARM-shaped); a part that could not be read
is None and the facts that need it are unknown, never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.tristate import all_of, any_of

TRAFFIC_LOG = "amlonlineendpointtrafficlog"
ALL_LOGS = "alllogs"
VOLUME_METRICS = frozenset({"requestsperminute"})
INPUTS = frozenset({"model_inputs", "request"})
OUTPUTS = frozenset({"model_outputs", "response"})
DEFAULT_SAMPLING_RATE = 1.0
"""ARM's default for a collection's ``samplingRate`` (collect 100 %)."""
_RATE_LIMIT = re.compile(r"<\s*rate-limit(-by-key)?[\s/>]", re.IGNORECASE)


@dataclass(frozen=True)
class Surroundings:
    """What sits around a workspace's endpoints; None marks a part that could not be read."""

    diagnostics: Mapping[str, Sequence[Mapping[str, Any]] | None]
    """Scope (ARM id or Terraform address, lower case) → its diagnostic settings (ARM JSON); None: unreadable."""
    alerts: Sequence[Mapping[str, Any]] | None = ()
    """Metric alerts (ARM JSON: ``properties.enabled``, ``scopes``, ``criteria.allOf[].metricName``)."""
    apis: Sequence[Mapping[str, Any]] | None = ()
    """API Management APIs: ``{"backend": text naming what it fronts, "policies": [policy XML, or None]}``."""


@dataclass(frozen=True)
class EndpointKeys:
    """How the surroundings name one endpoint."""

    scope: str
    """ARM id (live) or Terraform address: what diagnostic settings and alerts are scoped to."""
    workspace: str | None
    """The workspace's ARM id or address (a workspace diagnostic setting covers its endpoints)."""
    auth_mode: Any
    """``authMode`` / ``authentication_mode`` as read (None or a non-string when unresolved)."""
    backends: tuple[str, ...] = ()
    """Texts an API's backend holds when it fronts this endpoint (scoring host, address)."""


def _rate(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _enabled(spec: Any) -> bool | None:
    if not isinstance(spec, Mapping):
        return True if spec is None else None
    mode = spec.get("dataCollectionMode", spec.get("enabled", "Enabled"))
    if isinstance(mode, bool):
        return mode
    return str(mode).lower() in ("enabled", "true") if isinstance(mode, str) else None


def _deployment_capture(props: Mapping[str, Any]) -> tuple[float | None, bool | None]:
    """(percent sampled, inputs and outputs both collected) of one deployment's data collector."""
    collector = props.get("dataCollector")
    if collector is None:
        return 0.0, False
    if not isinstance(collector, Mapping):
        return None, None
    collections = collector.get("collections")
    if not isinstance(collections, Mapping):
        return (0.0, False) if collections is None else (None, None)
    default = collector.get("samplingRate", collector.get("sampling_rate", DEFAULT_SAMPLING_RATE))
    seen: set[str] = set()
    rates: list[float | None] = []
    for name, spec in collections.items():
        on = _enabled(spec)
        if on is None:
            return None, None
        if not on or str(name).lower() not in INPUTS | OUTPUTS:
            continue
        seen.add(str(name).lower())
        own = spec.get("samplingRate", default) if isinstance(spec, Mapping) else default
        rates.append(_rate(own))
    if not rates:
        return 0.0, False
    known = [r for r in rates if r is not None]
    percent = min(known) * 100 if len(known) == len(rates) else None
    return percent, bool(seen & INPUTS) and bool(seen & OUTPUTS)


def capture_completeness(deployments: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``logging.capture_sampling`` (percent; a deployment that collects nothing counts 0, its traffic
    unseen) and ``logging.capture_inputs_outputs`` over every deployment; unknown with none."""
    if not deployments:
        return {"logging.capture_sampling": None, "logging.capture_inputs_outputs": None}
    found = [_deployment_capture(d.get("properties") or {}) for d in deployments]
    rates = [rate for rate, _ in found]
    known = [r for r in rates if r is not None]
    return {
        "logging.capture_sampling": min(known) if len(known) == len(rates) else None,
        "logging.capture_inputs_outputs": all_of(both for _, both in found),
    }


def _logs_traffic(settings: Iterable[Mapping[str, Any]]) -> bool:
    for setting in settings:
        for log in (setting.get("properties") or {}).get("logs") or ():
            if not isinstance(log, Mapping) or log.get("enabled") is False:
                continue
            category = str(log.get("category") or "").lower()
            group = str(log.get("categoryGroup") or "").lower()
            if category == TRAFFIC_LOG or group == ALL_LOGS:
                return True
    return False


def _traffic_logged(keys: EndpointKeys, around: Surroundings) -> bool | None:
    scopes = [s.lower() for s in (keys.scope, keys.workspace) if s]
    verdicts = []
    for scope in scopes:
        settings = around.diagnostics.get(scope, ())
        verdicts.append(None if settings is None else _logs_traffic(settings))
    return any_of(verdicts)


def _aad(auth_mode: Any) -> bool | None:
    if auth_mode is None:
        return False  # authMode defaults to Key
    return auth_mode.lower() == "aadtoken" if isinstance(auth_mode, str) else None


def _alarmed(scope: str, alerts: Iterable[Mapping[str, Any]]) -> bool:
    for alert in alerts:
        props = alert.get("properties") or {}
        if props.get("enabled") is False:
            continue
        if scope.lower() not in {str(s).lower() for s in props.get("scopes") or ()}:
            continue
        criteria = (props.get("criteria") or {}).get("allOf") or ()
        if any(str(c.get("metricName") or "").lower() in VOLUME_METRICS for c in criteria):
            return True
    return False


def _policy_limits(xml: Any) -> bool | None:
    return bool(_RATE_LIMIT.search(xml)) if isinstance(xml, str) else None


def _rate_limited(keys: EndpointKeys, apis: Sequence[Mapping[str, Any]] | None) -> bool | None:
    if apis is None:
        return None
    wanted = [k.lower() for k in keys.backends if k]
    fronting = [a for a in apis if any(k in str(a.get("backend") or "").lower() for k in wanted)]
    return any_of(any_of(_policy_limits(p) for p in a.get("policies") or ()) for a in fronting)


def monitoring_facts(keys: EndpointKeys, around: Surroundings | None) -> dict[str, Any]:
    """``logging.caller_identity``, ``monitoring.invocation_alarm`` and ``exposure.rate_limited``."""
    if around is None:
        return dict.fromkeys(
            ("logging.caller_identity", "monitoring.invocation_alarm", "exposure.rate_limited")
        )
    return {
        "logging.caller_identity": all_of([_aad(keys.auth_mode), _traffic_logged(keys, around)]),
        "monitoring.invocation_alarm": None if around.alerts is None else _alarmed(keys.scope, around.alerts),
        "exposure.rate_limited": _rate_limited(keys, around.apis),
    }


def scoring_host(scoring_uri: Any) -> str | None:
    """``ep.westeurope.inference.ml.azure.com`` of a scoring URI (what an APIM backend URL names)."""
    if not isinstance(scoring_uri, str) or "//" not in scoring_uri:
        return None
    return scoring_uri.split("//", 1)[1].split("/", 1)[0] or None
