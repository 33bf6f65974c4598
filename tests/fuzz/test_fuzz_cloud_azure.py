"""Fuzz family cloud_azure: ``mlscan scan --cloud azure`` against the ARM emulator through the fault proxy.

Any ARM request (subscriptions, workspaces, computes, online endpoints and deployments, jobs,
models, datastores, registries, role assignments, storage accounts) may answer 500/503, 429
(with or without ``Retry-After``), 403 (a denied subscription), a truncated, HTML or empty body,
a field of the wrong type, the same ``nextLink`` forever, or stall past the read timeout. The
invariants are :func:`cloud_harness.check`'s; a failed subscription listing covers everything,
a failed workspace listing its subscription, a failed collection its kind in the workspace.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cloud_harness import EXTRAS, Estate, check, faults, run_scan
from fault_proxy import FaultProxy
from fuzz_harness import budget, count
from hypothesis import given
from hypothesis import strategies as st

from tests.test_no_secret_in_outputs import SEEDED

SECRETS = SEEDED["data/azure_estate.json"]
CHILDREN = {
    "computes": "/computes/",
    "online endpoints": "/onlineendpoints/",
    "jobs": "/jobs/",
    "datastores": "/datastores/",
}
"""A workspace collection's error subject → the part of the ARM ids it lists."""


def _args(url: str) -> list[str]:
    return ["--cloud", "azure", "--azure-endpoint", url, "--max-workers", "4", "-q"]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """The seeded ARM estate (every seeded Azure secret in it) and its clean scan."""
    from scanner.sandbox.arm_emulator import start_arm_emulator

    with start_arm_emulator() as emulator:
        with FaultProxy(emulator.url, record_fields=True) as proxy:
            baseline = run_scan(_args(proxy.url), tmp_path_factory.mktemp("azure-baseline"), baseline=True)
        assert baseline.resources and not baseline.errors, baseline.errors
        fields = sorted(f for f in proxy.fields or () if f not in ("value", "nextLink"))
        yield Estate(emulator.url, baseline, tuple(dict.fromkeys(proxy.seen)), tuple(fields))


def _matches(key: str) -> list[str]:
    """The collection (``/computes``), the resource path, or the whole request."""
    path = key.split(" ")[1].split("?")[0]
    parts = path.rstrip("/").split("/")
    return [f"/{parts[-1]}", f"{path}?", key]


def covers(error: dict[str, Any], resource: dict[str, Any]) -> bool:
    """Whether an error entry accounts for ``resource`` being absent."""
    where, reason = error["where"], error["reason"]
    if where == "azure":
        return True
    rid = resource["id"].lower() + "/"
    parts = where.split("/")
    if len(parts) < 2 or f"/subscriptions/{parts[1].lower()}/" not in rid:
        return False
    what = reason.split(":", 1)[0]
    if len(parts) == 2:
        return what == "listing workspaces" or (what == "listing registries" and "/registries/" in rid)
    if f"/workspaces/{parts[2].lower()}/" not in rid:
        return False
    if what == "reading workspace":
        return True
    if what in CHILDREN:  # models are read through the endpoints' deployments that serve them
        return CHILDREN[what] in rid or (what == "online endpoints" and "/models/" in rid)
    return what.startswith("model ") and "/models/" in rid


@given(data=st.data())
@budget(4, shrink=False)
def test_cloud_azure(estate: Estate, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    count("cloud_azure")
    drawn = data.draw(faults(estate.keys, estate.fields, _matches), label="faults")
    with FaultProxy(estate.url, drawn) as proxy:
        outcome = run_scan(_args(proxy.url), tmp_path_factory.mktemp("azure"))
    check(outcome, estate.baseline, proxy, covers, SECRETS, retries=EXTRAS["azure_retry_total"])
