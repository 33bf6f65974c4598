"""Monitoring readiness of Azure ML online endpoints (MLS-LOG-005/006/007, MLS-EXP-009), Terraform and live.

The bundled secure stack and the seeded ARM estate hold the same pieces: AAD-token auth with a workspace
diagnostic setting for AmlOnlineEndpointTrafficLog, a RequestsPerMinute metric alert scoped to the
endpoint, an API Management API whose backend is the endpoint with a rate-limit-by-key policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner.clouds.azure.monitoring import EndpointKeys, Surroundings, capture_completeness, monitoring_facts
from scanner.clouds.base import LiveOptions, NullProgress, SourceResult
from scanner.clouds.sources import terraform_source
from scanner.sandbox.arm_emulator import start_arm_emulator

ROOT = Path(__file__).resolve().parents[2]
KEYS = (
    "logging.caller_identity",
    "monitoring.invocation_alarm",
    "exposure.rate_limited",
    "logging.capture_sampling",
    "logging.capture_inputs_outputs",
)
READY = dict(zip(KEYS, (True, True, True, 100.0, True), strict=True))


def _endpoint(result: SourceResult, name: str) -> dict[str, Any]:
    (found,) = [
        r for r in result.resources if r.kind == "endpoint" and name in (r.name, r.id.rsplit(".", 1)[-1])
    ]
    return {k: found.facts.get(k) for k in KEYS}


def test_secure_stack_hcl_and_plan_are_ready_the_insecure_one_is_not() -> None:
    for path in ("terraform/secure/azure", "terraform/plans/azure-secure.json"):
        assert _endpoint(terraform_source([ROOT / path]), "scoring") == READY, path
    for path in ("terraform/insecure/azure", "terraform/plans/azure-insecure.json"):
        facts = _endpoint(terraform_source([ROOT / path]), "scoring")
        assert facts == {
            **dict.fromkeys(KEYS[:3], False),
            "logging.capture_sampling": 25.0,
            "logging.capture_inputs_outputs": True,
        }, path


def test_key_auth_with_a_traffic_log_still_names_no_caller(tmp_path: Path) -> None:
    text = (ROOT / "terraform/secure/azure/main.tf").read_text()
    (tmp_path / "main.tf").write_text(text.replace('authentication_mode           = "AADToken"\n', ""))
    facts = _endpoint(terraform_source([tmp_path]), "scoring")
    assert facts == {**READY, "logging.caller_identity": False}


def test_live_estate_through_the_sdk(live: SourceResult) -> None:
    assert live.errors == ()
    assert _endpoint(live, "ep-credit-dp") == {**READY, "logging.capture_sampling": 10.0}
    # Key auth; an alert on latency is not one on volume; its API has no rate-limit policy; canary collects nothing.
    assert _endpoint(live, "ep-churn") == {**dict.fromkeys(KEYS, False), "logging.capture_sampling": 0.0}


def test_unreadable_supporting_reads_are_error_entries_and_unknown() -> None:
    from scanner.clouds.azure.live import scan

    faults = {"/providers/Microsoft.Insights/": 500, "/providers/Microsoft.ApiManagement/": 403}
    with start_arm_emulator(faults=faults) as emu:
        result = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
    facts = _endpoint(result, "ep-credit-dp")
    assert {k: facts[k] for k in KEYS[:3]} == dict.fromkeys(KEYS[:3])
    reasons = " | ".join(e.reason for e in result.errors)
    for what in ("metric alerts", "API Management APIs", "diagnostic settings of the workspace"):
        assert what in reasons, reasons
    # Key auth names no caller whatever the diagnostic settings say: false, not unknown.
    assert _endpoint(result, "ep-churn")["logging.caller_identity"] is False


def test_collector_shapes() -> None:
    def dep(collector: Any) -> dict[str, Any]:
        return {"properties": {"dataCollector": collector}}

    inputs_only = dep({"collections": {"model_inputs": {"dataCollectionMode": "Enabled"}}})
    per_collection = dep(
        {"collections": {"request": {"samplingRate": 0.5}, "response": {"dataCollectionMode": "Enabled"}}}
    )
    assert capture_completeness([inputs_only]) == {
        "logging.capture_sampling": 100.0,
        "logging.capture_inputs_outputs": False,
    }
    assert capture_completeness([per_collection])["logging.capture_sampling"] == 50.0
    assert capture_completeness([dep("${var.collector}")]) == dict.fromkeys(
        ("logging.capture_sampling", "logging.capture_inputs_outputs")
    )
    keys = EndpointKeys(scope="ep", workspace="ws", auth_mode="AADToken", backends=("//ep.",))
    assert set(monitoring_facts(keys, Surroundings({"ep": None, "ws": None}, None, None)).values()) == {None}
