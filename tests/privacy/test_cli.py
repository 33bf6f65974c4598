"""``mlscan privacy epsilon`` through the real click entry point."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scanner.cli import main

REFERENCE = [
    "privacy",
    "epsilon",
    "--noise-multiplier",
    "1.1",
    "--batch-size",
    "256",
    "--dataset-size",
    "60000",
    "--epochs",
    "60",
    "--delta",
    "1e-5",
]


def test_prints_epsilon_steps_and_sampling_rate():
    result = CliRunner().invoke(main, REFERENCE)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("ε = 2.3") and "δ = 1e-05" in first and "assumed" not in first
    assert float(first.split()[2]) == pytest.approx(2.38, abs=0.015)
    assert "steps: 14063" in result.output
    assert "sampling rate q: 0.00426667" in result.output


def test_json_with_rdp_accountant():
    result = CliRunner().invoke(main, [*REFERENCE, "--accountant", "rdp", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["epsilon"] == pytest.approx(2.60, abs=0.01)
    assert payload["accountant"] == "rdp"
    assert payload["steps"] == 14063
    assert payload["delta_assumed"] is False


def test_missing_delta_and_microbatches_are_reported():
    args = [
        "privacy",
        "epsilon",
        "-s",
        "1.1",
        "-b",
        "256",
        "-n",
        "60000",
        "-e",
        "60",
        "--microbatches",
        "32",
        "--json",
    ]
    payload = json.loads(CliRunner().invoke(main, args).output)
    assert payload["delta_assumed"] is True and payload["delta"] == 1e-5
    assert payload["effective_noise_multiplier"] == pytest.approx(0.55)
    assert any("δ not stated" in a for a in payload["assumptions"])


def test_missing_parameters_are_a_usage_error():
    result = CliRunner().invoke(main, ["privacy", "epsilon", "--noise-multiplier", "1.1", "--epochs", "3"])
    assert result.exit_code == 2
    assert "need a sampling rate, or a batch size and a dataset size" in result.output


def _saved_result(tmp_path, with_risk: bool):
    from scanner.model import Resource, ScanResult, Source
    from scanner.privacy.risk import join_served_privacy, risk_to_dict
    from scanner.report.json_contract import result_to_dict

    live = Source(kind="live")
    resources = (
        Resource(
            "gcp",
            "aiplatform",
            "endpoint",
            "projects/p/locations/l/endpoints/1",
            "patients",
            live,
            facts={"network.public": True, "auth.mode": "iam", "exposure.neighbors": True},
            links=("projects/p/locations/l/models/2",),
        ),
        Resource(
            "gcp",
            "aiplatform",
            "model",
            "projects/p/locations/l/models/2",
            "m",
            live,
            links=("projects/p/locations/l/customJobs/3",),
        ),
        Resource(
            "gcp",
            "aiplatform",
            "training_job",
            "projects/p/locations/l/customJobs/3",
            "j",
            live,
            facts={"privacy.dp": False, "privacy.status": "none", "privacy.epsilon": None},
            tags={"data-classification": "phi"},
        ),
    )
    extras = (
        {"privacy_risk": [risk_to_dict(s) for s in join_served_privacy(resources)[1]]} if with_risk else {}
    )
    result = ScanResult(resources, (), (), "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", extras=extras)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result_to_dict(result)))
    return path


@pytest.mark.parametrize("with_risk", [True, False])
def test_risk_command_reads_a_saved_result(tmp_path, with_risk):
    path = _saved_result(tmp_path, with_risk)
    payload = json.loads(CliRunner().invoke(main, ["privacy", "risk", str(path), "--json"]).output)
    assert payload[0]["endpoint_name"] == "patients"
    assert payload[0]["level"] == "critical"
    assert "trained without DP on PHI data" in payload[0]["factors"]
    table = CliRunner().invoke(main, ["privacy", "risk", str(path)], terminal_width=200)
    assert table.exit_code == 0 and "patients" in table.output and "critical" in table.output


def test_risk_command_rejects_a_non_result(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    result = CliRunner().invoke(main, ["privacy", "risk", str(path)])
    assert result.exit_code == 2 and "not an mlscan JSON result" in result.output
