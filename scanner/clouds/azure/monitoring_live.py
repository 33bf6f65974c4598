"""The live face of :mod:`scanner.clouds.azure.monitoring`: ARM GETs through the management SDK's pipeline.

Per subscription, once (only a subscription with endpoints pays for it): Microsoft.Insights
``metricAlerts`` and Microsoft.ApiManagement ``service`` → ``apis`` → ``policies`` (the API's and the
service's). Per workspace and per endpoint: ``providers/Microsoft.Insights/diagnosticSettings``. All are
list calls (read-only). A read that fails is an error entry (``azure/<subscription>…: <what>: <reason>``)
and leaves its part None, so the facts that need it are unknown, never a pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from scanner.clouds.azure import client as az
from scanner.clouds.azure.monitoring import EndpointKeys, Surroundings, monitoring_facts, scoring_host
from scanner.clouds.base import LiveOptions
from scanner.model import Resource, ScanError

INSIGHTS_API = "2021-05-01-preview"
ALERTS_API = "2018-03-01"
APIM_API = "2022-08-01"


class SubscriptionReads:
    """Metric alerts and API Management APIs of each subscription, read once (thread-safe)."""

    def __init__(self, options: LiveOptions, cred: Any) -> None:
        self._options = options
        self._cred = cred
        self._cache: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.errors: list[ScanError] = []

    def _once(self, subscription: str, what: str, read: Callable[[], Any]) -> Any:
        with self._lock:
            key = (subscription, what)
            if key not in self._cache:
                try:
                    self._cache[key] = read()
                except Exception as exc:  # noqa: BLE001 - unreadable: unknown plus one error entry
                    self.errors.append(
                        ScanError(f"azure/{subscription}", f"{what}: {az.describe_error(exc)}")
                    )
                    self._cache[key] = None
            return self._cache[key]

    def _list(self, path: str, api: str) -> list[dict[str, Any]]:
        return az.list_arm(self._options, self._cred, path, api)

    def alerts(self, subscription: str) -> list[dict[str, Any]] | None:
        """Every metric alert of the subscription (ARM JSON), or None when it could not be listed."""
        path = f"/subscriptions/{subscription}/providers/Microsoft.Insights/metricAlerts"
        return self._once(subscription, "metric alerts", lambda: self._list(path, ALERTS_API))

    def apis(self, subscription: str) -> list[dict[str, Any]] | None:
        """Every API Management API with its backend URL and policies (the service's too)."""
        path = f"/subscriptions/{subscription}/providers/Microsoft.ApiManagement/service"
        return self._once(subscription, "API Management APIs", lambda: self._read_apis(path))

    def _read_apis(self, path: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for service in self._list(path, APIM_API):
            shared = [_xml(p) for p in self._list(f"{service['id']}/policies", APIM_API)]
            for api in self._list(f"{service['id']}/apis", APIM_API):
                own = [_xml(p) for p in self._list(f"{api['id']}/policies", APIM_API)]
                backend = (api.get("properties") or {}).get("serviceUrl")
                found.append({"backend": str(backend or ""), "policies": [*own, *shared]})
        return found


def _xml(policy: dict[str, Any]) -> str | None:
    value = (policy.get("properties") or {}).get("value")
    return value if isinstance(value, str) else None


def with_monitoring(
    endpoints: list[Resource],
    workspace_id: str,
    subscription: str,
    reads: SubscriptionReads,
    diagnostics: Callable[[str], list[dict[str, Any]]],
    errors: list[ScanError],
    where: str,
) -> list[Resource]:
    """The endpoints with ``logging.caller_identity``, ``monitoring.invocation_alarm`` and
    ``exposure.rate_limited``; ``diagnostics(resource_id)`` lists a resource's diagnostic settings."""
    if not endpoints:
        return endpoints

    def settings(resource_id: str, what: str) -> list[dict[str, Any]] | None:
        try:
            return diagnostics(resource_id)
        except Exception as exc:  # noqa: BLE001 - unreadable: unknown plus one error entry
            errors.append(ScanError(where, f"diagnostic settings of {what}: {az.describe_error(exc)}"))
            return None

    scopes = {workspace_id.lower(): settings(workspace_id, "the workspace")}
    for endpoint in endpoints:
        scopes[endpoint.id.lower()] = settings(endpoint.id, endpoint.name)
    around = Surroundings(
        diagnostics=scopes, alerts=reads.alerts(subscription), apis=reads.apis(subscription)
    )
    updated = []
    for endpoint in endpoints:
        props = endpoint.raw.get("properties") or {}
        host = scoring_host(props.get("scoringUri"))
        keys = EndpointKeys(
            scope=endpoint.id.lower(),
            workspace=workspace_id.lower(),
            auth_mode=props.get("authMode"),
            backends=tuple(k for k in (host, f"//{endpoint.name}.") if k),
        )
        updated.append(replace(endpoint, facts={**endpoint.facts, **monitoring_facts(keys, around)}))
    return updated


def diagnostics_reader(options: LiveOptions, cred: Any) -> Callable[[str], list[dict[str, Any]]]:
    """``resource_id → its diagnostic settings`` (ARM list; raises on a failed read)."""
    return lambda resource_id: az.list_arm(
        options, cred, f"{resource_id}/providers/Microsoft.Insights/diagnosticSettings", INSIGHTS_API
    )
