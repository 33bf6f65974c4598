"""Vertex listings whose nextPageToken comes back forever (issue 11): an error entry, never a hang."""

from __future__ import annotations

from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.gcp.conftest import live_scan


def test_a_repeated_next_page_token_is_reported_not_followed_forever() -> None:
    with start_vertex_emulator(endless=True) as emu:
        result = live_scan(emu, locations=("us-central1",))
    reasons = [e.reason for e in result.errors]
    assert reasons and all("endless pagination" in r for r in reasons), reasons
    assert all("\n" not in r for r in reasons)
