"""Fuzz suite configuration: print how many cases each family generated."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fuzz_harness import CASES, write_counts  # noqa: E402


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001, ARG001
    """One line: cases per fuzz family, so the suite's reach is visible in every run."""
    if CASES:
        families = ", ".join(f"{name} {n}" for name, n in sorted(CASES.items()))
        terminalreporter.write_line(f"fuzz cases: {families} (total {sum(CASES.values())})")
    write_counts(os.environ.get("FUZZ_COUNTS"))
