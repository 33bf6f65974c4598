"""The CI gate decision: exit code plus the sentences that explain it.

Exit codes (README): 0 nothing failing at or above ``--fail-on``; 1 failing
findings (not suppressed, not baselined, not waived) at or above the threshold,
or an expired waiver; 2 is reserved for usage and input errors (set by the CLI).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanner.gate.waivers import Waiver
from scanner.model import ScanResult, Severity

FAIL_ON = ("critical", "high", "medium", "low", "info", "never")


@dataclass(frozen=True)
class GateDecision:
    """Whether CI should fail, and why."""

    exit_code: int
    reasons: tuple[str, ...]


def decide(result: ScanResult, fail_on: str, expired_waivers: Sequence[Waiver] = ()) -> GateDecision:
    """Judge ``result`` against the ``fail_on`` threshold; expired waivers always fail the gate."""
    reasons: list[str] = []
    if fail_on != "never":
        threshold = Severity(fail_on)
        failing = [f for f in result.findings if f.failing and f.severity.at_least(threshold)]
        if failing:
            worst = max(f.severity.rank for f in failing)
            worst_name = next(s.value for s in Severity if s.rank == worst)
            reasons.append(
                f"{len(failing)} failing finding(s) at or above {fail_on} (worst: {worst_name}); "
                f"first: {failing[0].policy_id} on {failing[0].resource_name} ({failing[0].source})"
            )
    for waiver in expired_waivers:
        reasons.append(
            f"{waiver.describe()} expired on {waiver.expires.isoformat()}: renew it with a new reason or fix the finding"
        )
    return GateDecision(1 if reasons else 0, tuple(reasons))
