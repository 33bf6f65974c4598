"""Stateful near-duplicate detection (after Chen, Carlini and Wagner 2020), tuned for tabular logs.

Statistic: for each query, the distance to the nearest *non-identical* query in the client's last
:data:`BUFFER` queries. A query is suspicious when that distance is below τ, the 1st percentile of the
same distance measured between different clients' queries of the endpoint (pool of BUFFER rows). A
sequential binomial test against that 1 % base rate raises the alert. Exact repeats (retries, cache
hits, health checks) are distance 0 and are ignored, neither counted nor remembered.

Catches boundary walks (HopSkipJump), hill-climbing inversion and label-only membership probing with
noisy copies of a record. The attack is named from the suspicious queries: labels flipping between
near neighbours → evasion (a boundary walk); a chain that drifts far from where it began → inversion;
copies that stay around one point → membership.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scanner.queries.calibration import Calibration, cross_client_nearest
from scanner.queries.detectors.base import Chunk, CountTest, Finding, Recent
from scanner.queries.detectors.buffer import Ring

BUFFER = 1000
BASE_RATE = 0.01
MIN_SHARE = 0.2
MIN_CALIBRATION = 30


class NearDuplicate:
    """Per-client near-duplicate detector."""

    name = "near_duplicate"

    def __init__(self) -> None:
        self.tau: float | None = None
        self.dimension = 0

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        """τ = 1st percentile of cross-client nearest-neighbour distances."""
        self.dimension = calibration.dimension
        nearest = cross_client_nearest(calibration, BUFFER)
        if len(nearest) < MIN_CALIBRATION:
            self.tau = None
            return {"calibrated": False, "reason": f"{len(nearest)} calibration distances"}
        self.tau = float(np.quantile(nearest, BASE_RATE))
        return {"calibrated": True, "tau": self.tau, "base_rate": BASE_RATE, "distances": len(nearest)}

    def stream(self, client: str | None) -> _State | None:
        """A fresh per-client state (None when the endpoint could not be calibrated)."""
        if self.tau is None:
            return None
        return _State(self.tau, Ring(self.dimension, BUFFER))


class _State:
    def __init__(self, tau: float, ring: Ring) -> None:
        self.tau = tau
        self.ring = ring
        self.test = CountTest(BASE_RATE, MIN_SHARE)
        self.recent = Recent()
        self.first_hit: np.ndarray | None = None
        self.flips = 0
        self.hit_distances: list[float] = []
        self.repeats = 0

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        z = chunk.z
        before = self.ring.squared_distances(z)
        squared = (z * z).sum(1)
        within = np.maximum(squared[:, None] + squared[None, :] - 2.0 * (z @ z.T), 0.0)
        within[np.triu_indices(len(z))] = np.inf
        keys = [row.tobytes() for row in chunk.raw]
        earlier: set[bytes] = set()
        ring_labels = self.ring.labels
        slots = self.ring.count
        for i in range(len(z)):
            key = keys[i]
            if key in earlier or key in self.ring.present:
                self.repeats += 1
                within[:, i] = np.inf
                continue
            earlier.add(key)
            best_ring = int(before[i].argmin()) if slots else -1
            best_chunk = int(within[i].argmin()) if i else -1
            d_ring = float(before[i, best_ring]) if best_ring >= 0 else np.inf
            d_chunk = float(within[i, best_chunk]) if best_chunk >= 0 else np.inf
            nearest = float(np.sqrt(min(d_ring, d_chunk)))
            suspicious = nearest < self.tau
            if suspicious:
                neighbour_label = ring_labels[best_ring] if d_ring <= d_chunk else chunk.labels[best_chunk]
                if self.first_hit is None:
                    self.first_hit = z[i].copy()
                if neighbour_label != chunk.labels[i]:
                    self.flips += 1
                self.hit_distances.append(nearest)
                self.recent.add(chunk, i, distance=round(nearest, 6))
            p_value = self.test.add(suspicious)
            if p_value is not None:
                return i, self._finding(p_value, z[i])
        for i in range(len(z)):
            if keys[i] not in self.ring.present:
                self.ring.add(z[i], chunk.labels[i], keys[i])
        return None

    def _finding(self, p_value: float, z: np.ndarray) -> Finding:
        drift = float(np.linalg.norm(z - self.first_hit)) if self.first_hit is not None else 0.0
        return Finding.from_count_test(
            self._attack(drift),
            p_value,
            {
                "statistic": "queries whose nearest non-identical earlier query is closer than tau",
                "near_duplicates": self.test.hits,
                "queries_considered": self.test.trials,
                "exact_repeats_ignored": self.repeats,
                "tau": round(self.tau, 6),
                "base_rate": BASE_RATE,
                "p_value": p_value,
                "label_flips": self.flips,
                "drift_from_first_near_duplicate": round(drift, 4),
                "queries": list(self.recent.items),
            },
        )

    def _attack(self, drift: float) -> str:
        hits = max(self.test.hits, 1)
        if self.flips >= 0.3 * hits:
            return "evasion"
        typical = float(np.median(self.hit_distances)) if self.hit_distances else 0.0
        if typical > 0 and drift > 5 * typical:
            return "inversion"
        return "membership"
