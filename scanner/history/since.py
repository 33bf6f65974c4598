"""Record a finished scan and say what changed since the last scan of the same targets.

This is what ``--store`` does at the end of ``mlscan iac``/``scan``/``demo``: one transaction writes
the scan, then the diff against the previous scan and the trend are read back for the report's
"since the last scan" section and charts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scanner.history.diff import diff_scans, previous_scan
from scanner.history.latest import diff_since_latest
from scanner.history.location import default_store_url
from scanner.history.store import Store
from scanner.history.trend import trend

TREND_SCANS = 30


def resolve_store_url(url: str) -> str:
    """``default`` means the documented per-user location (or ``$MLSCAN_STORE``); anything else as given."""
    return default_store_url() if url == "default" else url


def record_and_compare(
    url: str,
    document: Mapping[str, Any],
    compare: str = "targets",
    key_targets: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Store ``document`` (the JSON contract with compliance) and return the history section for reports.

    ``compare``: ``targets`` diffs against the previous scan of the same targets (``iac``, ``scan``);
    ``resources`` against each finding's latest verdict in any scan, for the document's targets taken as
    resource ids (``watch``: one event, one resource).
    """
    with Store.open(resolve_store_url(url)) as store:
        scan_id = store.record(document, key_targets)
        head = store.scan(scan_id)
        if compare == "resources":
            ids = [*document.get("targets", ()), *(r["id"] for r in document.get("resources", ()))]
            diff = diff_since_latest(store, head, ids)
        else:
            diff = diff_scans(store, previous_scan(store, head), head)
        points = trend(store, head, TREND_SCANS)
        name = store.name
    return {
        "store": name,
        "scan_id": scan_id,
        "since_last": diff.summary(),
        "trend": [p.to_dict() for p in points],
    }


def describe(section: Mapping[str, Any]) -> str:
    """One line for standard error: where the scan went and what changed since the previous one."""
    since = section["since_last"]
    recorded = f"history: recorded scan {section['scan_id']} in {section['store']}"
    if since["base"] is None:
        return f"{recorded} (the first scan of these targets)"
    counts = since["counts"]
    changes = ", ".join(
        f"{counts[k]} {k.replace('_', ' ')}" for k in ("new", "regressed", "fixed", "now_unknown")
    )
    return f"{recorded}; since scan {since['base']['id']}: {changes}"
