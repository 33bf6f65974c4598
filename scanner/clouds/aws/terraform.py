"""Terraform face of aws: maps Terraform blocks to normalized Resources (filled in by the aws adapter work)."""

from __future__ import annotations

from scanner.clouds.base import TerraformMapper

MAPPERS: dict[str, TerraformMapper] = {}
