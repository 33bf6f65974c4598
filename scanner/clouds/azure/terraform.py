"""Terraform face of azure: maps Terraform blocks to normalized Resources (filled in by the azure adapter work)."""

from __future__ import annotations

from scanner.clouds.base import TerraformMapper

MAPPERS: dict[str, TerraformMapper] = {}
