"""Hostile plan JSON (issue 11 examples): each is an error entry naming the file, never a crash."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from scanner.iac.plan_loader import load_plan

PLAN = Path(__file__).resolve().parents[2] / "terraform" / "plans" / "aws-insecure.json"


def _good() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


def _addresses(path: Path) -> set[str]:
    return {r.address for r in load_plan(path)[0]}


@pytest.mark.parametrize("wrong", ["text", ["x"], True, 7])
def test_wrong_type_where_an_object_belongs_is_an_error_and_the_rest_loads(tmp_path: Path, wrong) -> None:
    document = _good()
    resources = document["planned_values"]["root_module"]["resources"]
    victim = resources[0]["address"]
    resources[0]["values"] = wrong  # values of one resource
    resources[1] = wrong  # one resource entry
    document["configuration"] = wrong
    document["resource_changes"] = {"not": "a list"}
    target = tmp_path / "plan.json"
    target.write_text(json.dumps(document))
    loaded, errors = load_plan(target)
    expected = _addresses(PLAN) - {
        victim,
        _good()["planned_values"]["root_module"]["resources"][1]["address"],
    }
    assert expected <= {r.address for r in loaded}
    reasons = [f"{e.where} {e.reason}" for e in errors]
    assert any("planned_values.root_module.resources[1]" in r and "expected an object" in r for r in reasons)
    assert any("configuration" in r for r in reasons) and any("resource_changes" in r for r in reasons)
    assert all(str(target) in e.where for e in errors)


def test_utf16_and_bom_plans_load_like_utf8(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8")
    for name, data in {
        "utf16.json": text.encode("utf-16"),
        "bom.json": codecs.BOM_UTF8 + text.encode(),
    }.items():
        (tmp_path / name).write_bytes(data)
        resources, errors = load_plan(tmp_path / name)
        assert not errors and {r.address for r in resources} == _addresses(PLAN)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"format_version": "1.2", "planned_values": {"x": "\xff\xfe"}}', "not UTF-8 text"),
        (b'{"format_version": "1.2", "planned_values": {}, "n": ' + b"9" * 5000 + b"}", "invalid JSON"),
        (b'{"format_version": "1.2", "planned_values": ' + b"[" * 900 + b"]" * 900 + b"}", "deeper than"),
        (b"", "empty file"),
        (b"<html><body>Bad Gateway</body></html>", "invalid JSON"),
    ],
)
def test_undecodable_or_unbounded_plans_are_one_line_errors(tmp_path: Path, data: bytes, reason: str) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(data)
    resources, errors = load_plan(target)
    assert resources == [] and len(errors) == 1
    assert reason in errors[0].reason and "\n" not in errors[0].reason
    assert errors[0].where.startswith(str(target))
