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
