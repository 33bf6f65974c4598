"""Evidence pack: per-control JSON with the resources behind it, redacted; manifest verification catches edits."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from compliance.fixtures import FRAMEWORK_YAML
from report.sample import sample_result

from scanner.cli import main
from scanner.compliance import load_frameworks, roll_up_all
from scanner.evidence import verify_pack, write_evidence_pack
from scanner.model import InputError
from scanner.redact import REDACTED
from scanner.redact import redact_value as redact
from scanner.report.json_contract import result_to_dict

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    (tmp_path / "fw").mkdir()
    (tmp_path / "fw" / "fw.yaml").write_text(FRAMEWORK_YAML, encoding="utf-8")
    frameworks = load_frameworks([tmp_path / "fw"], builtin=False).frameworks
    result = sample_result()
    leaky = replace(
        result.resources[0], raw={"environment": {"DB_PASSWORD": "hunter2"}, "client_secret": "s3cr3t"}
    )
    result = replace(result, resources=(leaky, *result.resources[1:]))
    write_evidence_pack(tmp_path / "pack", result, roll_up_all(frameworks, result.findings))
    return tmp_path / "pack"


def test_pack_layout_and_control_documents(pack_dir: Path) -> None:
    files = sorted(p.relative_to(pack_dir).as_posix() for p in pack_dir.rglob("*") if p.is_file())
    assert files[:5] == [
        "frameworks/test-fw/controls.csv",
        "frameworks/test-fw/controls/001-C-ENC.json",
        "frameworks/test-fw/controls/002-C-NET.json",
        "frameworks/test-fw/controls/003-C-LOG.json",
        "frameworks/test-fw/controls/004-C-NONE.json",
    ]
    assert {
        "manifest.json",
        "scan.json",
        "result.json",
        "report.html",
        "frameworks/test-fw/summary.json",
    } <= set(files)
    enc = json.loads((pack_dir / "frameworks/test-fw/controls/001-C-ENC.json").read_text())
    assert enc["status"] == "fail" and enc["reason"] == "1 of 4 checks failed"
    assert enc["control"] == {
        "id": "C-ENC",
        "title": "Encrypt data at rest",
        "description": "",
        "policies": ["TST-ENC-001"],
    }
    assert len(enc["findings"]) == 4 and len(enc["resources"]) == 4
    api = next(r for r in enc["resources"] if r["name"] == "api")
    assert "raw" not in api and api["account"] == "123456789012"
    configuration = json.loads((pack_dir / api["configuration_file"]).read_text())
    assert configuration["id"] == api["id"] and configuration["facts"]["encryption.cmk"] is False
    assert enc["findings"][0]["evidence"] == {"encryption.cmk": False}
    assert configuration["raw"] == {"environment": {"DB_PASSWORD": REDACTED}, "client_secret": REDACTED}
    assert len(list((pack_dir / "resources").iterdir())) == 4  # one file per resource, however many controls
    rows = list(csv.DictReader((pack_dir / "frameworks/test-fw/controls.csv").open()))
    assert [(r["control"], r["status"], r["failed"], r["suppressed"]) for r in rows[:2]] == [
        ("C-ENC", "fail", "1", "0"),
        ("C-NET", "fail", "2", "1"),
    ]
    manual = json.loads((pack_dir / "frameworks/test-fw/controls/005-C-MANUAL.json").read_text())
    assert manual["status"] == "not_assessed" and manual["findings"] == []


def test_secrets_never_reach_any_file(pack_dir: Path) -> None:
    for path in pack_dir.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "hunter2" not in text and "s3cr3t" not in text, path


def test_scan_metadata_says_who_what_when(pack_dir: Path) -> None:
    scan = json.loads((pack_dir / "scan.json").read_text())
    assert scan["tool"]["name"] == "mlscan" and scan["command"] == "mlscan iac terraform/insecure"
    assert scan["started_at"] == "2026-11-24T10:00:00+00:00"
    assert {"provider": "aws", "account": "123456789012"} in scan["accounts"]
    assert scan["policies"]["evaluated"] == ["TST-ENC-001", "TST-HRD-001", "TST-LOG-001", "TST-NET-001"]
    assert all(len(digest) == 64 for digest in scan["policies"]["files"].values())
    assert scan["operator"]["user"]
    (framework,) = scan["frameworks"]
    assert framework["id"] == "test-fw" and len(framework["sha256"]) == 64


def test_verify_detects_changed_missing_and_added_files(pack_dir: Path) -> None:
    clean = verify_pack(pack_dir)
    assert clean.ok and clean.checked == 15  # every file but the manifest
    control = pack_dir / "frameworks/test-fw/controls/002-C-NET.json"
    control.write_text(control.read_text().replace('"fail"', '"pass"'))
    (pack_dir / "report.html").unlink()
    (pack_dir / "frameworks" / "extra.json").write_text("{}")
    outcome = verify_pack(pack_dir)
    assert not outcome.ok
    assert outcome.changed == ("frameworks/test-fw/controls/002-C-NET.json",)
    assert outcome.missing == ("report.html",)
    assert outcome.added == ("frameworks/extra.json",)


def test_expected_digest_catches_a_rewritten_manifest(pack_dir: Path) -> None:
    from scanner.evidence.manifest import sha256_file, write_manifest

    original = sha256_file(pack_dir / "manifest.json")
    assert verify_pack(pack_dir, original).ok
    scan = pack_dir / "scan.json"
    scan.write_text(scan.read_text().replace("mlscan iac", "edited"))
    write_manifest(pack_dir, {"forged": True})  # an attacker re-hashes everything
    assert verify_pack(pack_dir).ok
    forged = verify_pack(pack_dir, original)
    assert not forged.ok and "digest differs" in forged.problems[0]


def test_verify_rejects_unsafe_or_missing_manifest(tmp_path: Path) -> None:
    assert "manifest missing" in verify_pack(tmp_path).problems[0]
    (tmp_path / "manifest.json").write_text(
        json.dumps({"algorithm": "sha256", "files": {"../etc/passwd": "0" * 64}})
    )
    assert "parent reference (..) in path" in verify_pack(tmp_path).problems[0]
    (tmp_path / "manifest.json").write_text("{")
    assert "unreadable manifest" in verify_pack(tmp_path).problems[0]


def test_refuses_to_overwrite_a_directory_that_is_not_a_pack(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(InputError):
        write_evidence_pack(tmp_path, sample_result(), ())
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_redact_keeps_names_and_setting_facts() -> None:
    data = {
        "Environment": {"TOKEN": "abc", "EMPTY": ""},
        "env": [{"name": "API_KEY", "value": "x"}],
        "primary_key": "k",
        "kms_key_id": "arn:aws:kms:…",
        "facts": {"auth.mode": "key"},
    }
    assert redact(data) == {
        "Environment": {"TOKEN": REDACTED, "EMPTY": ""},
        "env": [{"name": "API_KEY", "value": REDACTED}],
        "primary_key": REDACTED,
        "kms_key_id": "arn:aws:kms:…",
        "facts": {"auth.mode": "key"},
    }


def test_cli_evidence_from_iac_then_verify(tmp_path: Path) -> None:
    pack = tmp_path / "evidence"
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - {policy: MLS-HRD-*, reason: lab stack, owner: sec@example.com, expires: 2999-01-01}\n"
    )
    stack = REPO / "terraform" / "insecure" / "gcp"
    args = ["iac", str(stack), "-q", "--fail-on", "never", "--waivers", str(waivers), "--evidence", str(pack)]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    hipaa = pack / "frameworks" / "hipaa-security-rule" / "summary.json"
    assert json.loads(hipaa.read_text())["counts"]["fail"] > 0
    assert (pack / "inputs" / "waivers.yaml").read_text() == waivers.read_text()
    (target,) = json.loads((pack / "scan.json").read_text())["targets"]
    assert target["target"] == str(stack)
    if shutil.which("git") and (REPO / ".git").exists():
        assert len(target["commit"]) == 40 and isinstance(target["dirty"], bool)
    ok = CliRunner().invoke(main, ["evidence", "verify", str(pack)])
    assert ok.exit_code == 0 and ok.output.startswith("OK: ")
    (pack / "scan.json").write_text("{}")
    bad = CliRunner().invoke(main, ["evidence", "verify", str(pack)])
    assert bad.exit_code == 1 and "changed: scan.json" in bad.output


def test_cli_evidence_pack_from_saved_result(tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(result_to_dict(sample_result())))
    run = CliRunner().invoke(main, ["evidence", "pack", str(saved), str(tmp_path / "pack")])
    assert run.exit_code == 0 and "manifest sha256" in run.output
    assert verify_pack(tmp_path / "pack").ok
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    refused = CliRunner().invoke(main, ["evidence", "pack", str(saved), str(tmp_path / "other")])
    assert refused.exit_code == 2 and "not an mlscan evidence pack" in refused.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("[")
    bad = CliRunner().invoke(main, ["evidence", "pack", str(broken), str(tmp_path / "p2")])
    assert bad.exit_code == 2 and f"{broken}:1: invalid JSON" in bad.stderr
