"""ARM answers that fail or stall (issue 11): an error entry naming what was lost, never a silent unknown
or a pass. The real SDK talks to the ARM emulator through the fault-injecting proxy; sleeps are
recorded, not slept."""

from __future__ import annotations

import pytest
from azure_helpers import PROD, named

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.sandbox.arm_emulator import start_arm_emulator
from tests.fuzz.fault_proxy import Fault, FaultProxy

WORKSPACE = f"azure/{PROD}/mlw-dev-open"


@pytest.fixture(autouse=True)
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def _scan(*faults: Fault, **extra: float):
    with start_arm_emulator() as emu, FaultProxy(emu.url, faults) as proxy:
        options = LiveOptions(azure_endpoint=proxy.url, extra={"azure_retry_total": 1, **extra})
        return scan(options, NullProgress()), proxy


def test_an_unreadable_storage_part_is_an_error_entry_and_its_facts_unknown() -> None:
    clean, _ = _scan()
    result, proxy = _scan(
        Fault("/blobServices/default/providers/Microsoft.Insights/diagnosticSettings?", "status", status=500)
    )
    assert proxy.applied
    reasons = [e.reason for e in result.errors]
    assert reasons and all("diagnosticSettings" in r and "facts it decides are unknown" in r for r in reasons)
    assert {r.id for r in result.resources} == {r.id for r in clean.resources}  # nothing lost
    before = {r.id: r.facts for r in clean.resources}
    changed = [(r, k) for r in result.resources for k, v in r.facts.items() if v != before[r.id].get(k)]
    assert changed and all(r.facts[k] is None for r, k in changed)  # what changed became unknown


def test_a_job_whose_compute_could_not_be_listed_has_an_unknown_identity() -> None:
    clean, _ = _scan()
    result, _ = _scan(Fault("/workspaces/mlw-dev-open/computes?", "html"))
    assert any(e.where == WORKSPACE and e.reason.startswith("computes:") for e in result.errors)
    assert named(clean, "train-churn").facts["identity.overprivileged"] is True
    assert named(result, "train-churn").facts["identity.overprivileged"] is None  # unknown, not a pass


def test_a_stalled_listing_ends_at_the_read_timeout() -> None:
    stall = Fault("/workspaces/mlw-dev-open/computes?", "stall", seconds=60)
    result, proxy = _scan(stall, azure_read_timeout=0.5)
    assert len(proxy.applied) == 1 + 1  # the first attempt and one retry, each ended by the read timeout
    (error,) = result.errors
    assert error.where == WORKSPACE and error.reason.startswith("computes:") and "\n" not in error.reason
    assert named(result, "ep-churn").kind == "endpoint"  # the workspace's other collections are read
