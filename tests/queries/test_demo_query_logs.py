"""`mlscan demo --query-logs`: the sandbox scan joins logged traffic to the bundled stack's endpoint."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from scanner.cli import main
from scanner.sandbox.query_logs import write_sagemaker
from tests.queries.traffic import population

ENDPOINT = "claims-classifier"
"""An endpoint of the bundled insecure AWS stack, which the demo scans besides the sandbox."""


def test_demo_with_query_logs_reports_the_measured_exposure_and_the_attackers(tmp_path):
    logs = tmp_path / "capture"
    traffic = population(np.random.default_rng(0))
    write_sagemaker(logs, ENDPOINT, traffic)
    out = tmp_path / "out"
    args = [
        "demo",
        "--query-logs",
        str(logs),
        "--format",
        "json",
        "--fail-on",
        "never",
        "--output-dir",
        str(out),
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "mlscan.json").read_text())
    endpoints = [r for r in data["resources"] if r["kind"] == "endpoint" and r["name"] == ENDPOINT]
    assert endpoints and all(e["facts"]["queries.analysed"] is True for e in endpoints)
    assert {e["facts"]["exposure.scores"] for e in endpoints} == {"probabilities"}
    alerts = [
        f for f in data["findings"] if f["policy_id"] == "MLS-EXP-007" and f["resource_name"] == ENDPOINT
    ]
    assert alerts and all(f["status"] == "fail" for f in alerts)
    lines = [line for f in alerts for line in f["evidence"]["facts.queries.attack_alerts"]]
    assert any("client prober" in line for line in lines) and any("client uniform" in line for line in lines)
    assert not any("client user-" in line for line in lines), "benign clients must not be reported"
