"""The gate options on `mlscan iac`: --fail-on, --waivers, --create-baseline / --baseline, inline skips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main

REPO = Path(__file__).resolve().parents[2]
INSECURE_AWS = str(REPO / "terraform" / "insecure" / "aws")


def iac(*args: str) -> tuple[int, str, str]:
    run = CliRunner().invoke(main, ["iac", *args])
    return run.exit_code, run.stdout, run.stderr


def failing_ids(path: Path) -> set[tuple[str, str]]:
    data = json.loads(path.read_text())
    return {
        (f["policy_id"], f["resource_id"])
        for f in data["findings"]
        if f["status"] == "fail" and not f["suppressed"]
    }


def test_create_baseline_then_only_new_findings_fail(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, err = iac(INSECURE_AWS, "-q", "--create-baseline", str(baseline))
    assert code == 0, err  # everything failing today is now accepted
    assert "baseline: wrote" in err or baseline.is_file()
    code, _, err = iac(INSECURE_AWS, "-q", "--baseline", str(baseline), "--fail-on", "low")
    assert code == 0, err
    # Shrink the baseline: the dropped entry is "new" again and fails the gate.
    data = json.loads(baseline.read_text())
    dropped = data["findings"].pop(0)
    baseline.write_text(json.dumps(data))
    code, _, err = iac(INSECURE_AWS, "-q", "--baseline", str(baseline), "--fail-on", "low")
    assert code == 1 and dropped["policy_id"] in err


def test_waivers_suppress_and_expired_waiver_fails(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code, _, _ = iac(INSECURE_AWS, "--format", "json", "-o", str(out), "-q", "--fail-on", "never")
    assert code == 0
    everything = {
        (f["policy_id"], f["resource_id"])
        for f in json.loads(out.read_text())["findings"]
        if f["status"] != "pass"
    }  # failures and unknowns alike can be accepted
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - {policy: 'MLS-*', resource: '*', reason: accepted for the test, owner: sec@example.com, expires: 2999-01-01}\n"
    )
    code, _, err = iac(INSECURE_AWS, "--format", "json", "-o", str(out), "-q", "--waivers", str(waivers))
    assert code == 0, err
    data = json.loads(out.read_text())
    waived = [f for f in data["findings"] if f["suppressed"]]
    assert {(f["policy_id"], f["resource_id"]) for f in waived} == everything
    assert waived[0]["suppressed"] == {
        "policy_id": waived[0]["policy_id"],
        "reason": "accepted for the test",
        "origin": "waiver",
        "owner": "sec@example.com",
        "expires": "2999-01-01",
    }
    waivers.write_text(waivers.read_text().replace("2999-01-01", "2020-01-01"))
    code, _, err = iac(INSECURE_AWS, "-q", "--waivers", str(waivers), "--fail-on", "never")
    assert code == 1
    assert f"waiver MLS-* on * ({waivers}:2, owner sec@example.com) expired on 2020-01-01" in err


def test_bad_waivers_file_is_a_usage_error(tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - policy: X\n")
    code, _, err = iac(INSECURE_AWS, "-q", "--waivers", str(waivers))
    assert code == 2 and f"{waivers}:2: waivers/0:" in err


def test_inline_skip_is_reported_suppressed_and_does_not_fail(tmp_path: Path) -> None:
    stack = tmp_path / "stack"
    shutil.copytree(INSECURE_AWS, stack)
    out = tmp_path / "r.json"
    iac(str(stack), "--format", "json", "-o", str(out), "-q", "--fail-on", "never")
    failing = sorted(failing_ids(out))
    policy_id, address = next((p, r) for p, r in failing if p == "MLS-NET-003")
    main_tf = stack / "main.tf"
    name = address.rsplit(".", 1)[-1]
    resource_type = address.rsplit(".", 2)[-2].split(":")[-1]
    header = f'resource "{resource_type}" "{name}" {{\n'
    text = main_tf.read_text()
    assert header in text
    main_tf.write_text(
        text.replace(header, header + f"  # mlscan:skip={policy_id} notebook is in a sandbox account\n")
    )
    iac(str(stack), "--format", "json", "-o", str(out), "-q", "--fail-on", "never")
    findings = json.loads(out.read_text())["findings"]
    skipped = [f for f in findings if f["policy_id"] == policy_id and f["resource_id"] == address]
    assert skipped and skipped[0]["status"] == "fail"
    assert skipped[0]["suppressed"]["reason"] == "notebook is in a sandbox account"
    assert (policy_id, address) not in failing_ids(out)
