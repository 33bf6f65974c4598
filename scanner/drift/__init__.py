"""Drift: the same resource in Terraform and live, with different facts (``mlscan scan --terraform PATH``)."""

from scanner.drift.compare import DRIFT_POLICY, DriftItem, DriftMatch, compare, drift_findings

__all__ = ["DRIFT_POLICY", "DriftItem", "DriftMatch", "compare", "drift_findings"]
