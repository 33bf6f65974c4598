"""`mlscan queries`: the fixed JSON contract, every format, --fail-on and the exit codes."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.sandbox.query_logs import write_sagemaker
from tests.queries.traffic import benign_rows, exchanges, population
from tests.report.schemas import sarif_errors


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    root = tmp_path_factory.mktemp("capture")
    write_sagemaker(root, "fraud-ep", population(np.random.default_rng(0)))
    return root


def _run(*args):
    return CliRunner().invoke(main, ["queries", *map(str, args)], catch_exceptions=False)


def test_json_contract(logs):
    result = _run(logs, "--format", "json")
    assert result.exit_code == 1  # the attackers' alerts are high
    data = json.loads(result.output)
    assert set(data) == {"endpoints", "alerts", "errors"}
    (endpoint,) = data["endpoints"]
    assert set(endpoint) == {"endpoint", "source_format", "queries", "clients", "exposure"}
    assert endpoint["endpoint"] == "fraud-ep" and endpoint["source_format"] == "sagemaker"
    assert endpoint["exposure"] == {"scores": "probabilities", "decimals": 4}
    keys = {
        "endpoint",
        "client",
        "detector",
        "attack",
        "query_index",
        "time",
        "score",
        "threshold",
        "severity",
        "evidence",
    }
    assert data["alerts"] and all(set(a) == keys for a in data["alerts"])
    assert {a["attack"] for a in data["alerts"]} <= {
        "extraction",
        "evasion",
        "membership",
        "inversion",
        "volume",
    }
    assert data["errors"] == []


def test_fail_on_decides_the_exit_code(logs):
    assert _run(logs, "--format", "json", "--fail-on", "critical").exit_code == 0
    assert _run(logs, "--format", "json", "--fail-on", "never").exit_code == 0


def test_html_markdown_and_sarif(logs, tmp_path):
    for fmt in ("html", "markdown", "sarif"):
        out = tmp_path / f"report.{fmt}"
        assert _run(logs, "--format", fmt, "--output", out, "--fail-on", "never").exit_code == 0
        text = out.read_text()
        assert "prober" in text and "fraud-ep" in text
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert sarif_errors(sarif) == []
    results = sarif["runs"][0]["results"]
    assert {r["properties"]["client"] for r in results} >= {"prober", "uniform"}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)


def test_html_escapes_logged_values(tmp_path):
    rng = np.random.default_rng(3)
    write_sagemaker(tmp_path / "c", "ep", exchanges(rng, "<script>x</script>", benign_rows(rng, 3)))
    out = tmp_path / "r.html"
    _run(tmp_path / "c", "--format", "html", "--output", out)
    assert "<script>x" not in out.read_text()


def test_console_format_lists_endpoints_and_alerts(logs):
    result = _run(logs, "--fail-on", "never")
    assert result.exit_code == 0
    assert "fraud-ep" in result.output and "near_duplicate" in result.output


def test_nothing_readable_exits_2_with_the_reasons(tmp_path):
    (tmp_path / "bad.jsonl").write_text("{nope\n")
    result = _run(tmp_path, tmp_path / "missing", "--format", "json")
    assert result.exit_code == 2
    reasons = [e["reason"] for e in json.loads(result.output)["errors"]]
    assert any("not JSON" in r for r in reasons) and any("no such file" in r for r in reasons)


def test_a_bad_client_pattern_is_a_usage_error(logs):
    assert _run(logs, "--client-pattern", "(").exit_code == 2
