"""Blacklight-style account-agnostic detection (Li et al., USENIX Security 2022) for logs without identity.

Each query's standardized features are quantized (bins of :data:`STEP` standard deviations) and
every window of :data:`WINDOW` consecutive features is hashed with its position. A query *matches*
when it shares at least T window hashes with one of the stream's last :data:`HISTORY` queries (exact
repeats are ignored). T is calibrated on the endpoint's own traffic: one more than the 99.9th
percentile of the most windows a query shares with other clients' queries. Statistic: matched
queries among the stream's last :data:`HISTORY`, tested against the calibrated match rate.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import Any

import numpy as np
from scipy.stats import binom

from scanner.queries.calibration import Calibration
from scanner.queries.detectors.base import ALPHA, MIN_HITS, Chunk, Finding, Recent

STEP = 0.5
WINDOW = 4
HISTORY = 1000
MIN_CALIBRATION = 30


def window_hashes(z: np.ndarray) -> set[int]:
    """Position-tagged hashes of every window of quantized features."""
    q = np.floor(z / STEP).astype(np.int32)
    width = min(WINDOW, len(q))
    raw = q.tobytes()
    size = 4 * width
    return {hash((i, raw[4 * i : 4 * i + size])) for i in range(len(q) - width + 1)}


class Blacklight:
    """Account-agnostic matcher over an endpoint's identity-less stream."""

    name = "blacklight"

    def __init__(self) -> None:
        self.match_threshold: int | None = None
        self.base_rate = 0.0

    def calibrate(self, calibration: Calibration) -> dict[str, Any]:
        """T and the base match rate from cross-client window sharing in the sample."""
        x, owners = calibration.sample, calibration.owners
        if len(x) < MIN_CALIBRATION:
            self.match_threshold = None
            return {"calibrated": False, "reason": f"{len(x)} calibration queries"}
        order = np.random.default_rng(0).permutation(len(x))[: min(len(x), 3 * HISTORY)]
        index = WindowIndex()
        best = []
        for i in order:
            hashes = window_hashes(x[i])
            best.append(index.best_match(hashes, exclude=int(owners[i])))
            index.add(hashes, x[i].tobytes(), owner=int(owners[i]))
        values = np.asarray(best)
        self.match_threshold = int(np.quantile(values, 0.999)) + 1
        self.base_rate = max(float(np.mean(values >= self.match_threshold)), 1.0 / len(values))
        return {"calibrated": True, "match_threshold": self.match_threshold, "base_rate": self.base_rate}

    def stream(self, client: str | None) -> _State | None:
        """A fresh state for the endpoint's identity-less stream."""
        return None if self.match_threshold is None else _State(self)


class WindowIndex:
    """The last HISTORY queries' window hashes, inverted (hash → queries) for fast matching."""

    def __init__(self) -> None:
        self.index: dict[int, set[int]] = {}
        self.history: deque[tuple[int, set[int], bytes]] = deque()
        self.owners: dict[int, int] = {}
        self.raw: Counter[bytes] = Counter()
        self.counter = 0

    def best_match(self, hashes: set[int], exclude: int | None = None) -> int:
        """The most windows any remembered query (not owned by ``exclude``) shares with ``hashes``."""
        shared: Counter[int] = Counter()
        for h in hashes:
            for other in self.index.get(h, ()):
                shared[other] += 1
        if exclude is not None:
            return max((n for q, n in shared.items() if self.owners.get(q) != exclude), default=0)
        return max(shared.values(), default=0)

    def seen(self, raw: bytes) -> bool:
        """An exact repeat of a remembered query."""
        return bool(self.raw[raw])

    def add(self, hashes: set[int], raw: bytes, owner: int = 0) -> None:
        """Remember one query, forgetting the oldest past HISTORY."""
        self.counter += 1
        self.history.append((self.counter, hashes, raw))
        self.owners[self.counter] = owner
        self.raw[raw] += 1
        for h in hashes:
            self.index.setdefault(h, set()).add(self.counter)
        if len(self.history) > HISTORY:
            old, old_hashes, old_raw = self.history.popleft()
            del self.owners[old]
            self.raw[old_raw] -= 1
            if not self.raw[old_raw]:
                del self.raw[old_raw]
            for h in old_hashes:
                bucket = self.index.get(h)
                if bucket is not None:
                    bucket.discard(old)
                    if not bucket:
                        del self.index[h]


class _State:
    def __init__(self, detector: Blacklight) -> None:
        self.detector = detector
        self.windows = WindowIndex()
        self.flags: deque[bool] = deque(maxlen=HISTORY)
        self.recent = Recent()

    def observe(self, chunk: Chunk) -> tuple[int, Finding] | None:
        for i in range(len(chunk)):
            finding = self._one(chunk, i)
            if finding is not None:
                return i, finding
        return None

    def _one(self, chunk: Chunk, i: int) -> Finding | None:
        z = chunk.z[i]
        raw = chunk.raw[i].tobytes()
        if self.windows.seen(raw):
            return None
        hashes = window_hashes(z)
        best = self.windows.best_match(hashes)
        matched = best >= (self.detector.match_threshold or 0)
        self.windows.add(hashes, raw)
        self.flags.append(matched)
        if not matched:
            return None
        self.recent.add(chunk, i, shared_windows=best)
        hits = sum(self.flags)
        if hits < MIN_HITS:
            return None
        p_value = float(binom.sf(hits - 1, len(self.flags), self.detector.base_rate))
        if p_value >= ALPHA:
            return None
        return Finding.from_count_test(
            "extraction",
            p_value,
            {
                "statistic": "queries sharing >= T quantized-window hashes with a recent query",
                "matched_queries": hits,
                "window": len(self.flags),
                "match_threshold": self.detector.match_threshold,
                "base_rate": self.detector.base_rate,
                "p_value": p_value,
                "queries": list(self.recent.items),
            },
        )
