"""The detector interface: calibrate once per endpoint, then watch one stream (a client's) at a time.

A detector is calibrated from the endpoint's own traffic (:class:`~scanner.queries.calibration.Calibration`)
and then hands out one small :class:`StreamState` per client; ``observe`` sees that client's queries in
order, a :class:`Chunk` at a time (so distances are computed as matrix products), and returns at most
one :class:`Finding` per stream, the first time its statistic crosses its
threshold, with the statistic, the threshold and the queries involved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.stats import binom

from scanner.queries.calibration import Calibration

ALPHA = 1e-6
"""Per-stream false-alarm probability of a count test under the calibrated base rate."""
MIN_HITS = 5
"""No count test fires on fewer suspicious queries than this."""


@dataclass(frozen=True)
class Finding:
    """What a detector decided on one stream; the engine turns it into an Alert."""

    attack: str
    score: float
    threshold: float
    severity: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_count_test(cls, attack: str, p_value: float, evidence: dict[str, Any]) -> Finding:
        """A high finding of a count test that crossed ``ALPHA`` (score and threshold as −log10 p)."""
        return cls(attack, surprise(p_value), surprise(ALPHA), "high", evidence)


@dataclass(frozen=True)
class Chunk:
    """Consecutive queries of one stream: standardized features, predicted labels, stream positions."""

    z: np.ndarray
    """Standardized features, one row per query (float64)."""
    raw: np.ndarray
    """The features as logged (float32): exact repeats are equal rows."""
    labels: list[str | None]
    positions: np.ndarray
    """1-based position of each row in its stream."""
    rows: np.ndarray
    """Row numbers in the endpoint's spool (for evidence)."""

    def __len__(self) -> int:
        return len(self.z)


class StreamState(Protocol):
    """A detector's memory of one stream (bounded)."""

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        """Look at the next queries; returns (row in chunk, finding) when the detector fires."""


class Detector(Protocol):
    """A calibrated detector that hands out per-stream states."""

    name: str

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        """Fit thresholds on the endpoint's traffic; returns what was fitted (for the report)."""

    def stream(self, client: str | None) -> StreamState:
        """A fresh state for one client (or the endpoint's identity-less stream)."""


@dataclass
class CountTest:
    """Sequential one-sided binomial test: are suspicious queries more frequent than the base rate?

    Fires when P(X ≥ hits | n, p0) < ALPHA, there are at least MIN_HITS hits and the share of hits is
    at least ``min_share`` (a large effect, not merely a significant one on a huge stream).
    """

    base_rate: float
    min_share: float
    hits: int = 0
    trials: int = 0

    def add(self, suspicious: bool) -> float | None:
        """Record one query; returns the p-value when the test fires."""
        self.trials += 1
        if not suspicious:
            return None
        self.hits += 1
        if self.hits < MIN_HITS or self.hits < self.min_share * self.trials:
            return None
        p_value = float(binom.sf(self.hits - 1, self.trials, self.base_rate))
        return p_value if p_value < ALPHA else None


def surprise(p_value: float) -> float:
    """−log10 p, the score count tests report (threshold −log10 ALPHA = 6)."""
    return -math.log10(max(p_value, 1e-300))


@dataclass
class Recent:
    """The last few query locations a detector found suspicious (evidence)."""

    limit: int = 10
    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, chunk: Chunk, i: int, **extra: Any) -> None:
        """Remember one suspicious query (row ``i`` of ``chunk``); locations are resolved by the engine."""
        self.items.append({"query_index": int(chunk.positions[i]), "row": int(chunk.rows[i]), **extra})
        if len(self.items) > self.limit:
            del self.items[0]
