"""Event payloads → the resource to re-read (EventBridge, CloudTrail, Event Grid, Pub/Sub push)."""

from __future__ import annotations

import base64
import json

import pytest

from scanner.clouds.azure.single import target_id
from scanner.clouds.gcp.single import resource_name
from scanner.watch.events import (
    STATE_CHANGES,
    NotAnEvent,
    coalesce,
    event_grid_validation,
    from_event_grid,
    from_eventbridge,
    from_pubsub_push,
)

WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w"


@pytest.mark.parametrize("detail_type", sorted(STATE_CHANGES))
def test_every_state_change_names_its_resource(detail_type):
    kind, field = STATE_CHANGES[detail_type]
    event = {
        "source": "aws.sagemaker",
        "detail-type": detail_type,
        "id": "1",
        "account": "111122223333",
        "region": "eu-west-1",
        "detail": {field: "thing"},
    }
    (change,) = from_eventbridge(event)
    assert (change.key, change.account, change.region) == (f"{kind}/thing", "111122223333", "eu-west-1")


def test_cloudtrail_calls_name_resources_by_parameter_or_arn():
    base = {
        "source": "aws.sagemaker",
        "detail-type": "AWS API Call via CloudTrail",
        "id": "2",
        "account": "1",
        "region": "us-east-1",
    }
    update = {
        **base,
        "detail": {
            "eventSource": "sagemaker.amazonaws.com",
            "eventName": "UpdateEndpoint",
            "requestParameters": {"endpointName": "ep", "endpointConfigName": "cfg"},
        },
    }
    assert [c.key for c in from_eventbridge(update)] == ["endpoint/ep"]
    tags = {
        **base,
        "detail": {
            "eventSource": "sagemaker.amazonaws.com",
            "eventName": "AddTags",
            "requestParameters": {"resourceArn": "arn:aws:sagemaker:us-east-1:1:notebook-instance/nb"},
        },
    }
    assert [c.key for c in from_eventbridge(tags)] == ["notebook/nb"]
    config_only = {
        **base,
        "detail": {
            "eventSource": "sagemaker.amazonaws.com",
            "eventName": "CreateEndpointConfig",
            "requestParameters": {"endpointConfigName": "cfg"},
        },
    }
    with pytest.raises(NotAnEvent):
        from_eventbridge(config_only)
    with pytest.raises(NotAnEvent):
        from_eventbridge({**base, "detail": {"eventSource": "s3.amazonaws.com"}})
    with pytest.raises(NotAnEvent):
        from_eventbridge({"source": "aws.s3"})


def test_event_grid_resource_and_machine_learning_events():
    write = {
        "id": "a",
        "eventType": "Microsoft.Resources.ResourceWriteSuccess",
        "data": {"resourceUri": f"{WS}/onlineEndpoints/ep/deployments/blue"},
    }
    model = {
        "id": "b",
        "eventType": "Microsoft.MachineLearningServices.ModelRegistered",
        "topic": WS,
        "subject": "models/credit:3",
    }
    other = {
        "id": "c",
        "eventType": "Microsoft.Resources.ResourceWriteSuccess",
        "data": {
            "resourceUri": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x"
        },
    }
    changes = from_event_grid([write, model, other])
    assert [target_id(c.key) for c in changes] == [
        f"{WS}/onlineEndpoints/ep".lower(),
        f"{WS}/models/credit".lower(),
    ]
    assert (
        event_grid_validation(
            [
                {
                    "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
                    "data": {"validationCode": "x"},
                }
            ]
        )
        == "x"
    )
    assert event_grid_validation([write]) is None


def test_pubsub_push_of_an_asset_feed_message():
    asset = "//aiplatform.googleapis.com/projects/p/locations/us-central1/endpoints/1"
    data = base64.b64encode(json.dumps({"asset": {"name": asset}}).encode()).decode()
    (change,) = from_pubsub_push({"message": {"data": data, "messageId": "9"}})
    assert (change.account, change.region, change.event_id) == ("p", "us-central1", "9")
    assert resource_name(change.key) == "projects/p/locations/us-central1/endpoints/1"
    assert resource_name("//aiplatform.googleapis.com/projects/p/locations/l/featurestores/f") is None
    with pytest.raises(NotAnEvent):
        from_pubsub_push({"message": {"data": "%%%"}})
    workbench = {
        "asset": {"name": "//notebooks.googleapis.com/projects/p/locations/us-central1-a/instances/i"}
    }
    with pytest.raises(NotAnEvent):  # acknowledged and logged, never redelivered forever
        from_pubsub_push({"message": {"data": base64.b64encode(json.dumps(workbench).encode()).decode()}})


def test_one_batch_reads_each_resource_once():
    event = {
        "source": "aws.sagemaker",
        "detail-type": "SageMaker Endpoint State Change",
        "account": "1",
        "region": "r",
        "detail": {"EndpointName": "EP"},
    }
    changes = [*from_eventbridge({**event, "id": "1"}), *from_eventbridge({**event, "id": "2"})]
    assert len(coalesce(changes)) == 1
