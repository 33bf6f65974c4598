"""Helpers shared by the Azure tests."""

from __future__ import annotations

from scanner.clouds.base import SourceResult
from scanner.model import Resource

PROD = "11111111-1111-1111-1111-111111111111"
RESEARCH = "22222222-2222-2222-2222-222222222222"


def named(result: SourceResult, name: str) -> Resource:
    """The one resource called ``name``."""
    found = [r for r in result.resources if r.name == name]
    assert len(found) == 1, f"{name}: {[r.name for r in result.resources]}"
    return found[0]
