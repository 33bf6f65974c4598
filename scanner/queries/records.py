"""The plain data the query analysis passes on: one logged query, one alert, one report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

ATTACKS = ("extraction", "evasion", "membership", "inversion", "volume")
SCORE_LEVELS = ("label", "top_k", "probabilities")
"""What a response reveals, least to most."""


@dataclass(frozen=True)
class Exposure:
    """What one response (or an endpoint's responses) reveals: ``label``, ``top_k`` or ``probabilities``.

    ``decimals`` is the most decimal places any score was written with (0 for labels only).
    """

    scores: str | None
    decimals: int = 0

    def widest(self, other: Exposure) -> Exposure:
        """The more revealing of two exposures (more scores, then more decimals)."""
        mine = SCORE_LEVELS.index(self.scores) if self.scores in SCORE_LEVELS else -1
        theirs = SCORE_LEVELS.index(other.scores) if other.scores in SCORE_LEVELS else -1
        scores = self.scores if mine >= theirs else other.scores
        return Exposure(scores, max(self.decimals, other.decimals))


@dataclass(frozen=True)
class Query:
    """One model input as logged, with what the model answered and who asked (when known)."""

    endpoint: str
    source_format: str
    """``sagemaker``, ``azureml`` or ``vertex``."""
    client: str | None
    """The caller as identified by ``--client-field`` / the traffic-log join; None without identity."""
    time: str | None
    """The log's own timestamp text (ISO 8601 or what the cloud wrote)."""
    features: tuple[float, ...]
    """The numeric input, flattened in the order the payload gave it."""
    label: str | None
    """The predicted class (argmax of the scores when the response holds scores)."""
    exposure: Exposure
    location: str
    """``file:line`` (or ``s3://…:line``) of the record, for evidence."""
    request_id: str | None = None


@dataclass(frozen=True)
class ReadError:
    """An input that could not be read: where and why. Nothing is dropped without one."""

    location: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"location": self.location, "reason": self.reason}


@dataclass(frozen=True)
class Alert:
    """One detector's decision that a client (or an endpoint stream) is attacking, with its reasons."""

    endpoint: str
    client: str | None
    detector: str
    attack: str
    query_index: int
    """1-based position of the query that raised the alert in the client's (or endpoint's) stream."""
    time: str | None
    score: float
    threshold: float
    severity: str
    evidence: dict[str, Any] = field(default_factory=dict)
    """statistic, how the threshold was calibrated, and the locations of the queries involved."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of one alert."""
        return {
            "endpoint": self.endpoint,
            "client": self.client,
            "detector": self.detector,
            "attack": self.attack,
            "query_index": self.query_index,
            "time": self.time,
            "score": _finite(self.score),
            "threshold": _finite(self.threshold),
            "severity": self.severity,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class EndpointSummary:
    """What was read for one endpoint: how many queries and clients, and the exposure measured."""

    endpoint: str
    source_format: str
    queries: int
    clients: int
    exposure: Exposure

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of one endpoint."""
        return {
            "endpoint": self.endpoint,
            "source_format": self.source_format,
            "queries": self.queries,
            "clients": self.clients,
            "exposure": {"scores": self.exposure.scores, "decimals": self.exposure.decimals},
        }


@dataclass(frozen=True)
class QueryReport:
    """Everything ``mlscan queries`` found: endpoints read, alerts raised, inputs that failed."""

    endpoints: tuple[EndpointSummary, ...]
    alerts: tuple[Alert, ...]
    errors: tuple[ReadError, ...]

    def to_dict(self) -> dict[str, Any]:
        """The fixed JSON shape of ``mlscan queries --format json``."""
        return {
            "endpoints": [e.to_dict() for e in self.endpoints],
            "alerts": [a.to_dict() for a in self.alerts],
            "errors": [e.to_dict() for e in self.errors],
        }


def _finite(value: float) -> float | None:
    number = float(value)
    return round(number, 6) if np.isfinite(number) else None
