"""How posture moved over the stored scans of one set of targets: per severity, per cloud, per framework.

Each point is one scan: failing findings by severity and by cloud, and per framework the number of
controls in each status. Reports draw these series as inline SVG charts; ``history trend`` prints them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from scanner.history.records import ScanRecord, iso
from scanner.history.store import Store
from scanner.model import PROVIDERS, Severity

CONTROL_STATUSES = ("fail", "unknown", "pass", "not_assessed")


@dataclass(frozen=True)
class TrendPoint:
    """One scan's counts."""

    scan: ScanRecord
    failing_by_severity: dict[str, int]
    failing_by_cloud: dict[str, int]
    frameworks: dict[str, dict[str, int]]
    """framework id → control status → count."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "scan_id": self.scan.id,
            "started_at": iso(self.scan.started_at),
            "failing_by_severity": self.failing_by_severity,
            "failing_by_cloud": self.failing_by_cloud,
            "frameworks": self.frameworks,
        }


def trend(store: Store, head: ScanRecord, limit: int = 30) -> list[TrendPoint]:
    """The last ``limit`` scans of ``head``'s targets up to ``head``, oldest first."""
    scans = [
        s for s in store.scans(targets=head.targets_key) if (s.started_at, s.id) <= (head.started_at, head.id)
    ][:limit]
    scans.reverse()
    ids = [s.id for s in scans]
    severities: dict[int, Counter[str]] = {i: Counter() for i in ids}
    clouds: dict[int, Counter[str]] = {i: Counter() for i in ids}
    for finding in store.findings(ids):
        if finding.failing:
            severities[finding.scan_id][finding.severity] += 1
            clouds[finding.scan_id][finding.provider] += 1
    frameworks: dict[int, dict[str, Counter[str]]] = {i: {} for i in ids}
    for control in store.controls(ids):
        frameworks[control.scan_id].setdefault(control.framework_id, Counter())[control.status] += 1
    seen_clouds = sorted({p for c in clouds.values() for p in c})
    cloud_names = [p for p in PROVIDERS if p in seen_clouds] + [p for p in seen_clouds if p not in PROVIDERS]
    return [
        TrendPoint(
            scan=scan,
            failing_by_severity={s.value: severities[scan.id].get(s.value, 0) for s in Severity},
            failing_by_cloud={p: clouds[scan.id].get(p, 0) for p in cloud_names},
            frameworks={
                fw: {status: counts.get(status, 0) for status in CONTROL_STATUSES}
                for fw, counts in sorted(frameworks[scan.id].items())
            },
        )
        for scan in scans
    ]
