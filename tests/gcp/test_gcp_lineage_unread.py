"""A failed custom-job listing leaves an endpoint's lineage storage unknown, never better than it is.

Found by the cloud_gcp fuzz family: with ``customJobs`` answering 500, a served model's training job
(and the bucket it names) dropped out of the lineage join, and an endpoint whose job output is public
and Google-key encrypted passed MLS-ENC-009 and MLS-EXP-006. The real GAPIC REST client talks to the
Vertex emulator through the fault proxy; sleeps are recorded, not slept.
"""

from __future__ import annotations

from typing import Any

import pytest

from scanner.privacy.risk import join_served_privacy
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.fuzz.fault_proxy import Fault, FaultProxy
from tests.gcp.conftest import live_scan


@pytest.fixture(autouse=True)
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def _endpoint_storage(result: Any) -> dict[str, tuple[Any, Any]]:
    joined, _ = join_served_privacy(list(result.resources))
    return {
        r.id: (r.facts.get("artifacts.public"), r.facts.get("artifacts.cmk"))
        for r in joined
        if r.kind == "endpoint" and "artifacts.locations" in r.facts
    }


def test_endpoint_storage_is_unknown_when_the_jobs_behind_it_cannot_be_listed() -> None:
    with start_vertex_emulator() as emu, FaultProxy(emu.url, [Fault("/customJobs", "status", 500)]) as proxy:
        clean = _endpoint_storage(live_scan(emu))
        faulted_result = live_scan(proxy)
    assert any(e.where.endswith("/customJobs") for e in faulted_result.errors)
    faulted = _endpoint_storage(faulted_result)
    assert faulted.keys() == clean.keys()
    for endpoint, (public, cmk) in faulted.items():
        clean_public, clean_cmk = clean[endpoint]
        assert public in (clean_public, None) and not (public is False and clean_public is not False), (
            endpoint
        )
        assert cmk in (clean_cmk, None) and not (cmk is True and clean_cmk is not True), endpoint
    # the estate has an endpoint whose job output decided its verdict: it is now unknown, not a pass
    decided_by_job = [e for e, (public, cmk) in faulted.items() if (public, cmk) != clean[e]]
    assert decided_by_job and all(faulted[e] == (None, None) for e in decided_by_job)
