"""Small synthetic traffic for the query tests: benign clients and a few textbook attackers."""

from __future__ import annotations

import numpy as np

from scanner.sandbox.query_logs import Exchange, response_body

DIMENSION = 6


def _scores(x: np.ndarray) -> list[list[float]]:
    p = 1.0 / (1.0 + np.exp(-x[:, 0] - 0.5 * x[:, 1]))
    return np.stack([1 - p, p], axis=1).tolist()


def exchanges(
    rng: np.random.Generator,
    client: str | None,
    rows: np.ndarray,
    exposure: str = "probabilities",
    decimals: int = 4,
    minute: int = 0,
) -> list[Exchange]:
    """One request per row, answered by a fixed logistic model."""
    scores = _scores(rows)
    return [
        Exchange(
            client,
            f"2026-12-01T10:{(minute + i // 60) % 60:02d}:{i % 60:02d}Z",
            [row.tolist()],
            response_body([s], exposure, decimals),
        )
        for i, (row, s) in enumerate(zip(rows, scores, strict=True))
    ]


def benign_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    """Correlated Gaussian traffic (what ordinary clients send)."""
    mixing = np.random.default_rng(99).normal(size=(DIMENSION, DIMENSION)) * 0.5 + np.eye(DIMENSION)
    return rng.normal(size=(n, DIMENSION)) @ mixing


def near_duplicates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Noisy copies of one record (label-only membership probing)."""
    return benign_rows(rng, 1) + rng.normal(scale=0.01, size=(n, DIMENSION))


def uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    """Tramèr-style uniform queries over a wide box."""
    return rng.uniform(-12, 12, size=(n, DIMENSION))


def population(rng: np.random.Generator, clients: int = 30, per_client: int = 60) -> list[Exchange]:
    """Benign clients, one that retries every query, an attacker of each kind, interleaved in time."""
    out: list[Exchange] = []
    for c in range(clients):
        out += exchanges(rng, f"user-{c}", benign_rows(rng, per_client))
    retry = benign_rows(rng, 40)
    out += exchanges(rng, "retrier", np.repeat(retry, 3, axis=0))
    out += exchanges(rng, "prober", near_duplicates(rng, 80))
    out += exchanges(rng, "uniform", uniform(rng, 80))
    return sorted(out, key=lambda e: e.time)


def sign_steps(rng: np.random.Generator, seeds: int = 8, rounds: int = 3) -> np.ndarray:
    """Jacobian-style augmentation (Papernot et al.): each round adds x + λ·sign(direction) for every
    point so far, λ fixed per feature; here the direction is random, the step structure is the same."""
    points = benign_rows(rng, seeds)
    step = 0.4 * benign_rows(np.random.default_rng(5), 500).std(axis=0)
    for _ in range(rounds):
        points = np.vstack([points, points + step * np.sign(rng.normal(size=points.shape))])
    return points
