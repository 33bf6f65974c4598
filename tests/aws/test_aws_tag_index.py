"""Tags read in bulk (tag:GetResources) against in-process moto: the same tags ListTags answers, fewer
calls; a denied or malformed bulk answer falls back to ListTags per resource, never to "untagged"."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from scanner.clouds.aws.tag_index import TagIndex
from tests.aws.aws_helpers import live_scan

BULK = {
    "AWS::SageMaker::Endpoint",
    "AWS::SageMaker::Model",
    "AWS::SageMaker::TrainingJob",
    "AWS::SageMaker::NotebookInstance",
}
"""The provider types whose tags come from the index (scanner.clouds.aws.tag_index.TAG_TYPES)."""


def _recorded_scan(
    monkeypatch: pytest.MonkeyPatch, deny_bulk: bool, **options: Any
) -> tuple[Any, Counter[str]]:
    calls: Counter[str] = Counter()
    original = boto3.Session.__init__

    def deny(**_: Any) -> None:  # runs before the generic hook: count the attempt here
        calls.update(["GetResources"])
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetResources")

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register("before-call", lambda model, params, **_: calls.update([_call(model, params)]))
        if deny_bulk:
            self.events.register("before-call.resource-groups-tagging-api.GetResources", deny)

    monkeypatch.setattr(boto3.Session, "__init__", init)
    return live_scan(**options), calls


def _call(model: Any, params: dict[str, Any]) -> str:
    """The operation, with the bulk read's resource type (``GetResources sagemaker:model``)."""
    if model.name != "GetResources":
        return model.name
    body = json.loads(params.get("body") or b"{}")  # the request as sent (JSON protocol)
    return " ".join([model.name, *body.get("ResourceTypeFilters", ())])


def _list_tags(resource: Any) -> dict[str, str]:
    sm = boto3.client("sagemaker", region_name=resource.region)
    return {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=resource.id)["Tags"]}


@pytest.mark.parametrize("deny_bulk", [False, True], ids=["bulk", "bulk-denied"])
def test_tags_match_list_tags_with_fewer_calls(
    estate: dict[str, Any], monkeypatch: pytest.MonkeyPatch, deny_bulk: bool
) -> None:
    result, recorded = _recorded_scan(monkeypatch, deny_bulk)
    calls = Counter(recorded)  # the scan's own calls (the ListTags below are recorded too)
    assert result.errors == ()
    tagged = [r for r in result.resources if r.resource_type in BULK]
    assert tagged and all(r.tags for r in tagged)  # the estate tags them all
    for resource in tagged:
        assert resource.tags == _list_tags(resource), resource.id
    others = [r for r in result.resources if r.resource_type not in BULK and r.id.startswith("arn:")]
    expected = len(others) + (len(tagged) if deny_bulk else 0)
    assert calls["ListTags"] == expected
    assert sum(n for call, n in calls.items() if call.startswith("GetResources")) >= 1


def test_a_limited_training_job_listing_reads_job_tags_one_by_one(
    estate: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --training-jobs-since the bulk read would page through every old job; ListTags per listed
    job is used instead, and the other kinds still come from the index."""
    since = datetime.now(timezone.utc) - timedelta(days=3650)
    result, calls = _recorded_scan(monkeypatch, deny_bulk=False, training_jobs_since=since)
    assert result.errors == ()
    assert calls["GetResources sagemaker:training-job"] == 0
    assert calls["GetResources sagemaker:model"] >= 1
    jobs = [r for r in result.resources if r.resource_type == "AWS::SageMaker::TrainingJob"]
    assert jobs and all(r.tags == _list_tags(r) for r in jobs)


class _Pages:
    def __init__(self, pages: list[Any]) -> None:
        self._pages = pages

    def get_paginator(self, name: str) -> Any:
        assert name == "get_resources"
        return self

    def paginate(self, **kwargs: Any) -> Any:
        assert kwargs["ResourceTypeFilters"] == ["sagemaker:model"]
        for page in self._pages:
            if isinstance(page, Exception):
                raise page
            yield page


def test_index_names_only_what_a_whole_answer_carried() -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model/m"
    good = {"ResourceTagMappingList": [{"ResourceARN": arn, "Tags": [{"Key": "team", "Value": "a"}]}]}
    index = TagIndex()
    assert index.load(_Pages([good]), "model") == 1
    assert index.get(arn) == {"team": "a"}
    assert index.get(arn.replace("/m", "/other")) is None  # not named: read with ListTags

    truncated = TagIndex()  # a later page that is not an answer: no page of it is used
    assert truncated.load(_Pages([good, {"message": "<html>"}]), "model") == 0
    assert truncated.get(arn) is None
    failed = TagIndex()
    assert (
        failed.load(_Pages([good, ClientError({"Error": {"Code": "Throttling"}}, "GetResources")]), "model")
        == 0
    )
    assert failed.get(arn) is None
