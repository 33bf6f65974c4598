"""Thresholds from the endpoint's own traffic, never constants tuned to one data set.

Pass one over the logs keeps a sample of each endpoint's queries in which every client weighs at most
:data:`PER_CLIENT` queries, so one busy client (a batch job, an attacker) cannot set the baseline. From
that sample come the feature scale, the covariance for out-of-distribution scores, the near-duplicate
distance and each detector's base rate; every alert reports the numbers it was judged against.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

PER_CLIENT = 200
SAMPLE_SIZE = 6000
MIN_CLIENT_ROWS = 10


@dataclass
class EndpointSample:
    """Pass one's bounded view of one endpoint: a client-balanced sample and per-client counts."""

    endpoint: str
    source_format: str
    seed: int = 0
    counts: Counter[str | None] = field(default_factory=Counter)
    dimensions: Counter[int] = field(default_factory=Counter)
    _rows: dict[str | None, list[tuple[float, ...]]] = field(default_factory=lambda: defaultdict(list))
    _rng: random.Random = field(default_factory=lambda: random.Random(0))

    def add(self, client: str | None, features: tuple[float, ...]) -> None:
        """Count one query and keep it in the client's reservoir (at most PER_CLIENT per client)."""
        self.counts[client] += 1
        self.dimensions[len(features)] += 1
        rows = self._rows[client]
        seen = self.counts[client]
        if len(rows) < PER_CLIENT:
            rows.append(features)
        else:
            slot = self._rng.randrange(seen)
            if slot < PER_CLIENT:
                rows[slot] = features

    @property
    def dimension(self) -> int:
        """The number of features most queries have."""
        return self.dimensions.most_common(1)[0][0] if self.dimensions else 0

    def client_order(self) -> dict[str | None, int]:
        """The client index ``rows()`` uses for each client."""
        return {client: i for i, client in enumerate(sorted(self._rows, key=str))}

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """(features, client index) of the balanced sample, at most SAMPLE_SIZE rows."""
        d = self.dimension
        features: list[tuple[float, ...]] = []
        owners: list[int] = []
        for index, (_client, rows) in enumerate(sorted(self._rows.items(), key=lambda kv: str(kv[0]))):
            for row in rows:
                if len(row) == d:
                    features.append(row)
                    owners.append(index)
        x = np.asarray(features, dtype=np.float64).reshape(len(features), d)
        owner = np.asarray(owners, dtype=np.int64)
        if len(x) > SAMPLE_SIZE:
            keep = np.random.default_rng(self.seed).choice(len(x), SAMPLE_SIZE, replace=False)
            x, owner = x[keep], owner[keep]
        return x, owner


@dataclass(frozen=True)
class Scaler:
    """Standardize features by the endpoint's own mean and spread (constant features get a floor)."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray, owners: np.ndarray | None = None) -> Scaler:
        """Fit on the calibration sample: the median over clients of each client's mean and spread,
        so a minority of clients (attackers, a drifted job) cannot move the scale; pooled when fewer
        than three clients have enough rows."""
        groups = []
        if owners is not None:
            groups = [x[owners == c] for c in np.unique(owners)]
            groups = [g for g in groups if len(g) >= MIN_CLIENT_ROWS]
        if len(groups) >= 3:
            mean = np.median([g.mean(axis=0) for g in groups], axis=0)
            std = np.median([g.std(axis=0) for g in groups], axis=0)
        else:
            mean = x.mean(axis=0) if len(x) else np.zeros(x.shape[1])
            std = x.std(axis=0) if len(x) else np.ones(x.shape[1])
        floor = max(float(np.median(std[std > 0])) if np.any(std > 0) else 1.0, 1e-12) * 1e-3
        return cls(mean, np.maximum(std, floor))

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardized copy of ``x`` (one row or many)."""
        return (x - self.mean) / self.scale


@dataclass(frozen=True)
class Calibration:
    """Everything the detectors of one endpoint are judged against."""

    endpoint: str
    dimension: int
    scaler: Scaler
    sample: np.ndarray
    """The standardized client-balanced sample."""
    owners: np.ndarray
    """Which client (index) each sample row came from."""
    client_counts: dict[str | None, int]
    excluded_clients: int = 0
    """Clients left out of the fit because their typical query lay far from everyone else's."""
    client_index: dict[str | None, int] = field(default_factory=dict)
    """Client → the owner index its sample rows carry."""

    @property
    def size(self) -> int:
        """Rows in the calibration sample."""
        return len(self.sample)


def calibrate(sample: EndpointSample) -> Calibration:
    """The calibration of one endpoint from pass one's sample, without its outlying clients.

    Clients whose typical query lies far from the rest (median RMS z-score above twice the clients'
    median and four robust deviations) are left out of the fit, twice over, so that an attacker's
    uniform or synthetic queries do not widen the scale they are then judged against. At least half
    of the clients always stay.
    """
    x, owners = sample.rows()
    if not len(x):
        d = sample.dimension
        return Calibration(
            sample.endpoint, d, Scaler(np.zeros(d), np.ones(d)), x, owners, dict(sample.counts)
        )
    keep = np.ones(len(x), dtype=bool)
    excluded: set[int] = set()
    for _ in range(2):
        scaler = Scaler.fit(x[keep], owners[keep])
        rms = np.sqrt(np.mean(scaler.transform(x) ** 2, axis=1))
        clients = np.unique(owners)
        medians = np.asarray([np.median(rms[owners == c]) for c in clients])
        center = float(np.median(medians))
        spread = float(np.median(np.abs(medians - center))) * 1.4826
        limit = max(2.0 * center, center + 4.0 * spread)
        outlying = [
            int(c) for c, m in sorted(zip(clients, medians, strict=False), key=lambda t: -t[1]) if m > limit
        ]
        outlying = outlying[: len(clients) // 2]
        excluded = set(outlying)
        keep = ~np.isin(owners, list(excluded))
    scaler = Scaler.fit(x[keep], owners[keep])
    return Calibration(
        endpoint=sample.endpoint,
        dimension=sample.dimension,
        scaler=scaler,
        sample=scaler.transform(x[keep]),
        owners=owners[keep],
        client_counts=dict(sample.counts),
        excluded_clients=len(excluded),
        client_index=sample.client_order(),
    )


def per_client_quantile(values: np.ndarray, owners: np.ndarray, quantile: float) -> float:
    """The median over clients (with enough rows) of each client's ``quantile`` of ``values``.

    A threshold set this way moves only if most clients move: attackers in the traffic, however
    many queries they send, cannot raise it. Pooled when fewer than three clients qualify.
    """
    per_client = [
        float(np.quantile(values[owners == c], quantile))
        for c in np.unique(owners)
        if int(np.sum(owners == c)) >= MIN_CLIENT_ROWS
    ]
    if len(per_client) < 3:
        return float(np.quantile(values, quantile))
    return float(np.median(per_client))


def cross_client_nearest(calibration: Calibration, pool: int, seed: int = 0) -> np.ndarray:
    """For sample rows, the distance to the nearest non-identical row of OTHER clients in a pool.

    The pool has ``pool`` rows, as many as a client's buffer holds, so the distances are what a
    benign client's own history would give if its queries were independent draws of the traffic.
    """
    x, owners = calibration.sample, calibration.owners
    if len(x) < 3:
        return np.empty(0)
    rng = np.random.default_rng(seed)
    probes = rng.choice(len(x), min(len(x), 1500), replace=False)
    out = []
    for start in range(0, len(probes), 256):
        chunk = probes[start : start + 256]
        pool_index = rng.choice(len(x), min(pool, len(x)), replace=False)
        distances = _pairwise(x[chunk], x[pool_index])
        same = owners[chunk][:, None] == owners[pool_index][None, :]
        distances[same | (distances <= 1e-12)] = np.inf
        out.append(distances.min(axis=1))
    nearest = np.concatenate(out)
    return nearest[np.isfinite(nearest)]


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(squared, 0.0))
