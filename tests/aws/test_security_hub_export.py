"""--security-hub: a live scan imports its AWS findings into Security Hub (moto), the only write call.

Every API operation of the scan is recorded: all are List/Describe/Get except BatchImportFindings,
which goes to Security Hub only. Counts come from the scan's own JSON result.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.aws.aws_helpers import REGIONS


def test_security_hub_import_is_the_only_write(
    estate: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []
    original = boto3.Session.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register(
            "before-call", lambda model, **_: calls.append((model.service_model.service_name, model.name))
        )

    monkeypatch.setattr(boto3.Session, "__init__", init)
    hub = boto3.client("securityhub", region_name=REGIONS[0])
    hub.enable_security_hub()
    calls.clear()
    run = CliRunner().invoke(
        main,
        ["scan", "--cloud", "aws", "--regions", ",".join(REGIONS), "--security-hub", "--format", "json"],
        catch_exceptions=False,
    )
    document = json.loads(run.stdout)
    live = [f for f in document["findings"] if f["provider"] == "aws"]
    assert live and not [e for e in document["errors"] if e["where"].startswith("security-hub")]
    writes = {(service, op) for service, op in calls if not op.startswith(("List", "Describe", "Get"))}
    assert writes == {("securityhub", "BatchImportFindings")}
    assert f"imported {len(live)} finding(s)" in run.stderr
    stored = hub.get_findings(MaxResults=100)["Findings"]
    assert stored and {f["GeneratorId"] for f in stored} <= {f"mlscan/{f['policy_id']}" for f in live}


def test_a_region_without_security_hub_is_an_error_entry(estate: dict[str, Any]) -> None:
    from scanner.alerts.securityhub import import_findings
    from scanner.report.context import ReportContext
    from scanner.report.json_contract import result_from_dict

    run = CliRunner().invoke(main, ["scan", "--cloud", "aws", "--regions", REGIONS[0], "--format", "json"])
    ctx = ReportContext(result_from_dict(json.loads(run.stdout)), [])

    class Denied:
        def batch_import_findings(self, **_: Any) -> dict[str, Any]:
            raise RuntimeError("AccessDenied")

    delivery = import_findings(ctx, client_for=lambda region: Denied())
    assert delivery.errors and delivery.errors[0][0] == f"security-hub/{REGIONS[0]}"
    assert delivery.sent == ()
