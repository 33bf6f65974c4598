"""Monitoring readiness of a SageMaker endpoint, shared by the live and the Terraform face.

Whether anyone could tell that an endpoint is being extracted: CloudTrail data events for
``AWS::SageMaker::Endpoint`` (or an API Gateway front door with access logs) name each caller; a
CloudWatch alarm on ``AWS/SageMaker`` ``Invocations`` for the endpoint's ``EndpointName`` watches
volume; an API Gateway usage plan with throttling, or a WAF web ACL with a rate-based rule, on the API
that fronts the endpoint limits each caller. Both faces build one API-shaped :class:`FrontDoor` per
region (account, or Terraform configuration) and ask it about each endpoint. A part that could not be
read is None and the facts that need it are unknown, never a pass.

Simplification (documented in docs/aws.md): a front door is a REST API with an integration whose URI
invokes the endpoint (``…runtime.sagemaker:path//endpoints/<name>/invocations``); access logs, usage
plans and web ACLs count when they are on any stage of that API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.tristate import any_of

ENDPOINT_TYPE = "AWS::SageMaker::Endpoint"
VOLUME_METRICS = ("Invocations", "InvocationsPerInstance")


@dataclass(frozen=True)
class FrontDoor:
    """What one region holds around its endpoints; None marks a part that could not be read."""

    trail_selectors: Sequence[Mapping[str, Any]] | None = ()
    """GetEventSelectors answers (``EventSelectors`` / ``AdvancedEventSelectors``), one per trail."""
    alarms: Sequence[Mapping[str, Any]] | None = ()
    """DescribeAlarms ``MetricAlarms`` (``Namespace``, ``MetricName``, ``Dimensions``)."""
    integrations: Sequence[Mapping[str, Any]] | None = ()
    """``{"RestApiId", "Uri"}`` of every API Gateway integration."""
    logged_apis: frozenset[str] | None = frozenset()
    """REST API ids with a stage that writes access logs."""
    throttled_apis: frozenset[str] | None = frozenset()
    """REST API ids with a stage in a usage plan that throttles, or behind a WAF rate-based rule."""


def selects_endpoint_data_events(answer: Mapping[str, Any]) -> bool:
    """Whether one trail's selectors log SageMaker endpoint data events (InvokeEndpoint)."""
    for selector in answer.get("AdvancedEventSelectors") or ():
        fields = {f.get("Field"): f.get("Equals") or () for f in selector.get("FieldSelectors") or ()}
        if "Data" in fields.get("eventCategory", ()) and ENDPOINT_TYPE in fields.get("resources.type", ()):
            return True
    for selector in answer.get("EventSelectors") or ():
        for resource in selector.get("DataResources") or ():
            if resource.get("Type") == ENDPOINT_TYPE:
                return True
    return False


def _fronting(name: str, door: FrontDoor) -> set[str] | None:
    if door.integrations is None:
        return None
    marker = f"/endpoints/{name}/"
    return {str(i.get("RestApiId")) for i in door.integrations if marker in str(i.get("Uri") or "")}


def _api_has(apis: set[str] | None, flagged: frozenset[str] | None) -> bool | None:
    if apis is None:
        return None
    if not apis:
        return False
    if flagged is None:
        return None
    return bool(apis & flagged)


def _alarmed(name: str, alarms: Iterable[Mapping[str, Any]]) -> bool:
    for alarm in alarms:
        if alarm.get("Namespace") != "AWS/SageMaker" or alarm.get("MetricName") not in VOLUME_METRICS:
            continue
        dimensions = {d.get("Name"): d.get("Value") for d in alarm.get("Dimensions") or ()}
        if dimensions.get("EndpointName") == name:
            return True
    return False


def monitoring_facts(name: Any, door: FrontDoor | None) -> dict[str, Any]:
    """``logging.caller_identity``, ``monitoring.invocation_alarm`` and ``exposure.rate_limited``."""
    if door is None or not isinstance(name, str):
        return dict.fromkeys(
            ("logging.caller_identity", "monitoring.invocation_alarm", "exposure.rate_limited")
        )
    apis = _fronting(name, door)
    trails = (
        None
        if door.trail_selectors is None
        else any(selects_endpoint_data_events(a) for a in door.trail_selectors)
    )
    return {
        "logging.caller_identity": any_of([trails, _api_has(apis, door.logged_apis)]),
        "monitoring.invocation_alarm": None if door.alarms is None else _alarmed(name, door.alarms),
        "exposure.rate_limited": _api_has(apis, door.throttled_apis),
    }


def capture_completeness(capture: Any) -> dict[str, Any]:
    """``logging.capture_sampling`` (percent) and ``logging.capture_inputs_outputs`` of a DataCaptureConfig."""
    if not isinstance(capture, Mapping):
        return {"logging.capture_sampling": None, "logging.capture_inputs_outputs": None}
    sampling = capture.get("InitialSamplingPercentage")
    try:
        percent = float(sampling) if isinstance(sampling, (int, float, str)) else None
    except ValueError:
        percent = None
    options = capture.get("CaptureOptions")
    modes: set[str] | None = None
    if isinstance(options, (list, tuple)):
        modes = set()
        for option in options:
            mode = option.get("CaptureMode") if isinstance(option, Mapping) else None
            if not isinstance(mode, str):
                modes = None
                break
            modes |= {"Input", "Output"} if mode == "InputAndOutput" else {mode}
    return {
        "logging.capture_sampling": percent,
        "logging.capture_inputs_outputs": None if modes is None else {"Input", "Output"} <= modes,
    }
