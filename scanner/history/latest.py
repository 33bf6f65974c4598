"""What changed for a few resources since each finding's last verdict in any stored scan.

``mlscan watch`` records one small scan per event (one resource), while scheduled scans record whole
accounts. "New" must then mean "never failed in this store", whatever scan saw it before: so the base
of each finding is its latest earlier record in *any* scan (full, watched, or another target set), and a
finding that failed there and is absent now (the resource was deleted) is ``fixed``. The classification
is the one ``history diff`` uses (:func:`scanner.history.diff._classify`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from scanner.history import schema
from scanner.history.diff import (
    CHANGES,
    FindingChange,
    ScanDiff,
    _classify,
    _failing_since,
    _rank,
    _severity_change,
)
from scanner.history.records import FindingRecord, ScanRecord, iso
from scanner.history.store import Store, _scan_record


def diff_since_latest(store: Store, head: ScanRecord, resource_ids: Sequence[str]) -> ScanDiff:
    """Compare ``head``'s findings on ``resource_ids`` with each one's latest earlier verdict anywhere."""
    wanted = sorted({r.lower() for r in resource_ids})
    table = schema.findings
    with store.engine.connect() as connection:
        rows = connection.execute(select(table).where(func.lower(table.c.resource_id).in_(wanted))).mappings()
        records = [FindingRecord(**{k: v for k, v in row.items() if k != "id"}) for row in rows]
        scan_ids = sorted({r.scan_id for r in records} | {head.id})
        scans = {
            row["id"]: _scan_record(row)
            for row in connection.execute(
                select(schema.scans).where(schema.scans.c.id.in_(scan_ids))
            ).mappings()
        }
    key = {i: (s.started_at, s.id) for i, s in scans.items()}
    limit = key[head.id]
    order = {i: n for n, i in enumerate(sorted(scans, key=lambda i: key[i]))}
    timeline: dict[str, list[FindingRecord]] = {}
    for record in sorted(records, key=lambda r: key[r.scan_id]):
        if key[record.scan_id] <= limit:
            timeline.setdefault(record.fingerprint, []).append(record)
    started = {i: iso(s.started_at) for i, s in scans.items()}
    changes: list[FindingChange] = []
    severity_changes = []
    bases: list[int] = []
    for runs in timeline.values():
        now = next((r for r in runs if r.scan_id == head.id), None)
        before = [r for r in runs if r.scan_id != head.id]
        then = before[-1] if before else None
        if then is not None:
            bases.append(then.scan_id)
        base_index = order[then.scan_id] if then else -1
        change = _classify(now, then, before, base_index, order)
        severity_changes.extend(_severity_change(now, then))
        if change is None:
            continue
        changes.append(
            FindingChange(
                change=change,
                finding=then if change == "fixed" or now is None else now,  # type: ignore[arg-type]
                previous_status=then.status if then else None,
                first_seen=started[runs[0].scan_id],
                last_seen=started[runs[-1].scan_id],
                failing_since=_failing_since(runs, started) if now is not None and now.failing else None,
            )
        )
    changes.sort(key=lambda c: (CHANGES.index(c.change), -_rank(c.finding.severity), c.finding.policy_id))
    base = scans[max(bases, key=lambda i: key[i])] if bases else None
    head_resources = {r.resource_id for r in store.resources(head.id)}
    return ScanDiff(
        base=base,
        head=head,
        changes=tuple(changes),
        severity_changes=tuple(severity_changes),
        resources_added=tuple(sorted(head_resources - _known(records, head.id))),
        resources_removed=(),
    )


def _known(records: Sequence[FindingRecord], head_id: int) -> set[str]:
    """Resources with a finding in an earlier scan."""
    return {r.resource_id for r in records if r.scan_id != head_id}
