"""Fixtures for the Azure tests: the ARM emulator with the bundled estate, and one live scan of it.

tests/azure has no __init__.py on purpose: as a package named ``azure`` it would shadow the
Azure SDK namespace.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scanner.clouds.base import LiveOptions, NullProgress, SourceResult
from scanner.sandbox.arm_emulator import Emulator, start_arm_emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with start_arm_emulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def live(emulator: Emulator) -> SourceResult:
    from scanner.clouds.azure.live import scan

    return scan(LiveOptions(azure_endpoint=emulator.url, max_workers=4), NullProgress())
