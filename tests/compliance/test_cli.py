"""`mlscan frameworks list | show NAME`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main

from .fixtures import FRAMEWORK_YAML


def test_list_includes_builtin_and_user_frameworks(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK_YAML, encoding="utf-8")
    out = CliRunner().invoke(main, ["frameworks", "list", "--json", "--frameworks", str(tmp_path)])
    assert out.exit_code == 0, out.output
    rows = {row["id"]: row for row in json.loads(out.output)}
    assert rows["test-fw"] == {
        "id": "test-fw",
        "name": "Test Framework",
        "version": "1.0",
        "controls": 6,
        "automated": 5,
        "policies": 5,
    }
    assert "hipaa-security-rule" in rows


def test_show_prints_controls_and_marks_manual_ones(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK_YAML, encoding="utf-8")
    out = CliRunner().invoke(main, ["frameworks", "show", "test-fw", "--frameworks", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "C-MANUAL" in out.output and "not assessed" in out.output and "TST-ENC-001" in out.output
    data = json.loads(
        CliRunner().invoke(main, ["frameworks", "show", "hipaa-security-rule", "--json"]).output
    )
    assert any(c["id"] == "164.312(a)(2)(iv)" for c in data["controls"])


def test_unknown_framework_is_a_clear_error() -> None:
    out = CliRunner().invoke(main, ["frameworks", "show", "nope"])
    assert out.exit_code == 2
    assert "unknown framework 'nope'" in out.stderr


def test_broken_user_file_exits_2_with_location(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: bad\nname: B\nversion: '1'\ncontrols: []\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["frameworks", "list", "--frameworks", str(tmp_path)])
    assert out.exit_code == 2
    assert f"{tmp_path / 'bad.yaml'}:4" in out.output
