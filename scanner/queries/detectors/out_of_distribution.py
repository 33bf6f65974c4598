"""Out-of-distribution share per client against the endpoint's own traffic (random, uniform, synthetic).

Statistic: a query's mean distance to its :data:`K` nearest neighbours among a reference sample of
the endpoint's traffic sent by *other* clients (standardized features) — a nonparametric density
test, so multi-modal traffic is judged by its modes, not by one mean and covariance. A query is out of
distribution above the median over clients of each client's 99th percentile of that distance; a
sequential binomial test against that 1 % base rate, requiring at least a quarter of the client's
queries to be out, raises the alert. The fit is repeated without the clients that would themselves
alarm (at most half of them), so attackers in the traffic cannot raise the bar they are judged by.

Catches Tramèr-style uniform queries and synthetic points (Jacobian augmentation) that leave the data
manifold. Exact repeats of one of the client's last 1,000 queries are skipped. A client whose whole traffic drifts is caught only when the drift leaves the traffic's support.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scanner.queries.calibration import Calibration, per_client_quantile
from scanner.queries.detectors.base import Chunk, CountTest, Finding, Recent

K = 5
REFERENCE = 1000
FIT_ROWS = 3000
QUANTILE = 0.99
MIN_SHARE = 0.25
MIN_CALIBRATION = 60
REPEAT_MEMORY = 1000


class OutOfDistribution:
    """Per-client out-of-distribution share (k-NN distance to the endpoint's traffic)."""

    name = "out_of_distribution"

    def __init__(self) -> None:
        self.reference: np.ndarray | None = None
        self.reference_owners = np.empty(0, dtype=np.int64)
        self.reference_squared = np.empty(0)
        self.threshold = 0.0
        self.base_rate = 1.0 - QUANTILE
        self.client_index: dict[str | None, int] = {}

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        """Reference rows and the 99th percentile of held-out rows' k-NN distance, trimmed of alarming clients."""
        x, owners = calibration.sample, calibration.owners
        self.client_index = calibration.client_index
        if len(x) < MIN_CALIBRATION:
            self.reference = None
            return {"calibrated": False, "reason": f"{len(x)} calibration queries"}
        rng = np.random.default_rng(0)
        if len(x) > FIT_ROWS:
            chosen = np.sort(rng.choice(len(x), FIT_ROWS, replace=False))
            x, owners = x[chosen], owners[chosen]
        keep = np.ones(len(x), dtype=bool)
        clients = np.unique(owners)
        dropped: set[int] = set()
        for _ in range(3):
            self._fit(x[keep], owners[keep], rng)
            if not np.isfinite(self.threshold):
                self.reference = None
                return {"calibrated": False, "reason": "fewer than two clients to compare"}
            outside = self._distances(x, owners) > self.threshold
            share = {int(c): float(outside[owners == c].mean()) for c in clients}
            ranked = sorted((int(c) for c in clients if share[int(c)] >= MIN_SHARE), key=lambda c: -share[c])
            now = set(ranked[: len(clients) // 2])
            if now == dropped:
                break
            dropped = now
            keep = ~np.isin(owners, list(dropped))
        return {
            "calibrated": True,
            "k": K,
            "distance_threshold": self.threshold,
            "base_rate": self.base_rate,
            "reference_queries": len(self.reference) if self.reference is not None else 0,
            "clients_left_out": len(dropped),
        }

    def _fit(self, x: np.ndarray, owners: np.ndarray, rng: np.random.Generator) -> None:
        reference = rng.permutation(len(x))[:REFERENCE]
        self.reference = x[reference].astype(np.float32)
        self.reference_owners = owners[reference]
        self.reference_squared = (self.reference * self.reference).sum(1)
        distances = self._distances(x, owners)
        finite = np.isfinite(distances)
        if finite.sum() < MIN_CALIBRATION:
            self.threshold, self.base_rate = float("inf"), 1.0
            return
        self.threshold = per_client_quantile(distances[finite], owners[finite], QUANTILE)
        shares = [float(np.mean(distances[owners == c] > self.threshold)) for c in np.unique(owners)]
        self.base_rate = max(float(np.median(shares)), 1.0 - QUANTILE)

    def _distances(self, z: np.ndarray, owners: np.ndarray | int) -> np.ndarray:
        """Mean distance of each row of ``z`` to its K nearest reference rows of other clients."""
        assert self.reference is not None
        out = np.empty(len(z))
        for start in range(0, len(z), 512):
            part = z[start : start + 512].astype(np.float32)
            squared = (
                (part * part).sum(1)[:, None]
                + self.reference_squared[None, :]
                - 2.0 * part @ self.reference.T
            )
            own = (
                owners[start : start + 512] if isinstance(owners, np.ndarray) else np.full(len(part), owners)
            )
            squared[own[:, None] == self.reference_owners[None, :]] = np.inf
            k = min(K, squared.shape[1] - 1)
            nearest = np.partition(squared, k, axis=1)[:, :k]
            out[start : start + 512] = np.sqrt(np.maximum(nearest, 0.0)).mean(1)
        return out

    def stream(self, client: str | None) -> _State | None:
        """A fresh per-client state (None when the endpoint could not be calibrated)."""
        if self.reference is None:
            return None
        return _State(self, self.client_index.get(client, -1))


class _State:
    def __init__(self, detector: OutOfDistribution, owner: int) -> None:
        self.detector = detector
        self.owner = owner
        self.test = CountTest(detector.base_rate, MIN_SHARE)
        self.recent = Recent()
        self.seen: dict[bytes, None] = {}

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        distances = self.detector._distances(chunk.z, self.owner)
        outside = distances > self.detector.threshold
        for i in range(len(chunk)):
            key = chunk.raw[i].tobytes()
            if key in self.seen:
                continue  # an exact repeat (retry, cache hit) is one query, not new evidence
            self.seen[key] = None
            if len(self.seen) > REPEAT_MEMORY:
                del self.seen[next(iter(self.seen))]
            if outside[i]:
                self.recent.add(chunk, i, knn_distance=round(float(distances[i]), 4))
            p_value = self.test.add(bool(outside[i]))
            if p_value is not None:
                return i, self._finding(p_value)
        return None

    def _finding(self, p_value: float) -> Finding:
        return Finding.from_count_test(
            "extraction",
            p_value,
            {
                "statistic": f"share of queries whose mean distance to their {K} nearest neighbours in the "
                "endpoint's traffic exceeds its 99th percentile",
                "out_of_distribution": self.test.hits,
                "queries_considered": self.test.trials,
                "distance_threshold": round(self.detector.threshold, 4),
                "base_rate": round(self.detector.base_rate, 6),
                "p_value": p_value,
                "queries": list(self.recent.items),
            },
        )
