"""Diffs and trends over three real scans of a changing Terraform estate, on SQLite and PostgreSQL.

Scan 1: an insecure notebook. Scan 2: the notebook hardened, an endpoint config added. Scan 3: the
notebook back to insecure, the endpoint config gone. Every expectation is derived from the scans.
"""

from __future__ import annotations

import pytest

from scanner.history.diff import diff_scans, pick_scans
from scanner.history.store import Store
from scanner.history.trend import trend
from tests.history.estate import CONFIG_ID, NOTEBOOK_ID, at, failing, scan_document, write_estate


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    estate = tmp_path_factory.mktemp("estate")
    states = [(False, False), (True, True), (False, False)]
    return [
        at(scan_document(write_estate(estate, secure_notebook=nb, with_config=cfg)), day)
        for day, (nb, cfg) in zip((1, 2, 3), states, strict=True)
    ]


@pytest.fixture
def store(store_url, documents):
    with Store.open(store_url) as store:
        for document in documents:
            store.record(document)
        yield store


def _policies(changes) -> set[tuple[str, str]]:
    return {(c.finding.policy_id, c.finding.resource_id.rsplit(":", 1)[-1]) for c in changes}


def test_fixing_and_adding_gives_fixed_and_new(store, documents):
    first, second, _ = documents
    base, head = pick_scans(store, 1, 2)
    diff = diff_scans(store, base, head)
    fixed = failing(first, NOTEBOOK_ID) - failing(second, NOTEBOOK_ID)
    assert fixed and _policies(diff.of("fixed")) == {(p, NOTEBOOK_ID) for p in fixed}
    new = failing(second, CONFIG_ID)
    assert new and _policies(diff.of("new")) == {(p, CONFIG_ID) for p in new}
    assert [r.rsplit(":", 1)[-1] for r in diff.resources_added] == [CONFIG_ID]
    assert diff.resources_removed == ()
    assert not diff.of("regressed")


def test_failing_again_after_a_fix_is_a_regression_with_its_history(store, documents):
    first, second, third = documents
    base, head = pick_scans(store)  # the last two scans of the same targets
    assert (base.id, head.id) == (2, 3)
    diff = diff_scans(store, base, head)
    regressed = (failing(third, NOTEBOOK_ID) & failing(first, NOTEBOOK_ID)) - failing(second, NOTEBOOK_ID)
    assert regressed and _policies(diff.of("regressed")) == {(p, NOTEBOOK_ID) for p in regressed}
    for change in diff.of("regressed"):
        assert change.first_seen == "2026-11-01T00:00:00Z"
        assert change.failing_since == "2026-11-03T00:00:00Z"
        assert change.last_seen == "2026-11-03T00:00:00Z"
        assert change.previous_status == "pass"
    assert _policies(diff.of("fixed")) == {(p, CONFIG_ID) for p in failing(second, CONFIG_ID)}
    assert [r.rsplit(":", 1)[-1] for r in diff.resources_removed] == [CONFIG_ID]
    unchanged = failing(second, NOTEBOOK_ID) & failing(third, NOTEBOOK_ID)
    assert _policies(diff.of("unchanged")) == {(p, NOTEBOOK_ID) for p in unchanged}
    for change in diff.of("unchanged"):
        assert change.failing_since == "2026-11-01T00:00:00Z"


def test_json_form_lists_findings_under_new_fixed_regressed(store):
    data = diff_scans(store, *pick_scans(store)).to_dict()
    for key in ("new", "fixed", "regressed"):
        assert isinstance(data[key], list)
    assert all(
        {"policy_id", "resource_id", "severity", "first_seen", "failing_since"} <= set(f)
        for f in data["regressed"]
    )
    assert data["base"]["id"] == 2 and data["head"]["id"] == 3


def test_one_id_compares_with_the_scan_before_it_and_the_first_scan_with_nothing(store, documents):
    base, head = pick_scans(store, 1)
    assert base is None
    diff = diff_scans(store, base, head)
    assert {c.change for c in diff.changes} == {"new"}
    assert len(diff.of("new")) == sum(1 for f in documents[0]["findings"] if f["status"] == "fail")


def test_other_targets_are_not_compared(store, documents):
    other = store.record({**at(documents[1], 4), "targets": ["another-estate"]})
    base, head = pick_scans(store, other)
    assert base is None
    assert pick_scans(store, 3)[0].id == 2


def test_trend_counts_each_scan_per_severity_cloud_and_framework(store, documents):
    points = trend(store, store.scan(3))
    assert [p.scan.id for p in points] == [1, 2, 3]
    for point, document in zip(points, documents, strict=True):
        assert point.failing_by_severity == {
            s: sum(1 for f in document["findings"] if f["status"] == "fail" and f["severity"] == s)
            for s in point.failing_by_severity
        }
        assert point.failing_by_cloud == {
            "aws": sum(1 for f in document["findings"] if f["status"] == "fail")
        }
        for framework in document["compliance"]:
            assert point.frameworks[framework["id"]]["fail"] == framework["counts"]["fail"]
