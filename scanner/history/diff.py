"""What changed between two scans of the same targets, per finding and per resource.

Per finding (by fingerprint): ``new`` (fails now and never failed before), ``regressed`` (fails now, did
not at the last known verdict, but failed at some earlier scan), ``fixed`` (failed, now passes or is
gone), ``unchanged`` (failed and still fails), ``now_unknown`` (failed, and now could not be read: not a
fix), plus severity changes and resources added or removed. Each finding carries ``first_seen``,
``last_seen`` and ``failing_since`` (the first failure after its last pass) over the targets' history.
History tracks the policy's verdict; a suppressed failure still counts as failing here and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.history.records import FindingRecord, ScanRecord, iso
from scanner.history.store import Store, StoreError
from scanner.model import Severity

VERDICTS = ("pass", "fail")
CHANGES = ("new", "regressed", "fixed", "unchanged", "now_unknown")


@dataclass(frozen=True)
class FindingChange:
    """One finding's place in the diff, with its history over the targets' scans."""

    change: str
    """One of :data:`CHANGES`."""
    finding: FindingRecord
    """The finding in the newer scan (or, for ``fixed``, in the older one)."""
    previous_status: str | None
    first_seen: str
    last_seen: str
    failing_since: str | None

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON contract has it, plus its history fields."""
        return {
            **dict(self.finding.document),
            "fingerprint": self.finding.fingerprint,
            "change": self.change,
            "previous_status": self.previous_status,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "failing_since": self.failing_since,
        }


@dataclass(frozen=True)
class ScanDiff:
    """The difference between ``base`` (older; None for the first scan) and ``head`` (newer)."""

    base: ScanRecord | None
    head: ScanRecord
    changes: tuple[FindingChange, ...]
    severity_changes: tuple[Mapping[str, Any], ...]
    resources_added: tuple[str, ...]
    resources_removed: tuple[str, ...]

    def of(self, change: str) -> list[FindingChange]:
        """The findings with this change, worst severity first."""
        return [c for c in self.changes if c.change == change]

    def summary(self) -> dict[str, Any]:
        """The compact form reports show as "since the last scan": counts, and the changed findings'
        policy, resource, severity and history (no evidence), unchanged ones only counted."""
        keep = ("policy_id", "title", "severity", "status", "resource_id", "resource_name", "provider")
        return {
            "base": self.base.to_dict() if self.base else None,
            "head": self.head.to_dict(),
            "counts": {change: len(self.of(change)) for change in CHANGES},
            **{
                change: [
                    {
                        **{k: c.finding.document.get(k) for k in keep},
                        "first_seen": c.first_seen,
                        "failing_since": c.failing_since,
                    }
                    for c in self.of(change)
                ]
                for change in CHANGES
                if change != "unchanged"
            },
            "severity_changes": [dict(s) for s in self.severity_changes],
            "resources_added": list(self.resources_added),
            "resources_removed": list(self.resources_removed),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``new``, ``fixed``, ``regressed``, ``unchanged``, ``now_unknown`` are lists of findings."""
        return {
            "base": self.base.to_dict() if self.base else None,
            "head": self.head.to_dict(),
            **{change: [c.to_dict() for c in self.of(change)] for change in CHANGES},
            "severity_changes": [dict(s) for s in self.severity_changes],
            "resources_added": list(self.resources_added),
            "resources_removed": list(self.resources_removed),
        }


def pick_scans(
    store: Store, first: int | None = None, second: int | None = None
) -> tuple[ScanRecord | None, ScanRecord]:
    """(base, head): two ids as given (older first); one id and the scan of its targets before it;
    none: the newest scan and the one before it of the same targets."""
    if first is not None and second is not None:
        a, b = store.scan(first), store.scan(second)
        return (a, b) if (a.started_at, a.id) <= (b.started_at, b.id) else (b, a)
    if first is not None:
        head = store.scan(first)
    else:
        newest = store.scans(limit=1)
        if not newest:
            raise StoreError(store.name, "the store holds no scan yet (record one with --store)")
        head = newest[0]
    return previous_scan(store, head), head


def previous_scan(store: Store, head: ScanRecord) -> ScanRecord | None:
    """The last scan of the same targets before ``head``."""
    earlier = [s for s in _history(store, head) if s.id != head.id]
    return earlier[-1] if earlier else None


def diff_scans(store: Store, base: ScanRecord | None, head: ScanRecord) -> ScanDiff:
    """Compare ``base`` with ``head`` over the history of ``head``'s targets up to ``head``."""
    history = _history(store, head)
    if base is not None and base.id not in {s.id for s in history}:
        history = sorted([*history, base], key=lambda s: (s.started_at, s.id))
    order = {s.id: i for i, s in enumerate(history)}
    records = store.findings([s.id for s in history])
    timeline: dict[str, list[FindingRecord]] = {}
    for record in sorted(records, key=lambda r: order[r.scan_id]):
        timeline.setdefault(record.fingerprint, []).append(record)
    started = {s.id: iso(s.started_at) for s in history}
    head_index = order[head.id]
    base_index = order[base.id] if base else -1

    changes: list[FindingChange] = []
    severity_changes: list[dict[str, Any]] = []
    for runs in timeline.values():
        upto = [r for r in runs if order[r.scan_id] <= head_index]
        now = next((r for r in upto if r.scan_id == head.id), None)
        then = next((r for r in upto if base and r.scan_id == base.id), None)
        change = _classify(now, then, [r for r in upto if order[r.scan_id] < head_index], base_index, order)
        severity_changes.extend(_severity_change(now, then))
        if change is None:
            continue
        changes.append(
            FindingChange(
                change=change,
                finding=then if change == "fixed" or now is None else now,
                previous_status=then.status if then else None,
                first_seen=started[upto[0].scan_id],
                last_seen=started[upto[-1].scan_id],
                failing_since=_failing_since(upto, started) if now is not None and now.failing else None,
            )
        )
    changes.sort(key=lambda c: (CHANGES.index(c.change), -_rank(c.finding.severity), c.finding.policy_id))
    head_resources = {r.resource_id for r in store.resources(head.id)}
    base_resources = {r.resource_id for r in store.resources(base.id)} if base else set()
    return ScanDiff(
        base=base,
        head=head,
        changes=tuple(changes),
        severity_changes=tuple(severity_changes),
        resources_added=tuple(sorted(head_resources - base_resources)),
        resources_removed=tuple(sorted(base_resources - head_resources)),
    )


def _history(store: Store, head: ScanRecord) -> list[ScanRecord]:
    """Scans of ``head``'s targets up to and including ``head``, oldest first."""
    scans = [
        s for s in store.scans(targets=head.targets_key) if (s.started_at, s.id) <= (head.started_at, head.id)
    ]
    return sorted(scans, key=lambda s: (s.started_at, s.id))


def _classify(
    now: FindingRecord | None,
    then: FindingRecord | None,
    before: Sequence[FindingRecord],
    base_index: int,
    order: Mapping[int, int],
) -> str | None:
    if now is not None and now.failing:
        if then is not None and then.failing:
            return "unchanged"
        known = [r.status for r in before if r.status in VERDICTS and order[r.scan_id] <= base_index]
        if then is not None and then.status not in VERDICTS and known and known[-1] == "fail":
            return "unchanged"  # failed, then could not be read, fails: never fixed in between
        return "regressed" if any(r.failing for r in before) else "new"
    if then is not None and then.failing:
        if now is None or now.status == "pass":
            return "fixed"
        return "now_unknown"
    return None


def _severity_change(now: FindingRecord | None, then: FindingRecord | None) -> list[dict[str, Any]]:
    """The one severity change between two verdicts of a finding (policy severity edited), or none."""
    if now is None or then is None or now.severity == then.severity:
        return []
    return [
        {
            "fingerprint": now.fingerprint,
            "policy_id": now.policy_id,
            "resource_id": now.resource_id,
            "from": then.severity,
            "to": now.severity,
        }
    ]


def _failing_since(runs: Sequence[FindingRecord], started: Mapping[int, str]) -> str:
    """When the current failure began: the first fail after the last pass (unknowns do not break it)."""
    since = runs[-1]
    for record in reversed(runs):
        if record.status == "pass":
            break
        if record.failing:
            since = record
    return started[since.scan_id]


def _rank(severity: str) -> int:
    try:
        return Severity(severity).rank
    except ValueError:
        return -1
