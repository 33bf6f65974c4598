"""Volume per client relative to the endpoint's other clients (kept apart: batch scoring is legitimate).

Statistic: the client's query count. Threshold: the median client's count in log space plus
:data:`SPREAD` robust deviations (MAD, floored at a factor of two), never below :data:`MIN_COUNT`.
The alert is ``low``: it says who to look at, not that they attack; the other detectors decide that.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from scanner.queries.calibration import Calibration
from scanner.queries.detectors.base import Chunk, Finding

SPREAD = 5.0
MIN_CLIENTS = 5
MIN_COUNT = 1000


class Volume:
    """Per-client volume against the endpoint's clients."""

    name = "volume"

    def __init__(self) -> None:
        self.threshold: int | None = None
        self.median = 0.0
        self.total = 0
        self.counts: dict[str | None, int] = {}

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        """Threshold from the per-client counts of pass one."""
        self.counts = {c: n for c, n in calibration.client_counts.items() if c is not None}
        self.total = sum(calibration.client_counts.values())
        if len(self.counts) < MIN_CLIENTS:
            self.threshold = None
            return {"calibrated": False, "reason": f"{len(self.counts)} clients with identity"}
        logs = np.log(np.asarray(list(self.counts.values()), dtype=np.float64))
        center = float(np.median(logs))
        mad = max(float(np.median(np.abs(logs - center))) * 1.4826, math.log(2))
        self.median = math.exp(center)
        self.threshold = max(MIN_COUNT, math.ceil(math.exp(center + SPREAD * mad)))
        return {"calibrated": True, "threshold": self.threshold, "median_client_queries": self.median}

    def stream(self, client: str | None) -> _State | None:
        """A fresh per-client state."""
        return None if self.threshold is None or client is None else _State(self, client)


class _State:
    def __init__(self, detector: Volume, client: str) -> None:
        self.detector = detector
        self.client = client

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        threshold = self.detector.threshold
        hit = np.flatnonzero(chunk.positions == threshold) if threshold is not None else []
        if not len(hit):
            return None
        return int(hit[0]), self._finding(int(threshold))

    def _finding(self, index: int) -> Finding:
        threshold = index
        total = self.detector.counts.get(self.client, index)
        return Finding(
            attack="volume",
            score=float(total),
            threshold=float(threshold),
            severity="low",
            evidence={
                "statistic": "queries from this client (alert raised at the threshold-th query)",
                "client_queries": total,
                "median_client_queries": round(self.detector.median, 1),
                "share_of_endpoint": round(total / max(self.detector.total, 1), 4),
                "note": "batch scoring is legitimate; the other detectors judge what was asked",
            },
        )
