"""Compliance: framework files (data) and the roll-up of findings into control statuses."""

from scanner.compliance.frameworks import Control, Framework, FrameworkSet, load_frameworks
from scanner.compliance.rollup import (
    ControlResult,
    ControlStatus,
    FrameworkResult,
    controls_by_policy,
    roll_up,
    roll_up_all,
)

__all__ = [
    "Control",
    "ControlResult",
    "ControlStatus",
    "Framework",
    "FrameworkResult",
    "FrameworkSet",
    "controls_by_policy",
    "load_frameworks",
    "roll_up",
    "roll_up_all",
]
