"""The ``privacy.*`` facts of a training job: read, classify, then account for ε.

Kept apart from :mod:`scanner.privacy.training` (the contract every adapter
imports) so that adapters do not pay for the privacy code until they call it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from scanner.privacy.classify import Classification, classify
from scanner.privacy.epsilon import EpsilonError, EpsilonResult, dp_sgd_epsilon
from scanner.privacy.names import Param, normalize
from scanner.privacy.parse import read
from scanner.privacy.training import TrainingInputs

FACT_NAMES = (
    "privacy.dp",
    "privacy.status",
    "privacy.epsilon",
    "privacy.delta",
    "privacy.accountant",
    "privacy.evidence",
    "privacy.assumptions",
)

_DP_FACT = {"dp": True, "none": False}
_EPSILON_METRICS = frozenset(
    {"epsilon", "eps", "ε", "final_epsilon", "spent_epsilon", "privacy_epsilon", "dp_epsilon"}
)
_METRIC_PREFIXES = ("train_", "training_", "validation_", "val_", "test_", "final_")


def logged_epsilon(metrics: Mapping[str, Any]) -> tuple[str, float] | None:
    """The ε a job logged as a final metric (Opacus ``privacy_engine.get_epsilon`` written by the job), if any.

    Metric names are normalized like parameter names, with ``train:`` style prefixes dropped.
    """
    for name, value in metrics.items():
        key = normalize(str(name).replace(":", "_").replace("/", "_"))
        for prefix in _METRIC_PREFIXES:
            if key.startswith(prefix) and key[len(prefix) :] in _EPSILON_METRICS:
                key = key[len(prefix) :]
        if key not in _EPSILON_METRICS:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number) and number > 0:
            return str(name), number
    return None


def unknown_facts(reason: str) -> dict[str, Any]:
    """Every privacy fact unknown, with the reason as the only assumption."""
    return {
        "privacy.dp": None,
        "privacy.status": "unknown",
        "privacy.epsilon": None,
        "privacy.delta": None,
        "privacy.accountant": None,
        "privacy.evidence": [],
        "privacy.assumptions": [reason],
    }


def assess(inputs: TrainingInputs, *, accountant: str = "pld") -> dict[str, Any]:
    """The privacy facts of one job (see scanner/data/facts.yaml for their meanings)."""
    if not inputs.readable:
        return unknown_facts("the job's configuration could not be read")
    result = classify(read(inputs))
    logged = logged_epsilon(inputs.metrics)
    if logged is not None and result.status in ("none", "weak") and "DP is switched off" not in result.notes:
        # A job that logs an ε ran a privacy accountant: a claim, even without readable DP parameters.
        result = replace(result, status="claimed")
    facts: dict[str, Any] = {
        "privacy.dp": _DP_FACT.get(result.status),
        "privacy.status": result.status,
        "privacy.epsilon": None,
        "privacy.delta": None,
        "privacy.accountant": None,
        "privacy.evidence": list(result.evidence),
        "privacy.assumptions": list(result.notes),
    }
    if logged is not None and result.status != "none":
        facts["privacy.evidence"].append(f"metrics.{logged[0]}={logged[1]:g}")
    values = result.values
    stated_epsilon = values.get(Param.TARGET_EPSILON)
    if result.status == "dp":
        try:
            computed = compute(result, accountant)
        except EpsilonError as exc:
            facts["privacy.assumptions"].append(f"ε not computed: {exc}")
        else:
            facts["privacy.epsilon"] = round(computed.epsilon, 4)
            facts["privacy.delta"] = computed.delta
            facts["privacy.accountant"] = computed.accountant
            facts["privacy.assumptions"].extend(computed.assumptions)
            facts["privacy.assumptions"].append(
                f"ε from σ={computed.noise_multiplier:g}, q={computed.sample_rate:.6g}, "
                f"steps={computed.steps} ({computed.accountant.upper()} accountant)"
            )
            if stated_epsilon is not None and computed.epsilon > stated_epsilon * 1.05:
                facts["privacy.assumptions"].append(
                    f"computed ε = {computed.epsilon:.2f} exceeds the stated target ε = {stated_epsilon:g}"
                )
            if logged is not None and abs(logged[1] - computed.epsilon) > 0.05 * computed.epsilon:
                facts["privacy.assumptions"].append(
                    f"the job logged ε = {logged[1]:g} ({logged[0]}); recomputed from its parameters ε = "
                    f"{computed.epsilon:.2f}: the recomputed value is used"
                )
            return facts
    if result.status in ("dp", "claimed") and logged is not None:
        facts["privacy.epsilon"] = logged[1]
        facts["privacy.delta"] = values.get(Param.DELTA)
        facts["privacy.accountant"] = "logged"
        facts["privacy.assumptions"].append(
            f"ε is the value the job logged as its final metric {logged[0]}, not recomputed from its parameters"
        )
    elif result.status in ("dp", "claimed") and stated_epsilon is not None:
        facts["privacy.epsilon"] = stated_epsilon
        facts["privacy.delta"] = values.get(Param.DELTA)
        facts["privacy.accountant"] = "stated"
        facts["privacy.assumptions"].append("ε is the job's stated target, not computed from its parameters")
        if Param.DELTA not in values:
            facts["privacy.assumptions"].append(
                "the target ε is a claim at a δ the job does not state: it cannot be compared at a known δ"
            )
    return facts


def global_batch_size(values: dict[Param, Any]) -> tuple[int | None, list[str]]:
    """The batch size of one optimizer step across devices and accumulation, with assumptions."""
    if Param.BATCH_SIZE in values:
        return int(values[Param.BATCH_SIZE]), []
    per_device = values.get(Param.PER_DEVICE_BATCH)
    devices = values.get(Param.DEVICES)
    if per_device is None or devices is None:
        return None, []
    notes = []
    accumulation = values.get(Param.GRAD_ACCUMULATION)
    if accumulation is None:
        accumulation = 1
        notes.append("gradient accumulation not stated: assumed 1")
    total = int(per_device) * int(devices) * int(accumulation)
    notes.append(
        f"global batch = {per_device} per device × {devices} devices × {accumulation} accumulation = {total}"
    )
    return total, notes


def compute(result: Classification, accountant: str = "pld") -> EpsilonResult:
    """ε for a job classified ``dp`` (raises :class:`EpsilonError` naming what is missing)."""
    values = result.values
    batch, batch_notes = global_batch_size(values)
    if batch is None and Param.SAMPLE_RATE not in values and Param.PER_DEVICE_BATCH in values:
        raise EpsilonError("only a per-device batch size is stated; the number of devices is unknown")
    computed = dp_sgd_epsilon(
        values[Param.SIGMA],
        batch_size=batch,
        dataset_size=values.get(Param.DATASET_SIZE),
        sample_rate=values.get(Param.SAMPLE_RATE),
        epochs=values.get(Param.EPOCHS),
        steps=values.get(Param.STEPS),
        delta=values.get(Param.DELTA),
        microbatches=values.get(Param.MICROBATCHES),
        poisson=values.get(Param.POISSON),
        accountant=accountant,
    )
    if batch_notes:
        computed = replace(computed, assumptions=tuple(batch_notes) + computed.assumptions)
    return computed
