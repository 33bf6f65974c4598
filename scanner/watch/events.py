"""Turn cloud event payloads into :class:`Change` records: which resource to re-read, nothing more.

Only the resource's identity is taken from an event; its state is always re-read, because deliveries
repeat and arrive out of order (the payload may describe a state that is no longer true).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """One resource a cloud says changed."""

    provider: str
    """``aws``, ``azure`` or ``gcp``."""
    key: str
    """What to re-read: ``kind/name`` for AWS, the ARM id for Azure, the asset name for Google."""
    event_id: str
    """The delivery's own id (EventBridge ``id``, Event Grid ``id``, Pub/Sub ``messageId``)."""
    event_type: str
    account: str | None = None
    region: str | None = None
    time: str | None = None

    @property
    def identity(self) -> tuple[str, str | None, str | None, str]:
        """Events with equal identities name the same resource (coalesced within one batch)."""
        return (self.provider, self.account, self.region, self.key.lower())


class NotAnEvent(ValueError):
    """A delivery that is not an event mlscan reads (malformed, or of a kind it has no reader for)."""


# EventBridge SageMaker state-change detail types → (kind, detail field holding the name)
STATE_CHANGES: Mapping[str, tuple[str, str]] = {
    "SageMaker Endpoint State Change": ("endpoint", "EndpointName"),
    "SageMaker Model State Change": ("model", "ModelName"),
    "SageMaker Notebook Instance State Change": ("notebook", "NotebookInstanceName"),
    "SageMaker Training Job State Change": ("training_job", "TrainingJobName"),
}
CLOUDTRAIL = "AWS API Call via CloudTrail"
# CloudTrail requestParameters field → kind (the API call's name does not matter: the state is re-read)
REQUEST_FIELDS: Mapping[str, str] = {
    "endpointName": "endpoint",
    "modelName": "model",
    "notebookInstanceName": "notebook",
    "trainingJobName": "training_job",
    "domainId": "domain",
}
ARN_TYPES: Mapping[str, str] = {
    "endpoint": "endpoint",
    "model": "model",
    "notebook-instance": "notebook",
    "training-job": "training_job",
    "domain": "domain",
}
VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent"


def from_eventbridge(event: Mapping[str, Any]) -> list[Change]:
    """An EventBridge event (the SQS message body): a SageMaker state change or a CloudTrail call."""
    if not isinstance(event, Mapping) or event.get("source") != "aws.sagemaker":
        raise NotAnEvent("not an aws.sagemaker EventBridge event")
    detail_type = str(event.get("detail-type", ""))
    detail = event.get("detail") if isinstance(event.get("detail"), Mapping) else {}
    common = {
        "provider": "aws",
        "event_id": str(event.get("id", "")),
        "event_type": detail_type,
        "account": str(event.get("account") or detail.get("recipientAccountId") or "") or None,
        "region": str(event.get("region") or detail.get("awsRegion") or "") or None,
        "time": event.get("time"),
    }
    if detail_type in STATE_CHANGES:
        kind, field = STATE_CHANGES[detail_type]
        name = detail.get(field)
        if not isinstance(name, str) or not name:
            raise NotAnEvent(f"{detail_type} without detail.{field}")
        return [Change(key=f"{kind}/{name}", **common)]
    if detail_type == CLOUDTRAIL:
        if detail.get("eventSource") != "sagemaker.amazonaws.com":
            raise NotAnEvent("a CloudTrail call of another service")
        common["event_type"] = f"{CLOUDTRAIL}: {detail.get('eventName', '?')}"
        found = _cloudtrail_resources(detail)
        if not found:
            raise NotAnEvent(f"CloudTrail {detail.get('eventName')} names no resource mlscan reads")
        return [Change(key=key, **common) for key in found]
    raise NotAnEvent(f"EventBridge detail-type {detail_type!r} is not one mlscan reads")


def _cloudtrail_resources(detail: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    request = detail.get("requestParameters") if isinstance(detail.get("requestParameters"), Mapping) else {}
    for field, kind in REQUEST_FIELDS.items():
        if isinstance(request.get(field), str) and request[field]:
            found.append(f"{kind}/{request[field]}")
    arns = [request.get("resourceArn")]
    response = detail.get("responseElements") if isinstance(detail.get("responseElements"), Mapping) else {}
    arns += [v for k, v in response.items() if k.endswith("Arn")] if not found else []
    for arn in arns:
        if isinstance(arn, str) and arn.startswith("arn:") and arn.count(":") >= 5:
            kind_name = arn.split(":", 5)[5]
            kind, _, name = kind_name.partition("/")
            if kind in ARN_TYPES and name:
                found.append(f"{ARN_TYPES[kind]}/{name}")
    return list(dict.fromkeys(found))


def event_grid_validation(events: Any) -> str | None:
    """The ``validationCode`` of an Event Grid subscription validation delivery, else None."""
    if isinstance(events, list):
        for event in events:
            if isinstance(event, Mapping) and event.get("eventType") == VALIDATION:
                code = (event.get("data") or {}).get("validationCode")
                return str(code) if code else None
    return None


def from_event_grid(events: Any) -> list[Change]:
    """An Event Grid delivery (an array of events, Event Grid or CloudEvents schema) → ARM ids."""
    items = events if isinstance(events, list) else [events]
    changes: list[Change] = []
    for event in items:
        if not isinstance(event, Mapping):
            raise NotAnEvent("an Event Grid event is a JSON object")
        event_type = str(event.get("eventType") or event.get("type") or "")
        data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
        arm_id = data.get("resourceUri")
        if not isinstance(arm_id, str):
            arm_id = _ml_event_target(event)
        if "/providers/microsoft.machinelearningservices/workspaces/" not in arm_id.lower():
            continue
        changes.append(
            Change(
                provider="azure",
                key=arm_id,
                event_id=str(event.get("id", "")),
                event_type=event_type,
                account=arm_id.split("/")[2] if arm_id.count("/") > 2 else None,
                time=event.get("eventTime") or event.get("time"),
            )
        )
    return changes


def _ml_event_target(event: Mapping[str, Any]) -> str:
    """A Machine Learning event's resource: topic = the workspace; subject ``models/NAME:VERSION`` names a
    model, anything else (runs, old ``endpoints/``) stands for the workspace, re-read whole."""
    topic = str(event.get("topic") or event.get("source") or "").rstrip("/")
    subject = str(event.get("subject") or "")
    if subject.startswith("models/"):
        return f"{topic}/models/{subject.removeprefix('models/').split(':', 1)[0]}"
    return topic


def from_pubsub_push(body: Any) -> list[Change]:
    """A Pub/Sub push delivery whose data is a Cloud Asset Inventory feed message (``TemporalAsset``)."""
    message = body.get("message") if isinstance(body, Mapping) else None
    if not isinstance(message, Mapping) or not isinstance(message.get("data"), str):
        raise NotAnEvent("not a Pub/Sub push delivery (no message.data)")
    try:
        asset_message = json.loads(base64.b64decode(message["data"], validate=True))
    except (binascii.Error, ValueError) as exc:
        raise NotAnEvent(f"message.data is not base64 JSON: {exc}") from exc
    asset = asset_message.get("asset") if isinstance(asset_message, Mapping) else None
    if not isinstance(asset, Mapping) or not isinstance(asset.get("name"), str):
        raise NotAnEvent("the feed message has no asset.name")
    name = asset["name"]
    from scanner.clouds.gcp.single import resource_name

    if resource_name(name) is None:
        raise NotAnEvent(f"{name} is not a Vertex AI kind mlscan re-reads")
    parts = name.removeprefix("//").split("/")
    project = parts[2] if len(parts) > 2 and parts[1] == "projects" else None
    location = parts[4] if len(parts) > 4 and parts[3] == "locations" else None
    window = asset_message.get("window") if isinstance(asset_message.get("window"), Mapping) else {}
    return [
        Change(
            provider="gcp",
            key=name,
            event_id=str(message.get("messageId") or message.get("message_id") or ""),
            event_type=str(asset.get("assetType", "")),
            account=project,
            region=location,
            time=window.get("startTime") or message.get("publishTime"),
        )
    ]


def coalesce(changes: Iterable[Change]) -> list[Change]:
    """One change per resource, in first-seen order (a batch often names one resource many times)."""
    seen: dict[tuple[str, str | None, str | None, str], Change] = {}
    for change in changes:
        seen.setdefault(change.identity, change)
    return list(seen.values())
