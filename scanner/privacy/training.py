"""Privacy facts for a training job, from whatever of its configuration a source could read.

Every cloud adapter (live and Terraform) calls :func:`privacy_facts` with the job's
hyperparameters, arguments, environment and tags, so DP is recognized the same way
everywhere. The implementation lives in :mod:`scanner.privacy.assess`; this is the contract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TrainingInputs:
    """What a source could read of one training job's configuration."""

    hyperparameters: Mapping[str, str] = field(default_factory=dict)
    """SageMaker HyperParameters (values may be JSON-encoded strings)."""
    arguments: Sequence[str] = ()
    """Container / worker-pool arguments (``--k=v``, ``--k v``, flags)."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Environment variables (values are read for DP names only, never stored)."""
    command: str | None = None
    """Azure ML command string, with ``${{inputs.x}}`` placeholders."""
    inputs: Mapping[str, Any] = field(default_factory=dict)
    """Azure ML job inputs that placeholders resolve from."""
    tags: Mapping[str, str] = field(default_factory=dict)
    image: str | None = None
    """Container image URI (a DP library in it is weak evidence)."""
    origin: str = ""
    """Prefix for evidence lines, e.g. ``HyperParameters``."""
    metrics: Mapping[str, float] = field(default_factory=dict)
    """Final metrics the job logged (SageMaker FinalMetricDataList, Vertex trial final measurements):
    an ε logged by the job's own accountant is read from here."""
    readable: bool = True
    """False when the job's configuration could not be read: every privacy fact is unknown."""


def privacy_facts(inputs: TrainingInputs) -> dict[str, Any]:
    """The ``privacy.*`` facts of a training job (see scanner/data/facts.yaml).

    ``privacy.dp`` is True only with evidence of DP-SGD (σ > 0 and a clipping norm), False when the
    configuration shows no DP (or DP switched off), and None when it is claimed, weak or unreadable.
    ε is computed with dp-accounting (PLD) where σ, the sampling rate and the steps are known.
    """
    from scanner.privacy.assess import assess

    return assess(inputs)
