"""Provider adapters: each cloud has a live face (SDK → Resource) and a Terraform face.

The two faces of one cloud sit side by side so that one setting yields one fact
whichever way it was read. Live modules import their SDKs lazily: scanning only
AWS must never import the Google or Azure SDKs.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from scanner.clouds.base import LiveScanner, TerraformMapper

CLOUDS = ("aws", "azure", "gcp")


def terraform_mappers() -> Mapping[str, TerraformMapper]:
    """All Terraform type → mapper functions across clouds (no SDK imports involved)."""
    mappers: dict[str, TerraformMapper] = {}
    for cloud in CLOUDS:
        module = importlib.import_module(f"scanner.clouds.{cloud}.terraform")
        mappers.update(module.MAPPERS)
    return mappers


def live_scanner(cloud: str) -> LiveScanner:
    """The live ``scan`` function of one cloud; importing it is what loads that cloud's SDK."""
    module = importlib.import_module(f"scanner.clouds.{cloud}.live")
    return module.scan
