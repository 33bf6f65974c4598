"""docs/coverage.md names every Terraform type (and azapi ARM type) a mapper handles."""

from __future__ import annotations

from pathlib import Path

from scanner.clouds import terraform_mappers
from scanner.clouds.azure.terraform import AZAPI_TYPES


def test_every_mapped_type_is_in_docs_coverage(repo_root: Path) -> None:
    text = (repo_root / "docs" / "coverage.md").read_text(encoding="utf-8")
    lowered = text.lower()
    missing = [t for t in terraform_mappers() if f"`{t}`" not in text]
    missing += [t for t in AZAPI_TYPES if t.rsplit("/", 1)[-1] not in lowered]
    assert missing == []
