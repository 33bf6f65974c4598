"""Fixtures for the report tests: the sample result rendered with a small framework."""

from __future__ import annotations

from pathlib import Path

import pytest
from compliance.fixtures import FRAMEWORK_YAML

from scanner.compliance import load_frameworks, roll_up_all
from scanner.report.context import ReportContext

from .sample import sample_result


@pytest.fixture
def ctx(tmp_path: Path) -> ReportContext:
    (tmp_path / "fw").mkdir()
    (tmp_path / "fw" / "fw.yaml").write_text(FRAMEWORK_YAML, encoding="utf-8")
    frameworks = load_frameworks([tmp_path / "fw"], builtin=False).frameworks
    result = sample_result()
    return ReportContext(result, roll_up_all(frameworks, result.findings))
