"""One record per live resource type and cloud: how it is listed and described, and what it becomes.

Each cloud keeps its records in ``scanner/clouds/<cloud>/types.py`` (``LIVE_TYPES``); the tables
its live face works from (AWS listings and type names, Vertex listers and builders, Azure type names)
are derived from them, and ``scanner/data/type_facts.yaml`` declares the facts of every
``provider_type`` (tests/test_live_types.py checks both). Builders are named, not imported, so the
records stay importable without any cloud SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LiveType:
    """One live resource type of one cloud."""

    name: str
    """The cloud face's own key for it (AWS listing kind, Vertex collection, Azure collection)."""
    kind: str
    """The :class:`scanner.model.Resource` kind it becomes."""
    provider_type: str
    """``Resource.resource_type`` as reported (``*`` stands for the computeType / jobType it carries)."""
    client: str
    """The SDK client (or client attribute) the calls go through."""
    listing: str
    """The listing call; empty when items are not listed but reached by reference (Azure model versions)."""
    describe: str | None
    """The call that reads one item in full; None when the listing answer is read as it is."""
    builder: str
    """``module:qualified.name`` of the function that turns the answer into Resources."""
    answer_key: str = ""
    """AWS: the listing answer's field holding the summaries."""
    name_field: str = ""
    """AWS: the summary field naming one item (``A/B`` joins two fields)."""
    builder_arg: str | None = None
    """When set, ``builder`` is a factory called with it (one builder shared by several collections)."""
    parent: str = ""
    """Listed per item of this other record (Vertex feature views per online store), not on its own."""

    def resolve_builder(self) -> Callable[..., Any]:
        """The builder function itself (imports its module, and so maybe the cloud's SDK)."""
        module, _, qualified = self.builder.partition(":")
        found: Any = importlib.import_module(module)
        for part in qualified.split("."):
            found = getattr(found, part)
        return found(self.builder_arg) if self.builder_arg is not None else found

    def type_name(self, variant: str = "") -> str:
        """The provider type with its ``*`` replaced by ``variant`` (an Azure computeType / jobType)."""
        return self.provider_type.replace("*", variant)


def by_name(types: tuple[LiveType, ...]) -> dict[str, LiveType]:
    """Records keyed by their face's own name."""
    return {t.name: t for t in types}
