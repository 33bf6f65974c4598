"""The published detectors as their papers set them, for comparison with mlscan's calibrated ones.

PRADA with the reference code's fixed δ = 0.9, and Chen, Carlini and Wagner's stateful detector
(k = 50 nearest neighbours in a 1,000-query buffer, a query flagged when its mean k-NN distance falls
below the 0.1th percentile of that distance in benign traffic — here the endpoint's cross-client
traffic). Both run through mlscan's engine so only the detectors differ.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scanner.queries.calibration import Calibration
from scanner.queries.detectors.base import Chunk, Finding
from scanner.queries.detectors.buffer import Ring
from scanner.queries.detectors.prada import Prada, _State

K = 50
BUFFER = 1000


class PlainPrada(Prada):
    """PRADA with δ = 0.9, not calibrated."""

    name = "plain_prada"

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        self.dimension = calibration.dimension
        self.delta = 0.9
        return {"delta": 0.9}

    def stream(self, client: str | None) -> _State | None:
        return _State(0.9, self.dimension)


class Stateful:
    """Chen et al.'s k-NN stateful detector."""

    name = "stateful_knn"

    def __init__(self) -> None:
        self.threshold = 0.0
        self.dimension = 0

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        self.dimension = calibration.dimension
        x, owners = calibration.sample, calibration.owners
        rng = np.random.default_rng(0)
        probes = rng.choice(len(x), min(len(x), 1000), replace=False)
        values = []
        for i in probes:
            pool = np.flatnonzero(owners != owners[i])
            pool = pool[rng.choice(len(pool), min(BUFFER, len(pool)), replace=False)]
            distances = np.sort(np.linalg.norm(x[pool] - x[i], axis=1))
            distances = distances[distances > 1e-12][:K]
            if len(distances) == K:
                values.append(distances.mean())
        self.threshold = float(np.quantile(values, 0.001)) if values else 0.0
        return {"threshold": self.threshold}

    def stream(self, client: str | None) -> _KnnState:
        return _KnnState(self.threshold, Ring(self.dimension, BUFFER))


class _KnnState:
    def __init__(self, threshold: float, ring: Ring) -> None:
        self.threshold = threshold
        self.ring = ring

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        for i in range(len(chunk)):
            z = chunk.z[i]
            distances = self.ring.distances(z)
            self.ring.add(z)
            distances = distances[distances > 1e-9]
            if len(distances) < K:
                continue
            mean = float(np.partition(distances, K - 1)[:K].mean())
            if mean < self.threshold:
                return i, Finding("extraction", mean, self.threshold, "high", {"mean_knn_distance": mean})
        return None


def baseline_detectors() -> list[Any]:
    return [PlainPrada(), Stateful()]
