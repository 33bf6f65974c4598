"""A bounded, growable ring of standardized queries: the per-client memory the detectors share."""

from __future__ import annotations

from collections import Counter

import numpy as np


class Ring:
    """The last ``capacity`` rows (float64), grown by doubling so idle clients stay small.

    Each slot may carry a label and a key (the raw row's bytes) so that exact repeats can be
    recognised by equality rather than by a floating-point distance.
    """

    def __init__(self, dimension: int, capacity: int) -> None:
        self.capacity = capacity
        self.rows = np.empty((min(16, capacity), dimension), dtype=np.float64)
        self.squared = np.empty(len(self.rows), dtype=np.float64)
        self.labels: list[str | None] = [None] * capacity
        self.keys: list[bytes | None] = [None] * capacity
        self.present: Counter[bytes] = Counter()
        self.count = 0
        self.next = 0

    def add(self, z: np.ndarray, label: str | None = None, key: bytes | None = None) -> int:
        """Store one row; returns the slot it went to."""
        if self.count == len(self.rows) and len(self.rows) < self.capacity:
            size = min(2 * len(self.rows), self.capacity)
            rows = np.empty((size, self.rows.shape[1]), dtype=np.float64)
            rows[: self.count] = self.rows[: self.count]
            squared = np.empty(size, dtype=np.float64)
            squared[: self.count] = self.squared[: self.count]
            self.rows, self.squared = rows, squared
            self.next = self.count
        slot = self.next
        old = self.keys[slot] if self.count == len(self.rows) else None
        if old is not None:
            self.present[old] -= 1
            if not self.present[old]:
                del self.present[old]
        self.rows[slot] = z
        self.squared[slot] = float(z @ z)
        self.labels[slot] = label
        self.keys[slot] = key
        if key is not None:
            self.present[key] += 1
        self.count = min(self.count + 1, self.capacity)
        self.next = (slot + 1) % len(self.rows)
        return slot

    def extend(self, z: np.ndarray, keys: list[bytes | None]) -> None:
        """``add(z[j], None, keys[j])`` for every row in order, the numpy work done once.

        Slots, growth and evicted keys follow :meth:`add` step by step in plain integers; the rows
        and their squared norms (each row's ``z @ z``, as a stacked product) are then written at
        once. More rows than the capacity go one at a time (a slot would be written twice).
        """
        if len(z) > self.capacity:
            for row, key in zip(z, keys, strict=True):
                self.add(row, None, key)
            return
        size, count, following = len(self.rows), self.count, self.next
        slots = []
        for key in keys:
            if count == size and size < self.capacity:
                size = min(2 * size, self.capacity)
                following = count
            slot = following
            old = self.keys[slot] if count == size else None
            if old is not None:
                self.present[old] -= 1
                if not self.present[old]:
                    del self.present[old]
            self.labels[slot] = None
            self.keys[slot] = key
            if key is not None:
                self.present[key] += 1
            count = min(count + 1, self.capacity)
            following = (slot + 1) % size
            slots.append(slot)
        if size > len(self.rows):
            rows = np.empty((size, self.rows.shape[1]), dtype=np.float64)
            rows[: self.count] = self.rows[: self.count]
            squared = np.empty(size, dtype=np.float64)
            squared[: self.count] = self.squared[: self.count]
            self.rows, self.squared = rows, squared
        self.rows[slots] = z
        self.squared[slots] = np.matmul(z[:, None, :], z[:, :, None]).reshape(len(z))
        self.count, self.next = count, following

    def distances(self, z: np.ndarray) -> np.ndarray:
        """Euclidean distance from one row ``z`` to every stored row (slot order), exact for equal rows."""
        if self.count == 0:
            return np.empty(0, dtype=np.float64)
        diff = self.rows[: self.count] - z
        return np.sqrt(np.einsum("ij,ij->i", diff, diff))

    def squared_distances(self, z: np.ndarray) -> np.ndarray:
        """Squared distances from every row of ``z`` (m×d) to the stored rows (m×count), as a product."""
        if self.count == 0:
            return np.empty((len(z), 0), dtype=np.float64)
        stored = self.rows[: self.count]
        out = (z * z).sum(1)[:, None] + self.squared[: self.count][None, :] - 2.0 * (z @ stored.T)
        return np.maximum(out, 0.0)
