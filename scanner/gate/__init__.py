"""The CI gate: severity threshold, baselines and waivers decide the exit code."""

from scanner.gate.baseline import (
    BaselineFileError,
    BaselineOutcome,
    compare_with_baseline,
    load_baseline,
    write_baseline,
)
from scanner.gate.decision import FAIL_ON, GateDecision, decide
from scanner.gate.waivers import Waiver, WaiverFileError, WaiverOutcome, apply_waivers, load_waivers

__all__ = [
    "FAIL_ON",
    "BaselineFileError",
    "BaselineOutcome",
    "GateDecision",
    "Waiver",
    "WaiverFileError",
    "WaiverOutcome",
    "apply_waivers",
    "compare_with_baseline",
    "decide",
    "load_baseline",
    "load_waivers",
    "write_baseline",
]
