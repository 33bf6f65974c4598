"""ε for DP-SGD from its hyperparameters, with Google's dp-accounting library.

A job that says "noise multiplier 1.1" has not said how private it is: ε
depends on the sampling rate and the number of steps too. This module turns
what a job states into the (ε, δ) guarantee an auditor can compare with a
ceiling, and records every assumption it had to make on the way (δ, Poisson
sampling, microbatching), because each of them can move ε a lot.

dp-accounting (numpy, scipy, mpmath) takes about a second to import, so it is
imported only when an ε is actually computed; results are cached by parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from scanner import install_hint

ACCOUNTANTS = ("pld", "rdp")
DEFAULT_DELTA = 1e-5
PLD_DISCRETIZATION = 1e-3
"""PLD value discretization: within 0.01 of 1e-4 on the reference figures, at an eighth of the time."""


class EpsilonError(ValueError):
    """The parameters cannot give an ε (missing, out of range, or dp-accounting unavailable)."""


@dataclass(frozen=True)
class EpsilonResult:
    """An (ε, δ) guarantee and how it was obtained."""

    epsilon: float
    delta: float
    accountant: str
    """``pld`` or ``rdp``."""
    noise_multiplier: float
    """The σ used in the accounting (halved for microbatching)."""
    sample_rate: float
    steps: int
    delta_assumed: bool
    assumptions: tuple[str, ...]


def assumed_delta(dataset_size: int | None) -> float:
    """The δ used when a job states none: the smaller of 1e-5 and 1/N (a smaller δ gives a larger ε)."""
    if dataset_size:
        return min(DEFAULT_DELTA, 1.0 / dataset_size)
    return DEFAULT_DELTA


@lru_cache(maxsize=256)
def account(
    noise_multiplier: float, sample_rate: float, steps: int, delta: float, accountant: str = "pld"
) -> float:
    """ε of ``steps`` Poisson-subsampled Gaussian steps (DP-SGD), by the PLD or RDP accountant.

    Raises :class:`EpsilonError` on parameters outside the accountant's domain.
    """
    if accountant not in ACCOUNTANTS:
        raise EpsilonError(f"unknown accountant {accountant!r} (use pld or rdp)")
    if not noise_multiplier > 0:
        raise EpsilonError(f"noise multiplier must be > 0, got {noise_multiplier}")
    if not 0 < sample_rate <= 1:
        raise EpsilonError(f"sampling rate must be in (0, 1], got {sample_rate}")
    if steps < 1:
        raise EpsilonError(f"steps must be >= 1, got {steps}")
    if not 0 < delta < 1:
        raise EpsilonError(f"delta must be in (0, 1), got {delta}")
    try:
        import dp_accounting
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise EpsilonError(f"dp-accounting is not installed ({install_hint('privacy')})") from exc

    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(sample_rate, dp_accounting.GaussianDpEvent(noise_multiplier)),
        steps,
    )
    if accountant == "rdp":
        engine = dp_accounting.rdp.RdpAccountant()
    else:
        engine = dp_accounting.pld.PLDAccountant(value_discretization_interval=PLD_DISCRETIZATION)
    return float(engine.compose(event).get_epsilon(delta))


def dp_sgd_epsilon(
    noise_multiplier: float,
    *,
    batch_size: int | None = None,
    dataset_size: int | None = None,
    sample_rate: float | None = None,
    epochs: float | None = None,
    steps: int | None = None,
    delta: float | None = None,
    microbatches: int | None = None,
    poisson: bool | None = None,
    accountant: str = "pld",
) -> EpsilonResult:
    """ε of a DP-SGD run described the way training scripts describe it.

    The sampling rate is ``sample_rate`` or ``batch_size / dataset_size``; the steps are ``steps`` or
    ``ceil(epochs / q)`` (= ``ceil(epochs × N / batch)``, TF Privacy's convention). TF Privacy
    microbatches holding more than one example double the sensitivity, so σ is halved.
    Raises :class:`EpsilonError` naming what is missing.
    """
    assumptions: list[str] = []
    q = sample_rate
    if q is None:
        if not batch_size or not dataset_size:
            raise EpsilonError("need a sampling rate, or a batch size and a dataset size")
        if batch_size > dataset_size:
            raise EpsilonError(f"batch size {batch_size} is larger than the dataset size {dataset_size}")
        q = batch_size / dataset_size
    if steps is None:
        if epochs is None:
            raise EpsilonError("need the number of steps or of epochs")
        exact = epochs * dataset_size / batch_size if sample_rate is None else epochs / q
        steps = max(1, math.ceil(round(exact, 6)))

    sigma = noise_multiplier
    if microbatches is not None and microbatches > 0:
        examples_per_microbatch = (batch_size / microbatches) if batch_size else None
        if examples_per_microbatch is None:
            sigma = noise_multiplier / 2
            assumptions.append(
                f"num_microbatches={microbatches} with an unknown batch size: microbatches assumed to hold more "
                f"than one example, so the effective noise multiplier is halved to {sigma:g}"
            )
        elif examples_per_microbatch > 1:
            sigma = noise_multiplier / 2
            assumptions.append(
                f"microbatches of {examples_per_microbatch:g} examples double the sensitivity: "
                f"effective noise multiplier {noise_multiplier:g}/2 = {sigma:g}"
            )

    delta_assumed = delta is None
    if delta is None:
        delta = assumed_delta(dataset_size)
        basis = f"min(1e-5, 1/N), N={dataset_size}" if dataset_size else "no dataset size"
        assumptions.append(f"δ not stated: assumed δ = {delta:.3g} ({basis})")

    if poisson is False:
        assumptions.append(
            "batches are shuffled, not Poisson-sampled: ε accounted as Poisson understates the true ε"
        )
    elif poisson is None:
        assumptions.append(
            "batches assumed Poisson-sampled (Opacus default); with shuffled fixed-size batches the true ε is larger"
        )

    epsilon = account(float(sigma), float(q), int(steps), float(delta), accountant)
    return EpsilonResult(
        epsilon=epsilon,
        delta=float(delta),
        accountant=accountant,
        noise_multiplier=float(sigma),
        sample_rate=float(q),
        steps=int(steps),
        delta_assumed=delta_assumed,
        assumptions=tuple(assumptions),
    )
