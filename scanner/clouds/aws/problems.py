"""Failed reads of supporting data (bucket settings, KMS keys, role policies) as error entries.

Those reads only refine a resource's facts, so their failure leaves the facts unknown rather than
failing the resource. Unknown must still say why: each failure is recorded here once (the
inspectors read each key, role and bucket once) and the scan turns it into one error entry.
"""

from __future__ import annotations

import threading

from scanner.model import ScanError

_ABSENT = frozenset({"NoSuchEntity", "NotFoundException", "NoSuchBucket"})


class Problems:
    """A thread-safe list of failed supporting reads, drained by the tasks that report errors."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[ScanError] = []

    def add(self, where: str, operation: str, subject: str, exc: BaseException) -> None:
        """Record one failed call (``GetBucketEncryption ml-artifacts: InternalFailure ...``); a thing
        that does not exist (a deleted role or key) is an answer, not a failed read."""
        response = getattr(exc, "response", None)
        code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
        if code in _ABSENT:
            return
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        with self._lock:
            self._items.append(
                ScanError(where=where, reason=f"{operation} {subject}: {text}; facts it decides are unknown")
            )

    def drain(self) -> list[ScanError]:
        """The problems recorded since the last drain."""
        with self._lock:
            items, self._items = self._items, []
        return items
