"""One module per detector, all with the interface in :mod:`scanner.queries.detectors.base`.

``DETECTORS`` lists the per-client detectors in the order they run; Blacklight (account-agnostic)
runs over the stream of queries that carry no identity.
"""

from __future__ import annotations

from scanner.queries.detectors.base import Detector
from scanner.queries.detectors.blacklight import Blacklight
from scanner.queries.detectors.near_duplicate import NearDuplicate
from scanner.queries.detectors.out_of_distribution import OutOfDistribution
from scanner.queries.detectors.prada import Prada
from scanner.queries.detectors.step_pattern import StepPattern
from scanner.queries.detectors.volume import Volume


def per_client_detectors() -> list[Detector]:
    """Fresh detectors for clients with identity."""
    return [NearDuplicate(), OutOfDistribution(), StepPattern(), Prada(), Volume()]


def stream_detectors() -> list[Detector]:
    """Fresh detectors for an endpoint's stream of queries without identity."""
    return [Blacklight()]


__all__ = ["Detector", "per_client_detectors", "stream_detectors"]
