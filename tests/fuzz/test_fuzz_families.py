"""Every fuzz family is registered in tests/fuzz/run.py, so ``make fuzz`` reports (and requires) its cases."""

from __future__ import annotations

import re
from pathlib import Path

from run import FAMILIES

HERE = Path(__file__).parent


def test_every_family_is_registered_in_the_runner() -> None:
    defined = {
        name
        for path in HERE.glob("test_fuzz_*.py")
        for name in re.findall(r'^\s*count\("(\w+)"\)', path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert defined and defined == set(FAMILIES)
