"""What the live builders need to know besides the API object itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.model import Source


@dataclass(frozen=True)
class LiveContext:
    """One project × location being scanned, with the joins the builders need."""

    project: str
    location: str
    roles_of: Callable[[str], frozenset[str] | None]
    """Project roles of a service account email (None when the IAM policy could not be read)."""
    models: Mapping[str, Mapping[str, Any]] | None = field(default=None)
    """Models of this location by resource name (None when they could not be listed)."""

    @property
    def source(self) -> Source:
        """Live source pointing at the regional API the object came from."""
        return Source(kind="live", address=f"{self.location}-aiplatform.googleapis.com")
