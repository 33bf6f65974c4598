"""Repeated step patterns: the same per-feature step applied to many points (Jacobian augmentation).

Papernot et al.'s augmentation (and any sign-gradient or grid probe) makes each new query from an
earlier one by moving every feature by a fixed amount λ_j in one direction or the other. Two such
steps therefore have the same *magnitude* in almost every feature, whichever point they start from.
Natural traffic does not: the difference between a query and its nearest earlier query is a random
vector, and two of them agree in a feature's magnitude only by chance.

Statistic, per query: its *step* is the per-feature absolute difference to its nearest non-identical
earlier query of the same client; the query's score is the largest share, over the client's last
:data:`MEMORY` steps, of features moved in both steps whose magnitudes agree to :data:`TOLERANCE`
(relative). The comparison is per feature, so it needs no units or ranges. A query is suspicious above
τ, the median over clients of each client's 99th percentile of the same score measured between
*different* clients' steps in the endpoint's own traffic (never below one half: most shared features
must agree); a sequential binomial test against the calibrated base rate raises the alert.

Cannot catch: steps whose size is randomized per query, or an attacker spreading its augmentation
rounds over several accounts so that no account holds two steps (Sybil clients).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scanner.queries.calibration import Calibration, per_client_quantile
from scanner.queries.detectors.base import Chunk, CountTest, Finding, Recent
from scanner.queries.detectors.buffer import Ring

BUFFER = 256
"""Earlier queries a step may start from."""
MEMORY = 64
"""Earlier steps a new step is compared with."""
TOLERANCE = 0.01
QUANTILE = 0.99
FLOOR = 0.5
MIN_SHARE = 0.2
MIN_CALIBRATION = 60
PROBES = 1500
POOL = 256
BAND_BLOCK = 8
"""Steps per block in :func:`recent_agreement`: a block reaches MEMORY + BAND_BLOCK memory rows."""


def min_shared(dimension: int) -> int:
    """Features both steps must move before their agreement counts."""
    return max(4, dimension // 4)


def agreement(
    steps: np.ndarray, memory: np.ndarray, shared: int, allowed: np.ndarray | None = None
) -> np.ndarray:
    """For each row of ``steps`` (m×d), the largest share of features moved in both it and a row of
    ``memory`` (M×d) whose magnitudes agree to TOLERANCE; 0 where no pair shares ``shared`` features.
    ``allowed`` (m×M booleans) limits which memory rows each step may be compared with.

    Steps are non-negative, so "moved in both and close" is "close" once an unmoved feature of
    ``steps`` is replaced by −1 (never close to a magnitude ≥ 0), and TOLERANCE·max(a, b) is
    max(TOLERANCE·a, TOLERANCE·b) (rounding is monotone): the same decisions in fewer passes over
    the m×M×d block. The moved-in-both counts are a product of 0/1 matrices (exact integers).
    """
    if not len(memory) or not len(steps):
        return np.zeros(len(steps))
    out = np.empty(len(steps))
    moved_steps = steps > 0
    moved_memory = (memory > 0).astype(np.float64)
    marked = np.where(moved_steps, steps, -1.0)
    scaled_steps = TOLERANCE * marked
    scaled_memory = TOLERANCE * memory
    together_all = moved_steps.astype(np.float64) @ moved_memory.T
    for start in range(0, len(steps), 32):
        a = marked[start : start + 32, None, :]
        gap = np.abs(a - memory[None, :, :])
        close = gap <= np.maximum(scaled_steps[start : start + 32, None, :], scaled_memory[None, :, :])
        agreeing = np.count_nonzero(close, axis=2)
        together = together_all[start : start + 32]
        share = np.where(together >= shared, agreeing / np.maximum(together, 1.0), 0.0)
        if allowed is not None:
            share[~allowed[start : start + 32]] = 0.0
        out[start : start + 32] = share.max(axis=1)
    return out


def recent_agreement(steps: np.ndarray, memory: np.ndarray, first: int, shared: int) -> np.ndarray:
    """:func:`agreement` of step j (``memory[first + j]``) with the MEMORY memory rows just before it.

    Only the band of memory rows a block of steps may reach is compared (not the whole memory
    with the rest masked out), so a chunk of m steps costs m × (MEMORY + block) instead of
    m × (MEMORY + m) comparisons; the shares are the same, masked pairs counting as 0.
    """
    out = np.zeros(len(steps))
    for start in range(0, len(steps), BAND_BLOCK):
        block = steps[start : start + BAND_BLOCK]
        low = max(0, first + start - MEMORY)
        high = first + start + len(block)
        column = np.arange(low, high)[None, :]
        own = first + start + np.arange(len(block))[:, None]
        allowed = (column < own) & (column >= own - MEMORY)
        out[start : start + len(block)] = agreement(block, memory[low:high], shared, allowed)
    return out


def _steps(z: np.ndarray, stored: np.ndarray, stored_squared: np.ndarray) -> np.ndarray:
    """Each row's |z − its nearest non-identical EARLIER query|: a stored row or a chunk row before it."""
    history = np.vstack([stored, z])
    squared_norms = (z * z).sum(1)
    squared = squared_norms[:, None] + np.concatenate([stored_squared, squared_norms])[None, :]
    squared -= 2.0 * (z @ history.T)
    m, count = len(z), len(stored)
    later = np.arange(m)[None, :] >= np.arange(m)[:, None]
    squared[:, count:][later] = np.inf
    squared[squared <= 1e-18] = np.inf
    nearest = squared.argmin(axis=1)
    out = np.abs(z - history[nearest])
    out[~np.isfinite(squared[np.arange(m), nearest])] = 0.0
    return _clean(out)


def _clean(step: np.ndarray) -> np.ndarray:
    step[step < 1e-9] = 0.0
    return step


class StepPattern:
    """Per-client repeated-step detector."""

    name = "step_pattern"

    def __init__(self) -> None:
        self.tau: float | None = None
        self.base_rate = 1.0 - QUANTILE
        self.dimension = 0

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        """τ and the base rate from steps between different clients' queries."""
        self.dimension = calibration.dimension
        x, owners = calibration.sample, calibration.owners
        if len(x) < MIN_CALIBRATION or len(np.unique(owners)) < 2:
            self.tau = None
            return {"calibrated": False, "reason": f"{len(x)} calibration queries"}
        rng = np.random.default_rng(0)
        probes = rng.choice(len(x), min(len(x), PROBES), replace=False)
        steps = np.zeros((len(probes), x.shape[1]))
        for start in range(0, len(probes), POOL):
            chunk = probes[start : start + POOL]
            pool = rng.choice(len(x), min(POOL, len(x)), replace=False)
            squared = ((x[chunk, None, :] - x[None, pool, :]) ** 2).sum(axis=2)
            squared[(owners[chunk][:, None] == owners[pool][None, :]) | (squared <= 1e-18)] = np.inf
            nearest = squared.argmin(axis=1)
            found = np.isfinite(squared[np.arange(len(chunk)), nearest])
            steps[start : start + len(chunk)] = np.where(
                found[:, None], np.abs(x[chunk] - x[pool[nearest]]), 0.0
            )
        steps = _clean(steps)
        probe_owners = owners[probes]
        scores = np.empty(len(probes))
        shared = min_shared(self.dimension)
        for i in range(0, len(probes), 64):
            others = rng.choice(len(probes), min(MEMORY, len(probes)), replace=False)
            part = slice(i, i + 64)
            allowed = probe_owners[part][:, None] != probe_owners[others][None, :]
            block = agreement(steps[part], steps[others], shared, allowed)
            scores[part] = block
        threshold = per_client_quantile(scores, probe_owners, QUANTILE)
        self.tau = max(FLOOR, threshold)
        shares = [float(np.mean(scores[probe_owners == c] > self.tau)) for c in np.unique(probe_owners)]
        self.base_rate = max(float(np.median(shares)), 1.0 - QUANTILE)
        return {
            "calibrated": True,
            "tau": self.tau,
            "calibrated_quantile": threshold,
            "base_rate": self.base_rate,
            "steps": len(probes),
        }

    def stream(self, client: str | None) -> _State | None:
        """A fresh per-client state (None when the endpoint could not be calibrated)."""
        if self.tau is None:
            return None
        return _State(self.tau, self.base_rate, self.dimension)


class _State:
    def __init__(self, tau: float, base_rate: float, dimension: int) -> None:
        self.tau = tau
        self.ring = Ring(dimension, BUFFER)
        self.memory = np.zeros((0, dimension))
        self.shared = min_shared(dimension)
        self.test = CountTest(base_rate, MIN_SHARE)
        self.recent = Recent()
        self.seen: set[bytes] = set()

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        keys = [row.tobytes() for row in chunk.raw]
        fresh = []
        for i, key in enumerate(keys):
            if key not in self.seen and key not in self.ring.present:
                fresh.append(i)
                self.seen.add(key)
        self.seen.clear()
        if not fresh:
            return None
        z = chunk.z[fresh]
        steps = _steps(z, self.ring.rows[: self.ring.count], self.ring.squared[: self.ring.count])
        memory = np.vstack([self.memory, steps])
        # Step j is compared with the MEMORY steps before it (stored ones, then earlier chunk rows).
        scores = recent_agreement(steps, memory, len(self.memory), self.shared)
        for j, i in enumerate(fresh):
            suspicious = bool(scores[j] > self.tau)
            if suspicious:
                self.recent.add(chunk, i, agreement=round(float(scores[j]), 4))
            p_value = self.test.add(suspicious)
            if p_value is not None:
                return i, self._finding(p_value)
        self.ring.extend(z, [keys[i] for i in fresh])
        self.memory = memory[-MEMORY:]
        return None

    def _finding(self, p_value: float) -> Finding:
        return Finding.from_count_test(
            "extraction",
            p_value,
            {
                "statistic": "queries whose step from their nearest earlier query repeats an earlier "
                "step's per-feature magnitudes (share of shared moved features above tau)",
                "repeated_steps": self.test.hits,
                "queries_considered": self.test.trials,
                "tau": round(self.tau, 4),
                "tolerance": TOLERANCE,
                "p_value": p_value,
                "queries": list(self.recent.items),
            },
        )
