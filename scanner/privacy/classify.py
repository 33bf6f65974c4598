"""Deciding what a training job's DP evidence amounts to: dp, claimed, weak or none.

A job is *dp* only when it adds noise (σ > 0) to clipped gradients (a clipping
norm) and DP is not switched off: that is what DP-SGD is, whatever the library.
A target ε or a ``--dp`` switch without those parameters is a *claim*; a DP
library in the image with no parameters is *weak*. Generic names (Adam's
``epsilon``, a Huber ``delta``, ``c``, ``n``, ``sigma``) are accepted only beside
strong evidence, so an ordinary Adam job is never mistaken for a private one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scanner.privacy.names import BOOLEAN_PARAMS, FALSE_WORDS, TRUE_WORDS, Param
from scanner.privacy.parse import Observation, Reading

STATUSES = ("dp", "claimed", "weak", "none", "unknown")

_INTEGER = {
    Param.BATCH_SIZE,
    Param.PER_DEVICE_BATCH,
    Param.GRAD_ACCUMULATION,
    Param.DEVICES,
    Param.DATASET_SIZE,
    Param.STEPS,
    Param.MICROBATCHES,
}
_DP_SPECIFIC = {Param.SIGMA, Param.CLIP, Param.TARGET_EPSILON, Param.DELTA, Param.DP_ON, Param.DP_OFF}
# Plausible ranges (inclusive low, exclusive high) for values read under a generic name.
_GENERIC_RANGE = {
    Param.TARGET_EPSILON: (0.01, 100.0),
    Param.DELTA: (1e-15, 0.1),
    Param.DATASET_SIZE: (2, float("inf")),
    Param.CLIP: (1e-9, float("inf")),
    Param.SIGMA: (1e-9, float("inf")),
    Param.EPOCHS: (1e-9, float("inf")),
    Param.BATCH_SIZE: (1, float("inf")),
}
# Shape parameters that short options (Opacus ``-n`` epochs, ``-b`` batch size) give under a generic name.
_GENERIC_SHAPE = (Param.EPOCHS, Param.BATCH_SIZE)


@dataclass(frozen=True)
class Classification:
    """The DP status of one job, with the parameter values accepted and why."""

    status: str
    """One of :data:`STATUSES`."""
    values: dict[Param, Any]
    """Accepted values: floats / ints for numbers, bools for switches."""
    evidence: tuple[str, ...]
    """``origin.key=value`` lines for every accepted value and DP library."""
    notes: tuple[str, ...]
    """Why values were ignored, conflicts between sources, unreadable placeholders."""


def convert(param: Param, value: str | None) -> Any:
    """A typed value for ``param``, or None when ``value`` cannot mean it."""
    if param in BOOLEAN_PARAMS:
        text = "" if value is None else value.strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        return None
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if param in _INTEGER:
        if number != int(number) or number < 0:
            return None
        return int(number)
    return number


def _usable(param: Param, number: Any) -> bool:
    if number is None:
        return False
    if param in BOOLEAN_PARAMS:
        return True
    if param is Param.SIGMA:
        return number >= 0  # 0 is meaningful: no noise
    if param is Param.SAMPLE_RATE:
        return 0 < number <= 1  # an audio sample_rate=16000 is not a sampling probability
    if param is Param.DELTA:
        return 0 < number < 1
    return number > 0  # e.g. Hugging Face max_steps=-1 means "not set"


class _Picker:
    """Accepts the first usable observation per parameter and records conflicts."""

    def __init__(self, observations: Sequence[Observation]) -> None:
        self.observations = observations
        self.values: dict[Param, Any] = {}
        self.accepted: list[Observation] = []
        self.notes: list[str] = []
        self.shape_notes: list[str] = []
        """Notes about batch / epoch parameters: only worth reporting when they feed an ε."""

    def pick(self, param: Param, *, generic: bool) -> bool:
        candidates = [o for o in self.observations if o.param is param and o.generic is generic]
        chosen: Observation | None = None
        for observation in candidates:
            value = convert(param, observation.value)
            if not _usable(param, value):
                notes = self.notes if param in _DP_SPECIFIC else self.shape_notes
                notes.append(f"ignored {observation.line}: not a usable {param.value}")
                continue
            if generic:
                low, high = _GENERIC_RANGE[param]
                if not low <= value < high:
                    self.notes.append(
                        f"ignored {observation.line}: generic name, implausible as {param.value}"
                    )
                    continue
            if chosen is None:
                chosen = observation
                self.values[param] = value
                self.accepted.append(observation)
            elif value != self.values[param]:
                (self.notes if param in _DP_SPECIFIC else self.shape_notes).append(
                    f"conflicting {param.value}: {observation.line} ignored, {chosen.line} used"
                )
        return chosen is not None

    def has(self, param: Param, *, generic: bool) -> bool:
        return any(o.param is param and o.generic is generic for o in self.observations)

    def reject_generic(self, param: Param, reason: str) -> None:
        for observation in self.observations:
            if observation.param is param and observation.generic:
                self.notes.append(f"ignored {observation.line}: {reason}")


_STRONG_CONTEXT = "generic name, accepted only beside a noise multiplier and a clipping norm"


def _dp_context(reading: Reading) -> bool:
    """Evidence beyond the names themselves that a generic σ and clipping norm are DP-SGD's.

    A DP library in the image or command, a DP switch, Opacus's ``--secure-rng``, a DP-specific ε or δ,
    or a plausible generic δ beside them (Opacus's examples: ``--sigma 1.0 -c 1.0 --delta 1e-5``).
    """
    if reading.libraries:
        return True
    for observation in reading.observations:
        value = convert(observation.param, observation.value)
        if observation.param in (Param.DP_ON, Param.SECURE_RNG) and value is True:
            return True
        if observation.param in (Param.TARGET_EPSILON, Param.DELTA) and not observation.generic:
            return True
        if observation.param is Param.DELTA and value is not None and 1e-15 <= value < 0.1:
            return True
    return False


def classify(reading: Reading) -> Classification:
    """Classify one job's reading as dp, claimed, weak or none (``unknown`` is for unreadable jobs)."""
    picker = _Picker(reading.observations)
    strong_sigma = picker.pick(Param.SIGMA, generic=False)
    strong_clip = picker.pick(Param.CLIP, generic=False)
    if (
        not strong_sigma
        and not strong_clip
        and picker.has(Param.SIGMA, generic=True)
        and picker.has(Param.CLIP, generic=True)
        and _dp_context(reading)
    ):
        # e.g. Opacus's examples (--sigma, -c) or fsdp_llama3.py (--sigma, --max_grad_norm) beside DP context
        strong_sigma = picker.pick(Param.SIGMA, generic=True)
        strong_clip = picker.pick(Param.CLIP, generic=True)
    if not strong_sigma:
        if strong_clip:
            picker.pick(Param.SIGMA, generic=True)
        else:
            picker.reject_generic(Param.SIGMA, "generic name, accepted only beside a clipping norm")
    if not strong_clip:
        if strong_sigma:
            picker.pick(Param.CLIP, generic=True)
        else:
            picker.reject_generic(Param.CLIP, "generic name, accepted only beside a noise multiplier")

    sigma = picker.values.get(Param.SIGMA)
    evidenced = sigma is not None and sigma > 0 and Param.CLIP in picker.values
    for param in (Param.TARGET_EPSILON, Param.DELTA, Param.DATASET_SIZE):
        if not picker.pick(param, generic=False):
            if evidenced:
                picker.pick(param, generic=True)
            else:
                picker.reject_generic(param, _STRONG_CONTEXT)
    picked_first = (Param.SIGMA, Param.CLIP, Param.TARGET_EPSILON, Param.DELTA, Param.DATASET_SIZE)
    for param in (p for p in Param if p not in picked_first):
        if not picker.pick(param, generic=False) and evidenced and param in _GENERIC_SHAPE:
            picker.pick(param, generic=True)

    values = picker.values
    disabled = values.get(Param.DP_OFF) is True or values.get(Param.DP_ON) is False
    if disabled:
        status = "none"
        picker.notes.append("DP is switched off")
    elif evidenced:
        status = "dp"
    elif sigma is not None and sigma == 0:
        status = "none"
        picker.notes.append("noise multiplier is 0: no noise is added")
    elif (
        Param.TARGET_EPSILON in values or values.get(Param.DP_ON) is True or (sigma is not None and sigma > 0)
    ):
        status = "claimed"
        clip_seen = Param.CLIP in values or picker.has(Param.CLIP, generic=True)
        if clip_seen and Param.TARGET_EPSILON in values:
            picker.notes.append(
                "clipping norm with a target ε but no noise multiplier: the library may derive σ from the target "
                "(e.g. Opacus make_private_with_epsilon); state the noise multiplier to make DP verifiable"
            )
    elif reading.libraries:
        status = "weak"
    else:
        status = "none"

    # Batch sizes and epochs are every job's parameters: evidence only when they feed an ε.
    shape_counts = status in ("dp", "claimed")
    evidence = [o.line for o in picker.accepted if shape_counts or o.param in _DP_SPECIFIC]
    evidence.extend(f"library={name}" for name in reading.libraries)
    notes = picker.notes + (picker.shape_notes if shape_counts else [])
    return Classification(status, dict(values), tuple(evidence), tuple(notes) + reading.notes)
