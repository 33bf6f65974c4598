"""The fuzz suite's shared machinery: case budgets, case counts per family, and the invariants.

Every family is a Hypothesis test named ``test_<family>`` whose body calls :func:`count`.
``FUZZ_SCALE`` multiplies every family's example budget (``make fuzz`` raises it and loops
rounds until its seconds budget is spent); failing examples are kept in the Hypothesis
database under ``.fuzz/examples`` and replayed first by every later ``make fuzz`` round.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / ".fuzz" / "examples"
CASES: Counter[str] = Counter()
"""family → cases generated in this process (added up and printed at the end of the run: tests/conftest.py)."""


def budget(examples: int, *, shrink: bool = True) -> settings:
    """Settings for one family: ``examples`` cases in ``make test``, times FUZZ_SCALE in ``make fuzz``.

    ``shrink=False`` for families whose case costs a second (a live scan through the fault proxy):
    Hypothesis would spend minutes shrinking one failure; the failing example is reported as drawn.

    ``make test`` (no FUZZ_SCALE) is derandomized (which implies no example database), so a CI
    run is repeatable and never turns red on a case drawn by chance; ``make fuzz`` sets
    FUZZ_SCALE, draws fresh seeds and replays the saved failures first.
    """
    scale_text = os.environ.get("FUZZ_SCALE")
    scale = float(scale_text or "1")
    return settings(
        max_examples=max(1, int(examples * scale)),
        derandomize=scale_text is None,
        deadline=None,
        database=None if scale_text is None else DirectoryBasedExampleDatabase(str(EXAMPLES)),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=True,
        phases=tuple(Phase) if shrink else tuple(p for p in Phase if p is not Phase.shrink),
    )


def count(family: str) -> None:
    """Record one generated case of ``family``."""
    CASES[family] += 1


def no_traceback(*texts: str) -> None:
    """An output never carries a Python traceback or a raw exception class line."""
    for text in texts:
        assert "Traceback (most recent call last)" not in text, text[-2000:]


def secrets_absent(secrets: Iterable[str], texts: Iterable[tuple[str, str]]) -> None:
    """No seeded secret appears in any (name, text) output."""
    for name, text in texts:
        for secret in secrets:
            assert secret not in text, f"seeded secret {secret!r} reached {name}"
