"""Throttled Azure answers (issue 11): azure-core honours Retry-After within mlscan's bound, then gives up
with an error entry. The real SDK talks to the ARM emulator through a fault-injecting proxy; sleeps
are recorded, not slept."""

from __future__ import annotations

import pytest
from azure_helpers import PROD, named

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.clouds.retry_after import MAX_RETRY_AFTER
from scanner.sandbox.arm_emulator import start_arm_emulator
from tests.fuzz.fault_proxy import Fault, FaultProxy

COMPUTES = "/workspaces/mlw-dev-open/computes"


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def _scan(*faults: Fault, retries: int = 3):
    with start_arm_emulator() as emu, FaultProxy(emu.url, faults) as proxy:
        options = LiveOptions(azure_endpoint=proxy.url, extra={"azure_retry_total": retries})
        return scan(options, NullProgress()), proxy


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("86400", MAX_RETRY_AFTER)])
def test_retry_after_is_honoured_within_its_bound(slept: list[float], header: str, expected: float) -> None:
    result, proxy = _scan(Fault(COMPUTES, "status", status=429, retry_after=header, times=2))
    assert result.errors == ()
    assert named(result, "cpu-open").kind == "compute"
    assert len(proxy.applied) == 2
    assert slept.count(expected) == 2


def test_throttling_without_end_gives_up_with_an_error_entry(slept: list[float]) -> None:
    result, proxy = _scan(Fault(COMPUTES, "status", status=429, retry_after="2"), retries=3)
    assert len(proxy.applied) == 1 + 3
    (error,) = result.errors
    assert error.where == f"azure/{PROD}/mlw-dev-open" and "429" in error.reason and "\n" not in error.reason
    assert named(result, "ep-churn").kind == "endpoint"  # the workspace's other collections are read
    assert all(wait <= MAX_RETRY_AFTER for wait in slept)
