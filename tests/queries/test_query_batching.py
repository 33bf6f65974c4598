"""The batched and fast-path computations decide exactly as the row-at-a-time ones they replaced.

Each reference below is the earlier, slower formulation; the detectors must agree with it bit for
bit (equal floats, not approximately), so speeding them up cannot move a threshold decision.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from scanner.queries import payload
from scanner.queries.detectors import prada, step_pattern
from scanner.queries.detectors.buffer import Ring


def _steps(rng: np.random.Generator, rows: int, dimension: int) -> np.ndarray:
    """Non-negative steps with unmoved features and exact repeats of one magnitude (as augmentation makes)."""
    steps = np.abs(rng.normal(size=(rows, dimension)))
    steps[steps < 0.3] = 0.0
    steps[::3, : dimension // 2] = 0.25  # many steps share these magnitudes exactly
    steps[1::3, : dimension // 2] = 0.25 * (1 + 0.01 * rng.uniform(0.5, 1.5, size=(len(steps[1::3]), 1)))
    return steps


def _reference_agreement(
    steps: np.ndarray, memory: np.ndarray, shared: int, allowed: np.ndarray
) -> np.ndarray:
    both = (steps[:, None, :] > 0) & (memory[None, :, :] > 0)
    close = np.abs(steps[:, None, :] - memory[None, :, :]) <= step_pattern.TOLERANCE * np.maximum(
        steps[:, None, :], memory[None, :, :]
    )
    together = both.sum(axis=2)
    share = np.where(together >= shared, (both & close).sum(axis=2) / np.maximum(together, 1), 0.0)
    share[~allowed] = 0.0
    return share.max(axis=1)


@pytest.mark.parametrize(
    ("rows", "earlier", "dimension"), [(1, 0, 8), (40, 0, 30), (256, 64, 64), (37, 12, 9)]
)
def test_recent_agreement_is_the_masked_full_comparison(rows, earlier, dimension):
    rng = np.random.default_rng(rows + dimension)
    memory = _steps(rng, earlier + rows, dimension)
    steps = memory[earlier:]
    column = np.arange(len(memory))[None, :]
    own = earlier + np.arange(rows)[:, None]
    allowed = (column < own) & (column >= own - step_pattern.MEMORY)
    shared = step_pattern.min_shared(dimension)
    expected = _reference_agreement(steps, memory, shared, allowed)
    assert np.array_equal(step_pattern.recent_agreement(steps, memory, earlier, shared), expected)
    assert np.array_equal(step_pattern.agreement(steps, memory, shared, allowed), expected)
    assert rows == 1 or expected.max() > 0.5, (
        "the data must contain agreeing steps for the test to mean anything"
    )


class _ReferencePrada:
    """PRADA's growing-set update one query at a time, each distance from the set as it stands."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.sets: dict[str | None, Ring] = {}
        self.own: dict[str | None, list[float]] = {}
        self.thresholds: dict[str | None, float] = {}

    def update(self, label: str | None, z: np.ndarray) -> float | None:
        ring = self.sets.get(label)
        if ring is None:
            self.sets[label] = Ring(self.dimension, prada.GROWING_SET)
            self.sets[label].add(z)
            self.own[label], self.thresholds[label] = [], 0.0
            return None
        distance = float(ring.distances(z).min())
        if distance == 0.0:
            return None
        own = self.own[label]
        own.append(distance)
        if len(own) > 2 * prada.MAX_DISTANCES:
            del own[: prada.MAX_DISTANCES]
        if distance > self.thresholds[label]:
            ring.add(z)
            values = np.asarray(own[-prada.MAX_DISTANCES :])
            self.thresholds[label] = max(self.thresholds[label], float(values.mean() - values.std()))
        return distance


@pytest.mark.parametrize("growing_set", [prada.GROWING_SET, 40])
def test_prada_chunked_distances_are_the_row_at_a_time_ones(monkeypatch, growing_set):
    """Chunks of mixed classes with exact repeats; a drifting walk keeps the growing sets growing, and
    a small growing set makes later chunks overwrite members (the row-by-row path)."""
    monkeypatch.setattr(prada, "GROWING_SET", growing_set)
    rng = np.random.default_rng(growing_set)
    dimension = 12
    z = np.cumsum(rng.normal(size=(900, dimension)), axis=0)
    z[rng.choice(900, 120)] = z[rng.choice(900, 120)]  # retries of earlier (and later) queries
    labels = [str(v) for v in rng.integers(0, 3, size=900)]
    reference = _ReferencePrada(dimension)
    expected = [(i, d) for i in range(900) if (d := reference.update(labels[i], z[i])) is not None]
    state = prada._State(0.5, dimension)
    got = []
    for start in range(0, 900, 256):
        got += [(start + i, d) for i, d in state.feed(labels[start : start + 256], z[start : start + 256])]
    assert got == expected
    assert len(expected) > 700
    full = [ring.count == ring.capacity for ring in state.sets.values()]
    assert all(full) if growing_set == 40 else not any(full), "both paths: in-chunk updates and overwrites"
    assert state.thresholds == reference.thresholds


def test_shapiro_without_the_wrapper_is_scipys_shapiro():
    from scipy.stats import shapiro

    values = np.random.default_rng(0).gamma(2.0, size=700)
    assert prada._shapiro_w(values) == float(shapiro(values).statistic)


def _reference_flatten(value):
    out = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (bool, int, float)):
            out.append(float(item))
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
    return tuple(x if np.isfinite(x) else 0.0 for x in out)


@pytest.mark.parametrize(
    "value",
    [
        [1, 2.5, -3e-7, True],
        [1.0, float("nan"), float("inf"), 2],
        {"features": [0.5, 1], "caller": "c", "extra": {"a": 3, "b": [4.0, "x", None, [5]]}},
        [[1, 2], [3, {"k": 4.5}], "7", None],
        {"f0": 1.5, "f1": 2, "f2": False},
        [],
    ],
)
def test_flatten_fast_paths_keep_order_and_values(value):
    assert payload._flatten(value) == _reference_flatten(value)


def test_csv_fast_path_reads_what_the_csv_module_reads():
    import csv
    import io

    for text in ("1.5,2,x\n\n3,4e-2,\n", "1, 2 ,3", "a,b\n1,2\n", '"1,5",2\n3,4', "1,2\r\n3,4\r\n", "7\n"):
        expected = [row for row in csv.reader(io.StringIO(text)) if row]
        assert payload._csv_rows(text) == expected, text


def test_response_decimals_are_counted_per_float_token():
    body = '{"predictions": [{"scores": [0.125, 1.5e-05, 3, 2E+2], "labels": ["0.123456789", "1"]}]}'
    (answer,) = payload.parse_response(body, "JSON")
    tokens = ["0.125", "1.5e-05", "2E+2"]  # the integer 3 and the strings do not count
    assert answer.exposure.decimals == max(payload._decimals_of(t) for t in tokens) == 6


@pytest.mark.parametrize(
    ("capacity", "sizes"), [(256, [5, 11, 256, 3, 200, 256]), (40, [1, 16, 17, 40, 7, 90])]
)
def test_ring_extend_is_add_row_by_row(capacity, sizes):
    rng = np.random.default_rng(capacity)
    one, many = Ring(7, capacity), Ring(7, capacity)
    for size in sizes:
        z = rng.normal(size=(size, 7)) * 3
        keys = [bytes([int(v)]) for v in rng.integers(0, 50, size=size)]  # repeated keys
        for row, key in zip(z, keys, strict=True):
            one.add(row, None, key)
        many.extend(z, keys)
        assert (many.count, many.next, many.keys, many.present) == (
            one.count,
            one.next,
            one.keys,
            one.present,
        )
        assert np.array_equal(many.rows[: many.count], one.rows[: one.count])
        assert np.array_equal(many.squared[: many.count], one.squared[: one.count])


@pytest.mark.parametrize(
    "values",
    [
        [0.1, 0.7, 0.7, 0.2],
        [3, 1.5, True],
        [float("nan"), 0.2, 0.9],
        ["0.5", "x", 0.7, None],
        [-math.inf],
        [],
    ],
)
def test_argmax_fast_path_is_the_first_largest_number(values):
    best, best_value = 0, -math.inf
    for i, v in enumerate(values):
        try:
            number = float(v)
        except (TypeError, ValueError):
            number = -math.inf
        if number > best_value:
            best, best_value = i, number
    assert payload._argmax(values) == best
