"""Monitoring readiness of Vertex AI endpoints (MLS-LOG-005/006/007, MLS-EXP-009), Terraform and live.

Terraform: google_project_iam_audit_config (DATA_READ for aiplatform.googleapis.com) and a
google_monitoring_alert_policy on prediction_count grouped by endpoint_id in the secure stack. Live: the
same through Resource Manager getIamPolicy (auditConfigs) and the Cloud Monitoring alertPolicies list
served by the Vertex emulator. Per-caller rate limiting cannot be read on Google Cloud: always unknown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner.clouds.gcp.monitoring import capture_completeness, data_reads_audited, invocation_alarm
from scanner.clouds.sources import terraform_source
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.gcp.conftest import US, by_id, live_scan

ROOT = Path(__file__).resolve().parents[2]
KEYS = (
    "logging.caller_identity",
    "monitoring.invocation_alarm",
    "exposure.rate_limited",
    "logging.capture_sampling",
    "logging.capture_inputs_outputs",
)


def _facts(resource: Any) -> dict[str, Any]:
    return {k: resource.facts.get(k) for k in KEYS}


def test_secure_stack_hcl_and_plan_are_ready_rate_limit_unknown() -> None:
    ready = dict(zip(KEYS, (True, True, None, 100.0, True), strict=True))
    for path in ("terraform/secure/gcp", "terraform/plans/gcp-secure.json"):
        found = {r.id.split(":")[-1]: r for r in terraform_source([ROOT / path]).resources}
        for name in ("claims", "triage_psc"):
            assert _facts(found[f"google_vertex_ai_endpoint.{name}"]) == ready, (path, name)


def test_insecure_stack_names_no_caller_and_has_no_alarm() -> None:
    (patients,) = [
        r
        for r in terraform_source([ROOT / "terraform/insecure/gcp"]).resources
        if r.id.endswith("google_vertex_ai_endpoint.patients")
    ]
    assert _facts(patients) == {
        **dict.fromkeys(KEYS),
        "logging.caller_identity": False,
        "monitoring.invocation_alarm": False,
    }


def test_live_estate_through_the_sdk(emulator) -> None:
    result = live_scan(emulator)
    assert result.errors == ()
    endpoints = by_id(result)
    assert _facts(endpoints[f"{US}/endpoints/1001"]) == dict(
        zip(KEYS, (True, True, None, 10.0, True), strict=True)
    )
    # 1002's only alert policy reads latency, not volume; its logging is off.
    assert _facts(endpoints[f"{US}/endpoints/1002"]) == {
        **dict.fromkeys(KEYS),
        "logging.caller_identity": True,
        "monitoring.invocation_alarm": False,
    }


def test_unreadable_policies_are_error_entries_and_unknown() -> None:
    faults = {"/v3/projects/*/alertPolicies": 500, "/v3/projects/*:getIamPolicy": 500}
    with start_vertex_emulator(faults=faults) as emu:
        result = live_scan(emu)
    facts = _facts(by_id(result)[f"{US}/endpoints/1001"])
    assert facts["logging.caller_identity"] is None and facts["monitoring.invocation_alarm"] is None
    where = {e.where for e in result.errors}
    assert {"gcp/mlscan-demo/global/alertPolicies", "gcp/mlscan-demo/global/iam"} <= where, where


def test_shapes() -> None:
    logged = {"predict_request_response_logging_config": [{"enabled": True}]}
    assert capture_completeness(logged) == {
        "logging.capture_sampling": None,
        "logging.capture_inputs_outputs": True,
    }
    exempted = [
        {
            "service": "allServices",
            "audit_log_configs": [{"log_type": "DATA_READ", "exempted_members": ["user:a@x"]}],
        }
    ]
    assert data_reads_audited(exempted) is False
    assert data_reads_audited(None) is None
    count = 'metric.type="aiplatform.googleapis.com/prediction/online/prediction_count"'
    policy = {
        "conditions": [
            {"condition_threshold": {"filter": f'{count} AND resource.labels.endpoint_id="10012"'}}
        ]
    }
    assert invocation_alarm(["1001"], [policy]) is False  # another endpoint's id is not this one's
    assert invocation_alarm(["10012"], [policy]) is True
    assert invocation_alarm(["10012"], [{**policy, "enabled": False}]) is False
