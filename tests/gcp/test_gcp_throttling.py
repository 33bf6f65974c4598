"""Throttled Vertex answers (issue 11): Retry-After honoured within mlscan's bound before google-api-core's
own backoff, then a give-up error entry. The real GAPIC REST client talks to the Vertex emulator
through a fault-injecting proxy; sleeps are recorded, not slept."""

from __future__ import annotations

import pytest

from scanner.clouds.retry_after import MAX_RETRY_AFTER
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.fuzz.fault_proxy import Fault, FaultProxy
from tests.gcp.conftest import US, live_scan

ENDPOINTS = f"/v1/{US}/endpoints"


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def _scan(*faults: Fault, timeout: float = 30.0):
    with start_vertex_emulator() as emu, FaultProxy(emu.url, faults) as proxy:
        clean = live_scan(emu, locations=("us-central1",))
        result = live_scan(proxy, locations=("us-central1",), extra={"gcp_retry_timeout": timeout})
    return clean, result, proxy


@pytest.mark.parametrize(("header", "expected"), [("5", 5.0), ("86400", MAX_RETRY_AFTER)])
def test_retry_after_is_honoured_within_its_bound(slept: list[float], header: str, expected: float) -> None:
    clean, result, proxy = _scan(Fault(ENDPOINTS, "status", status=429, retry_after=header, times=2))
    assert result.errors == ()
    assert sorted(r.id for r in result.resources) == sorted(r.id for r in clean.resources)
    assert len(proxy.applied) == 2
    assert slept.count(expected) == 2


def test_throttling_without_end_gives_up_with_an_error_entry(slept: list[float]) -> None:
    clean, result, proxy = _scan(Fault(ENDPOINTS, "status", status=429, retry_after="1"), timeout=1.0)
    assert 2 <= len(proxy.applied) < 50  # retried, within the retry deadline, then given up
    (error,) = result.errors
    assert error.reason.startswith("gave up retrying") and "429" in error.reason
    assert "\n" not in error.reason
    kept = {r.id for r in clean.resources if r.kind != "endpoint"}
    assert kept <= {r.id for r in result.resources}  # the other listings are complete
