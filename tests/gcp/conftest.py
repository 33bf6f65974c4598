"""Shared fixtures: the Vertex emulator with the seeded estate, and scan helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scanner.clouds.base import LiveOptions, NullProgress, SourceResult
from scanner.sandbox.vertex_emulator import Emulator, start_vertex_emulator

PROJECT = "mlscan-demo"
US = f"projects/{PROJECT}/locations/us-central1"
EU = f"projects/{PROJECT}/locations/europe-west4"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with start_vertex_emulator() as emu:
        yield emu


def live_scan(emu: Emulator, **overrides) -> SourceResult:
    """Run the real live scanner (aiplatform_v1 REST clients) against ``emu``, retries off."""
    from scanner.clouds.gcp.live import scan

    fields = {"projects": (PROJECT,), "gcp_endpoint": emu.url, "extra": {"gcp_retry_timeout": 0}}
    fields.update(overrides)
    return scan(LiveOptions(**fields), NullProgress())


def by_id(result: SourceResult) -> dict:
    return {r.id: r for r in result.resources}
