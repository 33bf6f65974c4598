"""Throttled AWS answers (issue 11): Retry-After honoured within its bound, then a give-up error entry.

The real botocore client talks over HTTP to a moto server behind a fault-injecting proxy; sleeps
are recorded instead of slept (no wall-clock in tests).
"""

from __future__ import annotations

from typing import Any

import pytest

from scanner.clouds.retry_after import MAX_RETRY_AFTER
from tests.aws.aws_helpers import by_name, fake_aws_credentials, live_scan
from tests.fuzz.fault_proxy import Fault, FaultProxy

LIST_ENDPOINTS = "SageMaker.ListEndpoints"


@pytest.fixture(scope="module")
def seeded(moto_server: str) -> dict[str, Any]:
    from scanner.sandbox.aws_estate import seed_aws

    with pytest.MonkeyPatch.context() as mp:
        fake_aws_credentials(mp, managed_policies=True)  # as the module's server was started
        return seed_aws(moto_server, regions=("us-east-1",))


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch, moto_server: str) -> list[float]:
    fake_aws_credentials(monkeypatch, managed_policies=True)
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def _scan(upstream: str, *faults: Fault, attempts: int = 4) -> tuple[Any, FaultProxy]:
    with FaultProxy(upstream, faults) as proxy:
        result = live_scan(endpoint_url=proxy.url, regions=("us-east-1",), extra={"max_attempts": attempts})
    return result, proxy


@pytest.mark.parametrize(("header", "expected"), [("3", 3.0), ("86400", MAX_RETRY_AFTER)])
def test_retry_after_is_honoured_within_its_bound(
    seeded: dict[str, Any], moto_server: str, slept: list[float], header: str, expected: float
) -> None:
    throttled = Fault(LIST_ENDPOINTS, "status", status=429, retry_after=header, times=2)
    result, proxy = _scan(moto_server, throttled)
    assert result.errors == ()
    assert len(by_name(result, "endpoint")) == seeded["endpoints"]
    assert len(proxy.applied) == 2
    assert slept.count(expected) == 2  # before each retry, what the server asked (at most the bound)
    assert max(slept) <= MAX_RETRY_AFTER


def test_throttling_without_end_gives_up_with_an_error_entry(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    result, proxy = _scan(
        moto_server, Fault(LIST_ENDPOINTS, "status", status=429, retry_after="1"), attempts=3
    )
    (error,) = result.errors
    assert len(proxy.applied) == 1 + 3  # the first attempt and max_attempts retries, then no more
    assert "ThrottlingException" in error.reason and "\n" not in error.reason
    assert len(by_name(result, "notebook")) == seeded["notebooks"]  # the other listings are complete
    assert not by_name(result, "endpoint")
    assert all(wait <= MAX_RETRY_AFTER for wait in slept)
