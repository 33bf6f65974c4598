"""The Terraform face of :mod:`scanner.clouds.azure.monitoring`: one :class:`Surroundings` per configuration.

Built once per index from ``azurerm_monitor_diagnostic_setting`` (``enabled_log`` blocks, or the legacy
``log`` blocks), ``azurerm_monitor_metric_alert`` (``scopes``, ``criteria`` / ``dynamic_criteria``),
``azurerm_api_management_api`` (its ``service_url``) with ``azurerm_api_management_api_policy`` and the
service's ``azurerm_api_management_policy``. References are followed to the block they name, so a
diagnostic setting whose ``target_resource_id`` is ``azurerm_machine_learning_workspace.ml.id`` counts
for that workspace's endpoints. A setting or alert whose target cannot be resolved counts for nothing
(the endpoint then fails, never passes, on it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.azure.monitoring import EndpointKeys, Surroundings
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown, as_bool, blocks


def surroundings(index: TfIndex) -> Surroundings:
    """The configuration's diagnostic settings, metric alerts and API Management APIs, built once."""
    return index.memo("azure.monitoring.surroundings", lambda: _build(index))


def endpoint_keys(tf: TfResource, workspace: TfResource | None, auth_mode: Any, name: Any) -> EndpointKeys:
    """How the configuration names an endpoint block: its address, its workspace's, a literal name's host."""
    backends = [f"{tf.address}."]
    if isinstance(name, str):
        backends.append(f"//{name}.")
    return EndpointKeys(
        scope=tf.address.lower(),
        workspace=workspace.address.lower() if workspace is not None else None,
        auth_mode=auth_mode if isinstance(auth_mode, str) or auth_mode is None else Unknown(str(auth_mode)),
        backends=tuple(backends),
    )


def _target(value: Any, origin: TfResource, index: TfIndex) -> str | None:
    target = index.resolve(value, origin)
    if target is not None:
        return target.address.lower()
    if isinstance(value, str) and value.startswith("/subscriptions/"):
        return value.lower()
    return None


def _list(value: Any) -> list[Mapping[str, Any]]:
    return value if isinstance(value, list) else []


def _logs(setting: TfResource) -> list[dict[str, Any]]:
    found = [
        {"category": log.get("category"), "categoryGroup": log.get("category_group")}
        for log in _list(blocks(setting.attrs, "enabled_log"))
    ]
    found += [
        {"category": log.get("category"), "enabled": as_bool(log.get("enabled"), True)}
        for log in _list(blocks(setting.attrs, "log"))
    ]
    return found


def _alert(alert: TfResource, index: TfIndex) -> dict[str, Any]:
    scopes = alert.attrs.get("scopes")
    targets = [_target(s, alert, index) for s in (scopes if isinstance(scopes, list) else [])]
    criteria = [
        {"metricName": c.get("metric_name"), "metricNamespace": c.get("metric_namespace")}
        for name in ("criteria", "dynamic_criteria")
        for c in _list(blocks(alert.attrs, name))
    ]
    return {
        "properties": {
            "enabled": as_bool(alert.attrs.get("enabled"), True),
            "scopes": [t for t in targets if t],
            "criteria": {"allOf": criteria},
        }
    }


def _text(value: Any) -> str:
    """What a backend URL names: a literal, a reference's target, an unresolved template's expression."""
    if isinstance(value, Ref):
        return value.target
    if isinstance(value, Unknown):
        return value.expression
    return str(value or "")


def _xml(policy: TfResource) -> str | None:
    value = policy.attrs.get("xml_content")
    return value if isinstance(value, str) else None


def _api(api: TfResource, index: TfIndex) -> dict[str, Any]:
    policies: list[str | None] = [
        _xml(p) for p in index.referencing(api, "azurerm_api_management_api_policy")
    ]
    services = [index.get(address, api.module) for address in api.references]
    for service in services:
        if service is not None and service.type == "azurerm_api_management":
            policies += [_xml(p) for p in index.referencing(service, "azurerm_api_management_policy")]
    return {"backend": _text(api.attrs.get("service_url")), "policies": policies}


def _build(index: TfIndex) -> Surroundings:
    diagnostics: dict[str, list[dict[str, Any]]] = {}
    for setting in index.of_type("azurerm_monitor_diagnostic_setting"):
        target = _target(setting.attrs.get("target_resource_id"), setting, index)
        if target is not None:
            diagnostics.setdefault(target, []).append({"properties": {"logs": _logs(setting)}})
    return Surroundings(
        diagnostics=diagnostics,
        alerts=[_alert(a, index) for a in index.of_type("azurerm_monitor_metric_alert")],
        apis=[_api(a, index) for a in index.of_type("azurerm_api_management_api")],
    )
