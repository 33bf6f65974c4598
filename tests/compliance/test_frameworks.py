"""Framework files: schema validation with located errors, overrides, and the built-in set."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.compliance import load_frameworks

from .fixtures import FRAMEWORK_YAML


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_framework_loads_with_controls_and_policies(tmp_path: Path) -> None:
    write(tmp_path, "fw.yaml", FRAMEWORK_YAML)
    loaded = load_frameworks([tmp_path], builtin=False)
    assert loaded.errors == ()
    (fw,) = loaded.frameworks
    assert (fw.id, fw.name, fw.version) == ("test-fw", "Test Framework", "1.0")
    assert [c.id for c in fw.controls][:2] == ["C-ENC", "C-NET"]
    assert fw.controls[4].policies == ()
    assert fw.policy_ids() == {"TST-ENC-001", "TST-NET-001", "TST-LOG-001", "TST-NOPE-001", "TST-HRD-001"}
    assert loaded.get("Test Framework") is fw and loaded.get("TEST-FW") is fw


def test_invalid_file_is_a_located_error_and_others_still_load(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", FRAMEWORK_YAML)
    broken = FRAMEWORK_YAML.replace("    title: Logging\n", "")
    write(tmp_path, "b.yaml", broken.replace("id: test-fw", "id: broken"))
    loaded = load_frameworks([tmp_path], builtin=False)
    assert [f.id for f in loaded.frameworks] == ["test-fw"]
    (error,) = loaded.errors
    # The control without a title starts on line 11 of b.yaml.
    assert error.where == f"{tmp_path / 'b.yaml'}:11"
    assert "controls/2" in error.reason and "'title' is a required property" in error.reason


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", "id: x\nname: [unclosed\nversion: 1\n")
    (error,) = load_frameworks([tmp_path], builtin=False).errors
    assert error.where.startswith(str(tmp_path / "bad.yaml") + ":")
    assert "invalid YAML" in error.reason


def test_duplicate_control_ids_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, "dup.yaml", FRAMEWORK_YAML.replace("id: C-NET", "id: C-ENC"))
    loaded = load_frameworks([tmp_path], builtin=False)
    assert loaded.frameworks == ()
    assert "C-ENC" in loaded.errors[0].reason and "twice" in loaded.errors[0].reason


def test_unknown_keys_and_bad_policy_ids_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, "x.yaml", FRAMEWORK_YAML.replace("policies: [TST-ENC-001]", "policies: ['TST ENC']"))
    (error,) = load_frameworks([tmp_path], builtin=False).errors
    assert "does not match" in error.reason and error.where.endswith(":7")


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    loaded = load_frameworks([tmp_path / "nope"], builtin=False)
    assert loaded.errors[0].reason == "framework directory not found"


def test_user_framework_replaces_builtin_with_same_id(tmp_path: Path) -> None:
    builtin = load_frameworks()
    cis = builtin.get("cis-controls-v8.1")
    assert cis is not None
    write(tmp_path, "cis.yaml", FRAMEWORK_YAML.replace("id: test-fw", "id: cis-controls-v8.1"))
    tailored = load_frameworks([tmp_path]).get("cis-controls-v8.1")
    assert tailored is not None and tailored.name == "Test Framework"
    assert len(load_frameworks([tmp_path]).frameworks) == len(builtin.frameworks)


EXPECTED_BUILTIN = {
    "cis-controls-v8.1",
    "soc2-tsc-2017",
    "hipaa-security-rule",
    "nist-800-53-r5",
    "mitre-atlas",
    "owasp-ml-top-10",
    "mcsb-v1",
    "cis-azure-ml",
}


def test_builtin_frameworks_are_valid_and_complete() -> None:
    loaded = load_frameworks()
    assert loaded.errors == ()
    assert {f.id for f in loaded.frameworks} >= EXPECTED_BUILTIN


@pytest.mark.parametrize("framework_id", sorted(EXPECTED_BUILTIN))
def test_every_builtin_framework_has_automated_controls(framework_id: str) -> None:
    fw = load_frameworks().get(framework_id)
    assert fw is not None
    assert any(c.policies for c in fw.controls), f"{framework_id} maps no policy at all"
