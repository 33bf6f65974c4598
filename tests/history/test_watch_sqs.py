"""``mlscan watch --sqs-queue``: EventBridge SageMaker events delivered to SQS (moto), end to end.

A rule on moto's default event bus sends ``aws.sagemaker`` events to a queue; ``mlscan watch`` long-polls
it, re-reads the one resource each event names, stores the verdict (SQLite and PostgreSQL), notifies a
local webhook of new failures, and deletes each message only after its verdict is stored. Duplicate
and out-of-order deliveries change nothing. Counts come from the store, never from constants.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.history.store import Store
from tests.aws.aws_helpers import fake_aws_credentials
from tests.history.receiver import capture_server

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    import boto3
    from moto import mock_aws

    from scanner.sandbox.aws_estate import seed_aws

    fake_aws_credentials(monkeypatch)
    with mock_aws():
        estate = seed_aws(
            None,
            regions=(REGION,),
            per_region={"endpoints": 1, "training_jobs": 1, "notebooks": 1, "domains": 0},
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="mlscan-events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events = boto3.client("events", region_name=REGION)
        events.put_rule(Name="sagemaker-changes", EventPattern=json.dumps({"source": ["aws.sagemaker"]}))
        events.put_targets(Rule="sagemaker-changes", Targets=[{"Id": "mlscan", "Arn": arn}])
        sm = boto3.client("sagemaker", region_name=REGION)
        names = {
            "endpoint": sm.list_endpoints()["Endpoints"][0]["EndpointName"],
            "notebook": sm.list_notebook_instances()["NotebookInstances"][0]["NotebookInstanceName"],
        }
        yield {"sqs": sqs, "queue": queue, "events": events, "names": names, **estate}


def state_change(aws: dict[str, Any], kind: str) -> dict[str, Any]:
    detail_type, field = {
        "endpoint": ("SageMaker Endpoint State Change", "EndpointName"),
        "notebook": ("SageMaker Notebook Instance State Change", "NotebookInstanceName"),
    }[kind]
    return {
        "Source": "aws.sagemaker",
        "DetailType": detail_type,
        "Detail": json.dumps({field: aws["names"][kind], "EndpointStatus": "IN_SERVICE"}),
        "Resources": [],
    }


def watch(store_url: str, hook_url: str, events: int, aws: dict[str, Any]) -> Any:
    args = ["watch", "--sqs-queue", aws["queue"], "--store", store_url, "--wait-seconds", "1"]
    args += ["--max-events", str(events), "--notify-webhook", hook_url]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def queue_depth(aws: dict[str, Any]) -> int:
    attributes = aws["sqs"].get_queue_attributes(QueueUrl=aws["queue"], AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_eventbridge_event_to_stored_verdict_and_alert(aws, store_url, monkeypatch):
    import boto3

    aws["events"].put_events(Entries=[state_change(aws, "endpoint")])
    assert queue_depth(aws) == 1
    calls: list[tuple[str, str]] = []
    original = boto3.Session.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register(
            "before-call", lambda model, **_: calls.append((model.service_model.service_name, model.name))
        )

    monkeypatch.setattr(boto3.Session, "__init__", init)
    with capture_server() as hook:
        run = watch(store_url, hook.url, 1, aws)
        assert run.exit_code == 0, run.stderr
        writes = {c for c in calls if not c[1].startswith(("List", "Describe", "Get"))}
        assert writes == {("sqs", "ReceiveMessage"), ("sqs", "DeleteMessageBatch")}  # read-only elsewhere
        assert ("sagemaker", "DescribeEndpoint") in calls
        assert not [
            c for c in calls if c[1].startswith("List") and c[0] == "sagemaker" and c[1] != "ListTags"
        ]  # one resource, no listing
        with Store.open(store_url) as store:
            (scan,) = store.scans()
            (resource,) = store.resources(scan.id)
            failing = {f.policy_id for f in store.findings([scan.id]) if f.failing}
        assert resource.name == aws["names"]["endpoint"] and resource.kind == "endpoint"
        assert failing and len(hook.posts) == 1
        assert {a["policy_id"] for a in hook.bodies()[0]["alerts"]} == failing
        assert queue_depth(aws) == 0  # deleted after the verdict was stored


def test_duplicate_and_out_of_order_deliveries_are_harmless(aws, store_url):
    aws["events"].put_events(Entries=[state_change(aws, "endpoint")])
    answer = aws["sqs"].receive_message(QueueUrl=aws["queue"], WaitTimeSeconds=1)
    (message,) = answer["Messages"]
    aws["sqs"].delete_message(QueueUrl=aws["queue"], ReceiptHandle=message["ReceiptHandle"])
    event = json.loads(message["Body"])
    older = {**event, "id": "older-event", "time": "2020-01-01T00:00:00Z"}
    for body in (event, event, older):  # a redelivery, then an older event arriving last
        aws["sqs"].send_message(QueueUrl=aws["queue"], MessageBody=json.dumps(body))
    with capture_server() as hook:
        run = watch(store_url, hook.url, 3, aws)
        assert run.exit_code == 0, run.stderr
        assert "skipped (duplicate)" in run.stderr
        with Store.open(store_url) as store:
            scans = store.scans()
        assert len(scans) == 2  # the event and the older one; the redelivery read nothing
        assert len(hook.posts) == 1  # only the first verdict had new failures
        assert queue_depth(aws) == 0


def test_failures_a_full_scan_already_knew_are_not_new(aws, store_url):
    scan = CliRunner().invoke(
        main, ["scan", "--cloud", "aws", "--regions", REGION, "--store", store_url, "--quiet"]
    )
    assert scan.exit_code in (0, 1), scan.stderr
    aws["events"].put_events(Entries=[state_change(aws, "notebook")])
    with capture_server() as hook:
        run = watch(store_url, hook.url, 1, aws)
        assert run.exit_code == 0, run.stderr
        with Store.open(store_url) as store:
            head = store.scans()[0]
            failing = [f for f in store.findings([head.id]) if f.failing]
        assert head.command == "watch" and failing
        assert hook.posts == []  # every failure was already failing in the full scan


def test_a_message_that_is_not_an_event_is_dropped(aws, store_url):
    aws["sqs"].send_message(QueueUrl=aws["queue"], MessageBody="not json")
    aws["sqs"].send_message(QueueUrl=aws["queue"], MessageBody=json.dumps({"source": "aws.s3"}))
    aws["events"].put_events(Entries=[state_change(aws, "endpoint")])
    with capture_server() as hook:
        run = watch(store_url, hook.url, 1, aws)
    assert run.exit_code == 0 and run.stderr.count("ignored") == 2
    assert queue_depth(aws) == 0


def test_a_cloudtrail_api_call_rescans_what_it_changed(aws, store_url):
    detail = {
        "eventSource": "sagemaker.amazonaws.com",
        "eventName": "UpdateNotebookInstance",
        "awsRegion": REGION,
        "requestParameters": {"notebookInstanceName": aws["names"]["notebook"], "rootAccess": "Enabled"},
    }
    entry = {
        "Source": "aws.sagemaker",
        "DetailType": "AWS API Call via CloudTrail",
        "Detail": json.dumps(detail),
    }
    aws["events"].put_events(Entries=[entry])
    with capture_server() as hook:
        run = watch(store_url, hook.url, 1, aws)
    assert run.exit_code == 0 and "UpdateNotebookInstance" in run.stderr, run.stderr
    with Store.open(store_url) as store:
        (scan,) = store.scans()
        (resource,) = store.resources(scan.id)
    assert resource.kind == "notebook" and resource.name == aws["names"]["notebook"]
    assert queue_depth(aws) == 0
