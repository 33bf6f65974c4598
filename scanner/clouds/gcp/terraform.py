"""Terraform face of gcp: maps Terraform blocks to normalized Resources (filled in by the gcp adapter work)."""

from __future__ import annotations

from scanner.clouds.base import TerraformMapper

MAPPERS: dict[str, TerraformMapper] = {}
