"""Fuzz family cloud_gcp: ``mlscan scan --cloud gcp`` against the Vertex emulator through the fault proxy.

Any Vertex AI REST request (endpoints, models, custom jobs, training pipelines, the other
collections, their follow-up reads) may answer 500/503, 429 (with or without ``Retry-After``),
403 (a denied project), a truncated, HTML or empty body, a field of the wrong type, the same
``nextPageToken`` forever, or stall past the call timeout. The invariants are
:func:`cloud_harness.check`'s; a failed listing covers its collection in the location, an
object that could not be built is named by its own error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cloud_harness import Estate, check, faults, run_scan
from fault_proxy import FaultProxy
from fuzz_harness import budget, count
from hypothesis import given
from hypothesis import strategies as st

from scanner.clouds.gcp.types import WORKBENCH
from tests.test_no_secret_in_outputs import SEEDED

SECRETS = SEEDED["data/vertex_estate.json"]


def _args(url: str, projects: dict[str, Any]) -> list[str]:
    locations = sorted({loc for project in projects.values() for loc in project["locations"]})
    args = ["--cloud", "gcp", "--gcp-endpoint", url, "--locations", ",".join(locations), "--max-workers", "4"]
    for project in sorted(projects):
        args += ["--project", project]
    return [*args, "-q"]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """The seeded Vertex estate (every seeded Vertex secret in it) and its clean scan."""
    from scanner.sandbox.vertex_emulator import default_estate_path, start_vertex_emulator

    projects = json.loads(default_estate_path().read_text(encoding="utf-8"))["projects"]
    with start_vertex_emulator() as emulator:
        with FaultProxy(emulator.url, record_fields=True) as proxy:
            out = tmp_path_factory.mktemp("gcp-baseline")
            baseline = run_scan(_args(proxy.url, projects), out, baseline=True)
        assert baseline.resources and not baseline.errors, baseline.errors
        fields = sorted(f for f in proxy.fields or () if f != "nextPageToken")
        yield Estate(emulator.url, baseline, proxy.seen, fields, args=lambda url: _args(url, projects))


def _matches(key: str) -> list[str]:
    """The collection (``/endpoints``), the request path, or the whole request."""
    path = key.split(" ")[1].split("?")[0]
    return [f"/{path.rstrip('/').rsplit('/', 1)[-1]}", f"{path}?", key]


def covers(error: dict[str, Any], resource: dict[str, Any]) -> bool:
    """Whether an error entry accounts for ``resource`` being absent."""
    where, rid = error["where"], resource["id"]
    if where in ("gcp", rid):
        return True
    parts = where.split("/")
    if len(parts) != 4 or parts[0] != "gcp" or not rid.startswith(f"projects/{parts[1]}/"):
        return False
    if parts[3] == WORKBENCH:  # Workbench instances are listed per region and named by zone
        return rid.startswith(f"projects/{parts[1]}/locations/{parts[2]}-") and "/instances/" in rid
    return parts[2] == "global" or f"/locations/{parts[2]}/{parts[3]}/" in f"{rid}/"


@given(data=st.data())
@budget(4, shrink=False)
def test_cloud_gcp(estate: Estate, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    count("cloud_gcp")
    drawn = data.draw(faults(estate.keys, estate.fields, _matches), label="faults")
    with FaultProxy(estate.url, drawn) as proxy:
        outcome = run_scan(estate.args(proxy.url), tmp_path_factory.mktemp("gcp"))
    check(outcome, estate.baseline, proxy, covers, SECRETS, retries=0)
