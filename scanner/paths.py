"""Where the built-in policies, frameworks and report templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _builtin(name: str) -> Path:
    installed = _PACKAGE / "builtin" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def policies_dir() -> Path:
    """Built-in policy YAML files (``policies/`` in a checkout)."""
    return _builtin("policies")


def frameworks_dir() -> Path:
    """Built-in compliance framework files (``policies/frameworks``)."""
    return policies_dir() / "frameworks"


def templates_dir() -> Path:
    """Built-in Jinja report templates (``reports/`` in a checkout)."""
    return _builtin("reports")


def terraform_examples_dir() -> Path:
    """The bundled Terraform reference stacks (``terraform/`` in a checkout) that ``mlscan demo`` scans."""
    return _builtin("terraform")


def data_file(name: str) -> Path:
    """A data file shipped inside the package (``scanner/data``)."""
    return _PACKAGE / "data" / name
