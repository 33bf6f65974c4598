"""Re-read, judge, store and alert for each changed resource: the body of ``mlscan watch``.

One event, one small scan: the named resource is read read-only (``scanner/clouds/*/single.py``), the
policies run over it, and :func:`scanner.app.finish` records it in the history store (compared with
each finding's latest verdict in *any* scan, so a failure a nightly scan already knew is not "new") and
sends the alerts. A resource that is gone is recorded as an empty scan of it (its failures become
``fixed``); a resource that could not be read is *not* recorded (that would look like a fix) and the
event is reported as failed, so the queue redelivers it. Deliveries already handled (same event id)
are skipped; the same resource named twice in one batch is read once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.alerts.model import AlertOptions
from scanner.app import OutputOptions, finish
from scanner.clouds.base import LiveOptions, SourceResult
from scanner.model import ScanError
from scanner.pipeline import run_scan
from scanner.policy.model import PolicySet
from scanner.watch.events import Change, coalesce

SEEN_LIMIT = 10_000
"""Event ids remembered for duplicate detection (redeliveries come within minutes, not days)."""


@dataclass(frozen=True)
class WatchConfig:
    """What every event's scan uses."""

    store: str
    policy_set: PolicySet
    live: LiveOptions
    alerts: AlertOptions = AlertOptions()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    frameworks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """What one change led to."""

    change: Change
    stored: bool
    """True when the verdict is in the store (the delivery may be acknowledged)."""
    scan_id: int | None = None
    target: str = ""
    resources: int = 0
    failing: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)
    """new / regressed / fixed / unchanged / now_unknown against each finding's latest verdict."""
    skipped: str | None = None
    """Why nothing was read (``duplicate``)."""
    errors: tuple[ScanError, ...] = ()
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the watch log."""
        what = f"{self.change.provider} {self.change.event_type or 'event'} {self.target or self.change.key}"
        if self.skipped:
            return f"watch: {what}: skipped ({self.skipped})"
        if not self.stored:
            reasons = "; ".join(f"{e.where}: {e.reason}" for e in self.errors) or "not stored"
            return f"watch: {what}: NOT stored, will be redelivered: {reasons}"
        changes = ", ".join(f"{v} {k}" for k, v in self.counts.items() if v and k != "unchanged")
        return f"watch: {what}: scan {self.scan_id}, {self.resources} resource(s), {self.failing} failing" + (
            f" ({changes})" if changes else ""
        )


class Watcher:
    """Handles batches of changes one at a time (a lock), so verdicts are stored in delivery order."""

    def __init__(
        self,
        config: WatchConfig,
        readers: Mapping[str, Any] | None = None,
        on_verdict: Callable[[Verdict], None] | None = None,
    ) -> None:
        self.config = config
        self._on_verdict = on_verdict
        self._readers: dict[str, Any] = dict(readers or {})
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def handle(self, changes: Iterable[Change]) -> list[Verdict]:
        """Re-read, judge and store each changed resource; one verdict per change given."""
        with self._lock:
            changes = list(changes)
            fresh = [c for c in changes if not self._is_duplicate(c)]
            verdicts = {c.identity: self._one(c) for c in coalesce(fresh)}
            out = []
            for change in changes:
                if change not in fresh:
                    out.append(Verdict(change, stored=True, skipped="duplicate"))
                else:
                    out.append(verdicts[change.identity])
            for change in fresh:
                if verdicts[change.identity].stored and change.event_id:
                    self._remember(f"{change.provider}:{change.event_id}")
        if self._on_verdict is not None:
            for verdict in out:
                self._on_verdict(verdict)
        return out

    def _is_duplicate(self, change: Change) -> bool:
        return bool(change.event_id) and f"{change.provider}:{change.event_id}" in self._seen

    def _remember(self, event_id: str) -> None:
        self._seen[event_id] = None
        while len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)

    def _one(self, change: Change) -> Verdict:
        source, target = self._read(change)
        if source.errors and not source.resources:
            return Verdict(change, stored=False, target=target, errors=source.errors)
        result = run_scan(
            [source],
            self.config.policy_set,
            parameters=self.config.parameters,
            command="watch",
            targets=(source.resources[0].id if len(source.resources) == 1 else target,),
        )
        options = OutputOptions(
            formats=(),
            output=None,
            output_dir=None,
            fail_on="never",
            quiet=True,
            frameworks=self.config.frameworks,
            store=self.config.store,
            history_compare="resources",
            alerts=self.config.alerts,
        )
        finished = finish(result, options)
        if finished.input_error is not None:
            error = ScanError(finished.input_error.where, finished.input_error.reason, stage="output")
            return Verdict(change, stored=False, target=target, errors=(error,))
        history = finished.result.extras.get("history") or {}
        since = history.get("since_last") or {}
        return Verdict(
            change,
            stored=True,
            scan_id=history.get("scan_id"),
            target=result.targets[0],
            resources=len(result.resources),
            failing=sum(f.status.value == "fail" for f in result.findings),
            counts=dict(since.get("counts") or {}),
            errors=tuple(finished.result.errors),
            notes=tuple(finished.notes),
        )

    def _read(self, change: Change) -> tuple[SourceResult, str]:
        """Re-read the resource the change names; (what was read, the history target)."""
        if change.provider == "aws":
            from scanner.clouds.aws.single import SingleReader, arn_of

            reader = self._reader("aws", lambda: SingleReader(self.config.live))
            kind, _, name = change.key.partition("/")
            region = change.region or "us-east-1"
            source = reader.read(change.account, region, kind, name)
            return source, arn_of(change.account or "", region, kind, name)
        if change.provider == "azure":
            from scanner.clouds.azure.single import read_one, target_id

            return read_one(self.config.live, change.key), target_id(change.key) or change.key
        from scanner.clouds.gcp.single import SingleReader as GcpReader
        from scanner.clouds.gcp.single import resource_name

        reader = self._reader("gcp", lambda: GcpReader(self.config.live))
        return reader.read(change.key), resource_name(change.key) or change.key

    def _reader(self, provider: str, make: Any) -> Any:
        if provider not in self._readers:
            self._readers[provider] = make()
        return self._readers[provider]


def all_stored(verdicts: Sequence[Verdict]) -> bool:
    """True when every change's verdict is stored (or it was a duplicate): the delivery can be acknowledged."""
    return all(v.stored for v in verdicts)
