"""The Terraform face of :mod:`scanner.clouds.aws.monitoring`: one :class:`FrontDoor` per configuration.

Built once per index from ``aws_cloudtrail`` selectors, ``aws_cloudwatch_metric_alarm``,
``aws_api_gateway_integration`` / ``_stage`` / ``_usage_plan`` and ``aws_wafv2_web_acl`` (with its
``aws_wafv2_web_acl_association``). References are followed to the block they name, so an alarm whose
``EndpointName`` dimension is ``aws_sagemaker_endpoint.x.name`` counts for that endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.aws.monitoring import FrontDoor
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, block, blocks


def front_door(index: TfIndex) -> FrontDoor:
    """The configuration's front door, built once per index."""
    return index.memo("aws.monitoring.front_door", lambda: _build(index))


def _name(value: Any, origin: TfResource, index: TfIndex) -> Any:
    """A literal, or the literal ``name`` of the block a reference points at (else the reference text)."""
    if isinstance(value, Ref):
        target = index.resolve(value, origin)
        if target is not None and isinstance(target.attrs.get("name"), str):
            return target.attrs["name"]
        return value.target
    return value


def _api(value: Any, origin: TfResource, index: TfIndex) -> str:
    if isinstance(value, Ref):
        target = index.resolve(value, origin)
        return target.address if target is not None else value.address
    return str(value)


def _strings(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _selectors(trail: TfResource) -> dict[str, Any]:
    advanced = [
        {
            "FieldSelectors": [
                {"Field": f.get("field"), "Equals": _strings(f.get("equals"))}
                for f in _list(blocks(selector, "field_selector"))
            ]
        }
        for selector in _list(blocks(trail.attrs, "advanced_event_selector"))
    ]
    classic = [
        {"DataResources": [{"Type": r.get("type")} for r in _list(blocks(selector, "data_resource"))]}
        for selector in _list(blocks(trail.attrs, "event_selector"))
    ]
    return {"AdvancedEventSelectors": advanced, "EventSelectors": classic}


def _list(value: Any) -> list[Mapping[str, Any]]:
    return value if isinstance(value, list) else []


def _alarm(alarm: TfResource, index: TfIndex) -> dict[str, Any]:
    dimensions = alarm.attrs.get("dimensions")
    pairs = dimensions.items() if isinstance(dimensions, Mapping) else ()
    return {
        "Namespace": alarm.attrs.get("namespace"),
        "MetricName": alarm.attrs.get("metric_name"),
        "Dimensions": [{"Name": k, "Value": _name(v, alarm, index)} for k, v in pairs],
    }


def _uri(integration: TfResource, index: TfIndex) -> str:
    value = integration.attrs.get("uri")
    if isinstance(value, Ref):
        return value.target
    text = str(value or "")
    for endpoint in index.of_type("aws_sagemaker_endpoint"):
        if endpoint.address in text and isinstance(endpoint.attrs.get("name"), str):
            text += f" /endpoints/{endpoint.attrs['name']}/"
    return text


def _rate_limited_acls(index: TfIndex) -> set[str]:
    return {
        acl.address
        for acl in index.of_type("aws_wafv2_web_acl")
        if _mentions(acl.attrs, "rate_based_statement")
    }


def _mentions(value: Any, key: str) -> bool:
    if isinstance(value, Mapping):
        return any(k == key and v or _mentions(v, key) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_mentions(v, key) for v in value)
    return False


def _build(index: TfIndex) -> FrontDoor:
    stages = {s.address: s for s in index.of_type("aws_api_gateway_stage")}
    logged = {
        _api(s.attrs.get("rest_api_id"), s, index)
        for s in stages.values()
        if isinstance(block(s.attrs, "access_log_settings"), Mapping)
    }
    throttled: set[str] = set()
    for plan in index.of_type("aws_api_gateway_usage_plan"):
        if isinstance(block(plan.attrs, "throttle_settings"), Mapping):
            throttled |= {_api(s.get("api_id"), plan, index) for s in _list(blocks(plan.attrs, "api_stages"))}
    acls = _rate_limited_acls(index)
    for association in index.of_type("aws_wafv2_web_acl_association"):
        acl = index.resolve(association.attrs.get("web_acl_arn"), association)
        stage = index.resolve(association.attrs.get("resource_arn"), association)
        if (
            acl is not None
            and acl.address in acls
            and stage is not None
            and stage.type == "aws_api_gateway_stage"
        ):
            throttled.add(_api(stage.attrs.get("rest_api_id"), stage, index))
    return FrontDoor(
        trail_selectors=[_selectors(t) for t in index.of_type("aws_cloudtrail")],
        alarms=[_alarm(a, index) for a in index.of_type("aws_cloudwatch_metric_alarm")],
        integrations=[
            {"RestApiId": _api(i.attrs.get("rest_api_id"), i, index), "Uri": _uri(i, index)}
            for i in index.of_type("aws_api_gateway_integration")
        ],
        logged_apis=frozenset(logged),
        throttled_apis=frozenset(throttled),
    )
