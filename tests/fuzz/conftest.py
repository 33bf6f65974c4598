"""Fuzz suite configuration: the harness on the path, and this process's case counts handed to the summary.

tests/conftest.py prints the cases per family at the end of the run (and adds them to ``FUZZ_COUNTS``
for ``make fuzz``). Under pytest-xdist each worker generates its own cases, so a worker hands its
counts to the controller through ``workeroutput``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fuzz_harness import CASES  # noqa: E402


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_cases"] = dict(CASES)
