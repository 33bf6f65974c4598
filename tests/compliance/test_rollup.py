"""Control roll-up: fail > unknown > pass, and "not assessed" is never a pass."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from report.sample import finding, resources, sample_result

from scanner.compliance import ControlStatus, load_frameworks, roll_up
from scanner.compliance.frameworks import Control, Framework
from scanner.model import Status

from .fixtures import FRAMEWORK_YAML


def framework(tmp_path: Path) -> Framework:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK_YAML, encoding="utf-8")
    return load_frameworks([tmp_path], builtin=False).frameworks[0]


def test_statuses_follow_the_rules(tmp_path: Path) -> None:
    result = roll_up(framework(tmp_path), sample_result().findings)
    status = {c.control.id: c.status for c in result.controls}
    assert status == {
        "C-ENC": ControlStatus.FAIL,  # one fail among passes and an unknown
        "C-NET": ControlStatus.FAIL,  # fails, one of them suppressed
        "C-LOG": ControlStatus.UNKNOWN,
        "C-NONE": ControlStatus.NOT_ASSESSED,  # policy ran on nothing
        "C-MANUAL": ControlStatus.NOT_ASSESSED,  # no automated policy
        "C-MIXED": ControlStatus.FAIL,  # fail beats unknown
    }
    by_id = {c.control.id: c for c in result.controls}
    assert by_id["C-NET"].suppressed == 1
    assert by_id["C-ENC"].reason == "1 of 4 checks failed"
    assert by_id["C-MANUAL"].reason == "no automated policy maps to this control"
    assert by_id["C-ENC"].resource_ids[0] == resources()[0].id
    assert result.counts() == {"fail": 3, "unknown": 1, "pass": 0, "not_assessed": 2}
    assert result.status is ControlStatus.FAIL


def test_pass_only_when_every_mapped_finding_passes() -> None:
    aws_ep, aws_nb, *_ = resources()
    control = Control("C1", "t", ("P-1",))
    fw = Framework("f", "F", "1", (control,))
    passing = [finding("P-1", aws_ep, Status.PASS), finding("P-1", aws_nb, Status.PASS)]
    assert roll_up(fw, passing).controls[0].status is ControlStatus.PASS
    errored = [*passing, finding("P-1", aws_nb, Status.ERROR)]
    assert roll_up(fw, errored).controls[0].status is ControlStatus.UNKNOWN
    assert roll_up(fw, []).controls[0].status is ControlStatus.NOT_ASSESSED
    assert roll_up(fw, []).status is ControlStatus.NOT_ASSESSED


def test_provider_limited_framework_ignores_other_clouds() -> None:
    aws_ep, _, gcp_ep, _ = resources()
    fw = Framework("f", "F", "1", (Control("C1", "t", ("P-1",)),), providers=("gcp",))
    findings = [finding("P-1", aws_ep, Status.FAIL), finding("P-1", gcp_ep, Status.PASS)]
    control = roll_up(fw, findings).controls[0]
    assert control.status is ControlStatus.PASS
    assert control.findings == (findings[1],)
    assert (
        roll_up(replace(fw, providers=("azure",)), findings).controls[0].status is ControlStatus.NOT_ASSESSED
    )
