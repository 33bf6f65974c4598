"""Monitoring readiness of SageMaker endpoints (MLS-LOG-005/006/007, MLS-EXP-009), Terraform and live.

The same front door is declared in HCL and created in moto: a CloudTrail trail logging
AWS::SageMaker::Endpoint data events, a CloudWatch alarm on Invocations for the endpoint, an API Gateway
REST API whose integration invokes the endpoint, with access logs and a throttling usage plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.clouds.aws.monitoring import FrontDoor, capture_completeness, monitoring_facts
from scanner.clouds.sources import terraform_source
from tests.aws.aws_helpers import by_name, live_scan

HCL = Path(__file__).parent / "data" / "monitoring_front_door.tf"
READY = {
    "logging.caller_identity": True,
    "monitoring.invocation_alarm": True,
    "exposure.rate_limited": True,
    "logging.capture_sampling": 100.0,
    "logging.capture_inputs_outputs": True,
}


def _facts(resource: Any) -> dict[str, Any]:
    return {k: resource.facts.get(k) for k in READY}


def test_terraform_front_door_makes_the_endpoint_ready() -> None:
    endpoints = by_name(terraform_source([str(HCL)]), "endpoint")
    assert _facts(endpoints["scoring"]) == READY


def test_terraform_without_a_front_door_fails_rather_than_unknown(tmp_path: Path) -> None:
    text = HCL.read_text().split('resource "aws_cloudtrail"')[0]
    (tmp_path / "main.tf").write_text(
        text.replace("initial_sampling_percentage = 100", "initial_sampling_percentage = 20")
    )
    facts = _facts(by_name(terraform_source([str(tmp_path)]), "endpoint")["scoring"])
    assert facts == {**READY, **dict.fromkeys(list(READY)[:3], False), "logging.capture_sampling": 20.0}


def test_unreadable_parts_are_unknown_never_a_pass() -> None:
    door = FrontDoor(
        trail_selectors=None, alarms=None, integrations=None, logged_apis=None, throttled_apis=None
    )
    assert set(monitoring_facts("e", door).values()) == {None}
    assert capture_completeness({"CaptureOptions": [{"CaptureMode": "Input"}]}) == {
        "logging.capture_sampling": None,
        "logging.capture_inputs_outputs": False,
    }


@pytest.fixture
def front_door(moto: None) -> None:
    import boto3

    region = "us-east-1"
    sm = boto3.client("sagemaker", region_name=region)
    role = "arn:aws:iam::123456789012:role/sm"
    sm.create_model(ModelName="m", ExecutionRoleArn=role, PrimaryContainer={"Image": "i"})
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": "m",
        "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 2,
    }
    capture = {
        "EnableCapture": True,
        "InitialSamplingPercentage": 100,
        "DestinationS3Uri": "s3://cap/x",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
    }
    sm.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[variant], DataCaptureConfig=capture)
    for name in ("scoring", "bare"):
        sm.create_endpoint(EndpointName=name, EndpointConfigName="c")
    boto3.client("s3", region_name=region).create_bucket(Bucket="trail-logs")
    trail = boto3.client("cloudtrail", region_name=region)
    trail.create_trail(Name="endpoint-trail", S3BucketName="trail-logs")
    selectors = [
        {
            "Name": "endpoints",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::SageMaker::Endpoint"]},
            ],
        }
    ]
    trail.put_event_selectors(TrailName="endpoint-trail", AdvancedEventSelectors=selectors)
    boto3.client("cloudwatch", region_name=region).put_metric_alarm(
        AlarmName="inv",
        Namespace="AWS/SageMaker",
        MetricName="Invocations",
        Dimensions=[
            {"Name": "EndpointName", "Value": "scoring"},
            {"Name": "VariantName", "Value": "AllTraffic"},
        ],
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=10000,
        ComparisonOperator="GreaterThanThreshold",
    )
    gw = boto3.client("apigateway", region_name=region)
    api = gw.create_rest_api(name="front")["id"]
    root = gw.get_resources(restApiId=api)["items"][0]["id"]
    gw.put_method(restApiId=api, resourceId=root, httpMethod="POST", authorizationType="AWS_IAM")
    gw.put_integration(
        restApiId=api,
        resourceId=root,
        httpMethod="POST",
        type="AWS",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{region}:runtime.sagemaker:path//endpoints/scoring/invocations",
    )
    deployment = gw.create_deployment(restApiId=api)["id"]
    gw.create_stage(restApiId=api, stageName="prod", deploymentId=deployment)
    logs = "arn:aws:logs:us-east-1:123456789012:log-group:api"
    gw.update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": logs},
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
        ],
    )
    gw.create_usage_plan(
        name="per-caller",
        apiStages=[{"apiId": api, "stage": "prod"}],
        throttle={"burstLimit": 10, "rateLimit": 5.0},
    )


def test_live_front_door_makes_the_endpoint_ready_and_the_other_not(front_door: None) -> None:
    endpoints = by_name(live_scan(regions=("us-east-1",)), "endpoint")
    assert _facts(endpoints["scoring"]) == READY
    bare = _facts(endpoints["bare"])
    # CloudTrail data events cover every endpoint of the region; the alarm and front door only "scoring".
    assert bare == {**READY, "monitoring.invocation_alarm": False, "exposure.rate_limited": False}


class _Broken:
    """A client whose every call fails the way a fault campaign found: an error status or an unparseable body."""

    def __init__(self, exc: Exception) -> None:
        self._exc = exc

    def __getattr__(self, name: str) -> Any:
        def fail(*_args: Any, **_kwargs: Any) -> Any:
            raise self._exc

        if name == "get_paginator":
            return lambda *_a, **_k: type("P", (), {"paginate": fail})()
        return fail


@pytest.mark.parametrize("kind", ["status", "unparseable"])
def test_a_front_door_read_that_fails_is_an_error_entry_and_unknown(kind: str) -> None:
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError

    from scanner.clouds.aws.monitoring_live import FrontDoorReader
    from scanner.clouds.aws.problems import Problems

    exc: Exception = (
        ClientError({"Error": {"Code": "InternalFailure", "Message": "boom"}}, "ListWebACLs")
        if kind == "status"
        else ResponseParserError("Unable to parse response (no element found)")
    )
    problems = Problems()
    door = FrontDoorReader(lambda _service: _Broken(exc), problems, "aws/123456789012/eu-west-1")()
    assert (door.trail_selectors, door.alarms, door.integrations, door.throttled_apis) == (
        None,
        None,
        None,
        None,
    )
    errors = problems.drain()
    services = {"cloudtrail", "cloudwatch", "apigateway", "wafv2"}
    assert len(errors) == len(services) + 1  # API Gateway is read twice: its APIs, then its usage plans
    assert {e.where for e in errors} == {"aws/123456789012/eu-west-1"}
    assert all("facts it decides are unknown" in e.reason for e in errors)
