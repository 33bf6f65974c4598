"""A Vertex call whose connection stalls (issue 11) ends at the call timeout and is one error entry; the
other listings are complete. The real GAPIC REST client talks to the Vertex emulator through the
fault-injecting proxy; sleeps are recorded, not slept."""

from __future__ import annotations

import pytest

from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.fuzz.fault_proxy import Fault, FaultProxy
from tests.gcp.conftest import US, live_scan


@pytest.fixture(autouse=True)
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def test_a_stalled_listing_ends_at_the_call_timeout() -> None:
    stall = Fault(f"/v1/{US}/endpoints?", "stall", seconds=60)
    with start_vertex_emulator() as emu, FaultProxy(emu.url, [stall]) as proxy:
        clean = live_scan(emu, locations=("us-central1",))
        result = live_scan(
            proxy, locations=("us-central1",), extra={"gcp_retry_timeout": 0, "gcp_call_timeout": 1.5}
        )
    assert len(proxy.applied) == 1
    (error,) = [e for e in result.errors if e.where == "gcp/mlscan-demo/us-central1/endpoints"]
    assert "\n" not in error.reason
    assert "timed out" in error.reason.lower() or "timeout" in error.reason.lower(), error.reason
    kept = {r.id for r in clean.resources if "/endpoints/" not in r.id}
    assert kept <= {r.id for r in result.resources}
