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

from collections.abc import Iterator
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
BLOCK_VALUES = 1 << 18
"""Differences per block when a chunk's distances to a growing set are computed at once."""


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
            rows = x[rng.choice(len(x), length, replace=False)]
            for _ in state.feed([None] * len(rows), rows):
                if len(state.distances) > MIN_DISTANCES and len(state.distances) % CHECK_EVERY == 0:
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


def _shapiro_w(values: np.ndarray) -> float:
    """Shapiro–Wilk W without scipy's axis / NaN-policy wrapper (~75 µs of its ~80 µs on 1,000
    values; PRADA asks for W every CHECK_EVERY queries). The wrapped function is the same code on a
    1-D finite array; ``functools.wraps`` exposes it as ``__wrapped__``."""
    return float(_SHAPIRO(values).statistic)


_SHAPIRO = getattr(shapiro, "__wrapped__", shapiro)


def _min_distances(z: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """Each row of ``z``'s minimum Euclidean distance to ``stored``, in blocks of about
    :data:`BLOCK_VALUES` differences, with :meth:`Ring.distances`' arithmetic (a row's differences
    summed by one einsum), so every distance is the one the row-at-a-time loop computed."""
    out = np.empty(len(z))
    d = z.shape[1]
    step = max(1, BLOCK_VALUES // max(1, len(stored) * d))
    for start in range(0, len(z), step):
        part = z[start : start + step]
        diff = (stored[None, :, :] - part[:, None, :]).reshape(-1, d)
        squared = np.einsum("ij,ij->i", diff, diff).reshape(len(part), len(stored))
        out[start : start + step] = np.sqrt(squared.min(axis=1))
    return out


class _Nearest:
    """The chunk's rows' minimum distances to their class's growing set, computed for the whole
    chunk at once and kept current as chunk rows join a set (a row joining can only lower the
    minimum of the rows after it). A class whose set could overwrite its oldest members within
    the chunk (near GROWING_SET) is answered row by row from the set instead."""

    def __init__(self, sets: dict[str | None, Ring], labels: list[str | None], z: np.ndarray) -> None:
        self.z = z
        self.best = np.full(len(z), np.inf)
        self.members: dict[str | None, np.ndarray] = {}
        self.direct: set[str | None] = set()
        groups: dict[str | None, list[int]] = {}
        for i, label in enumerate(labels):
            groups.setdefault(label, []).append(i)
        for label, rows in groups.items():
            index = np.asarray(rows)
            ring = sets.get(label)
            if (ring.count if ring is not None else 0) + len(index) > GROWING_SET:
                self.direct.add(label)
                continue
            self.members[label] = index
            if ring is not None and ring.count:
                self.best[index] = _min_distances(z[index], ring.rows[: ring.count])

    def distance(self, i: int, label: str | None, ring: Ring) -> float:
        """Row ``i``'s minimum distance to ``ring`` (its class's set as it is now)."""
        if label in self.direct:
            return float(ring.distances(self.z[i]).min())
        return float(self.best[i])

    def joined(self, i: int, label: str | None) -> None:
        """Row ``i`` joined its class's set: the later rows of that class may now be nearer to it."""
        if label in self.direct:
            return
        index = self.members[label]
        later = index[index > i]
        if len(later):
            diff = self.z[later] - self.z[i]
            distances = np.sqrt(np.einsum("ij,ij->i", diff, diff))
            self.best[later] = np.minimum(self.best[later], distances)


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

    def feed(self, labels: list[str | None], z: np.ndarray) -> Iterator[tuple[int, float]]:
        """Update the growing sets with rows ``z`` in order; yields (row, its minimum distance) for
        every row whose distance joined D (not a class's first query, not an exact repeat)."""
        nearest = _Nearest(self.sets, labels, z)
        for i, label in enumerate(labels):
            ring = self.sets.get(label)
            if ring is None:
                ring = self.sets[label] = Ring(self.dimension, GROWING_SET)
                ring.add(z[i])
                nearest.joined(i, label)
                self.class_distances[label] = []
                self.thresholds[label] = 0.0
                continue
            distance = nearest.distance(i, label, ring)
            if distance == 0.0:
                continue  # an exact repeat of a query in the growing set: a retry, not a new point
            own = self.class_distances[label]
            own.append(distance)
            self.distances.append(distance)
            if len(self.distances) > 2 * MAX_DISTANCES:
                del self.distances[:MAX_DISTANCES]
            if len(own) > 2 * MAX_DISTANCES:
                del own[:MAX_DISTANCES]
            if distance > self.thresholds[label]:
                ring.add(z[i])
                nearest.joined(i, label)
                values = np.asarray(own[-MAX_DISTANCES:])
                self.thresholds[label] = max(self.thresholds[label], float(values.mean() - values.std()))
            yield i, distance

    def w(self) -> float | None:
        if len(self.distances) <= MIN_DISTANCES:
            return None
        distances = np.asarray(self.distances)
        if np.ptp(distances) == 0:
            return None
        return _shapiro_w(distances[-MAX_DISTANCES:])

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        for i, distance in self.feed(chunk.labels, chunk.z):
            self.seen += 1
            self.recent.add(chunk, i, distance=round(distance, 6))
            if len(self.distances) <= MIN_DISTANCES or self.seen % CHECK_EVERY:
                continue
            w = self.w()
            if w is None or w >= self.delta:
                continue
            return i, self._finding(w)
        return None

    def _finding(self, w: float) -> Finding:
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
