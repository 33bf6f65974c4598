"""PRADA (Juuti et al., EuroS&P 2019): is the distribution of a client's query distances normal?

Per client and predicted class, a growing set G_c: each new query's minimum distance to G_c joins
the distance set D; the query joins G_c when that distance exceeds the class's running threshold
(mean − std of its distances). Natural queries give roughly normal distances; synthetic extraction
queries do not. Statistic: Shapiro–Wilk W over D once it holds more than :data:`MIN_DISTANCES`
values. The alarm threshold δ is calibrated on the endpoint's own traffic: W of client-mixed streams
drawn from the calibration sample, checked as often as a client is, δ = the lowest W any of them
reached minus a margin, never above the paper's 0.9. Exact repeats of a growing-set member are skipped.

Its alerts are ``medium``, a lead rather than a gate (below the default ``--fail-on high``): δ is the
lowest of :data:`SIMULATIONS` simulated benign streams, so by construction about one benign stream in
SIMULATIONS + 1 falls below it, and the normality the test assumes does not hold for tabular query
distances (the paper's fixed δ = 0.9 alarms on about a third of benign clients in bench/queries_bench.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import shapiro

from scanner.queries.calibration import Calibration
from scanner.queries.detectors.base import Chunk, Finding, Recent
from scanner.queries.detectors.buffer import Ring

MIN_DISTANCES = 100
REFERENCE_DELTA = 0.9
MARGIN = 0.02
GROWING_SET = 1000
MAX_DISTANCES = 3000
CHECK_EVERY = 10
SIMULATIONS = 24


class Prada:
    """Per-client PRADA."""

    name = "prada"

    def __init__(self) -> None:
        self.delta: float | None = None
        self.dimension = 0

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        """δ below the lowest W that client-mixed benign-like streams reach at any check."""
        self.dimension = calibration.dimension
        x = calibration.sample
        if len(x) < 2 * MIN_DISTANCES:
            self.delta = None
            return {"calibrated": False, "reason": f"{len(x)} calibration queries"}
        rng = np.random.default_rng(0)
        length = min(len(x), 3 * MIN_DISTANCES)
        lowest = []
        for _ in range(SIMULATIONS):
            state = _State(0.0, self.dimension)
            values = []
            for row in x[rng.choice(len(x), length, replace=False)]:
                grew = state.update(None, row) is not None
                if grew and len(state.distances) > MIN_DISTANCES and len(state.distances) % CHECK_EVERY == 0:
                    values.append(state.w())
            values = [v for v in values if v is not None]
            if values:
                lowest.append(min(values))
        self.delta = min(REFERENCE_DELTA, min(lowest) - MARGIN) if lowest else REFERENCE_DELTA
        return {
            "calibrated": True,
            "delta": self.delta,
            "simulated_lowest_w": round(min(lowest, default=0), 4),
        }

    def stream(self, client: str | None) -> _State | None:
        """A fresh per-client state (None when the endpoint could not be calibrated)."""
        return None if self.delta is None else _State(self.delta, self.dimension)


class _State:
    def __init__(self, delta: float, dimension: int) -> None:
        self.delta = delta
        self.dimension = dimension
        self.sets: dict[str | None, Ring] = {}
        self.class_distances: dict[str | None, list[float]] = {}
        self.thresholds: dict[str | None, float] = {}
        self.distances: list[float] = []
        self.recent = Recent()
        self.seen = 0

    def update(self, label: str | None, z: np.ndarray) -> float | None:
        ring = self.sets.get(label)
        if ring is None:
            ring = self.sets[label] = Ring(self.dimension, GROWING_SET)
            ring.add(z)
            self.class_distances[label] = []
            self.thresholds[label] = 0.0
            return None
        distance = float(ring.distances(z).min())
        if distance == 0.0:
            return None  # an exact repeat of a query in the growing set: a retry, not a new point
        own = self.class_distances[label]
        own.append(distance)
        self.distances.append(distance)
        if len(self.distances) > 2 * MAX_DISTANCES:
            del self.distances[:MAX_DISTANCES]
        if len(own) > 2 * MAX_DISTANCES:
            del own[:MAX_DISTANCES]
        if distance > self.thresholds[label]:
            ring.add(z)
            values = np.asarray(own[-MAX_DISTANCES:])
            self.thresholds[label] = max(self.thresholds[label], float(values.mean() - values.std()))
        return distance

    def w(self) -> float | None:
        if len(self.distances) <= MIN_DISTANCES or np.ptp(self.distances) == 0:
            return None
        return float(shapiro(np.asarray(self.distances[-MAX_DISTANCES:])).statistic)

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        for i in range(len(chunk)):
            finding = self._one(chunk, i)
            if finding is not None:
                return i, finding
        return None

    def _one(self, chunk: Chunk, i: int) -> Finding | None:
        distance = self.update(chunk.labels[i], chunk.z[i])
        if distance is None:
            return None
        self.seen += 1
        self.recent.add(chunk, i, distance=round(distance, 6))
        if len(self.distances) <= MIN_DISTANCES or self.seen % CHECK_EVERY:
            return None
        w = self.w()
        if w is None or w >= self.delta:
            return None
        return Finding(
            attack="extraction",
            score=w,
            threshold=self.delta,
            severity="medium",
            evidence={
                "statistic": "Shapiro-Wilk W of minimum distances to the per-class growing sets (alarm below)",
                "w": round(w, 4),
                "delta": round(self.delta, 4),
                "distances": len(self.distances),
                "classes": len(self.sets),
                "queries": list(self.recent.items),
            },
        )
