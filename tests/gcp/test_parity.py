"""Same settings → same facts: a Vertex endpoint read live (REST clients + emulator) and from HCL and plan JSON."""

from __future__ import annotations

import json

import pytest

from scanner.clouds.sources import terraform_source
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.gcp.conftest import PROJECT, live_scan

KEY = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k"
NETWORK = "projects/123/global/networks/vpc"
SHARED = (
    "encryption.cmk",
    "network.private",
    "network.public",
    "network.egress_restricted",
    "logging.capture",
    "auth.mode",
    "data.sensitivity",
)

CASES = {
    "public_default": {},
    "vpc_peering": {"network": True},
    "psc_only": {"psc": True},
    "psc_and_cmek_logged": {"psc": True, "cmek": True, "logging": True},
    "peered_cmek_psc_off": {"network": True, "cmek": True, "psc_off": True},
    "logging_block_disabled": {"logging": False},
}


def _hcl(name: str, case: dict) -> str:
    lines = [
        f'resource "google_vertex_ai_endpoint" "{name}" {{',
        f'  name = "{name}"',
        '  location = "us-central1"',
        '  labels = { data-classification = "pii" }',
    ]
    if case.get("network"):
        lines.append(f'  network = "{NETWORK}"')
    if case.get("psc") or case.get("psc_off"):
        lines += [
            "  private_service_connect_config {",
            f"    enable_private_service_connect = {'true' if case.get('psc') else 'false'}",
            "  }",
        ]
    if case.get("cmek"):
        lines += ["  encryption_spec {", f'    kms_key_name = "{KEY}"', "  }"]
    if "logging" in case:
        lines += [
            "  predict_request_response_logging_config {",
            f"    enabled = {'true' if case['logging'] else 'false'}",
            "  }",
        ]
    return "\n".join([*lines, "}", ""])


def _api(name: str, number: int, case: dict) -> dict:
    item: dict = {
        "name": f"projects/{PROJECT}/locations/us-central1/endpoints/{number}",
        "displayName": name,
        "labels": {"data-classification": "pii"},
    }
    if case.get("network"):
        item["network"] = NETWORK
    if case.get("psc") or case.get("psc_off"):
        item["privateServiceConnectConfig"] = {"enablePrivateServiceConnect": bool(case.get("psc"))}
    if case.get("cmek"):
        item["encryptionSpec"] = {"kmsKeyName": KEY}
    if "logging" in case:
        item["predictRequestResponseLoggingConfig"] = {"enabled": case["logging"]}
    return item


def _plan(name: str, case: dict) -> dict:
    values = {
        "name": name,
        "location": "us-central1",
        "labels": {"data-classification": "pii"},
        "network": NETWORK if case.get("network") else None,
        "private_service_connect_config": (
            [{"enable_private_service_connect": bool(case.get("psc")), "project_allowlist": None}]
            if case.get("psc") or case.get("psc_off")
            else []
        ),
        "encryption_spec": [{"kms_key_name": KEY}] if case.get("cmek") else [],
        "predict_request_response_logging_config": (
            [{"enabled": case["logging"], "sampling_rate": None, "bigquery_destination": []}]
            if "logging" in case
            else []
        ),
    }
    return {
        "address": f"google_vertex_ai_endpoint.{name}",
        "mode": "managed",
        "type": "google_vertex_ai_endpoint",
        "name": name,
        "values": values,
    }


@pytest.fixture(scope="module")
def three_faces(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parity")
    (tmp / "hcl").mkdir()
    (tmp / "hcl" / "main.tf").write_text("".join(_hcl(n, c) for n, c in CASES.items()))
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [_plan(n, c) for n, c in CASES.items()]}},
        "resource_changes": [],
        "configuration": {"root_module": {}},
    }
    (tmp / "plan.json").write_text(json.dumps(plan))
    estate = {
        "projects": {
            PROJECT: {
                "locations": {
                    "us-central1": {
                        "endpoints": [_api(n, i, c) for i, (n, c) in enumerate(CASES.items(), start=1)]
                    }
                },
                "iamPolicy": {"bindings": []},
            }
        }
    }
    (tmp / "estate.json").write_text(json.dumps(estate))
    with start_vertex_emulator(tmp / "estate.json") as emu:
        live = live_scan(emu, locations=("us-central1",))
    assert live.errors == ()
    return (
        {r.name: r.facts for r in live.resources},
        {r.name: r.facts for r in terraform_source([tmp / "hcl"]).resources},
        {r.name: r.facts for r in terraform_source([tmp / "plan.json"]).resources},
    )


@pytest.mark.parametrize("name", list(CASES))
def test_live_hcl_and_plan_agree(three_faces, name):
    live, hcl, plan = three_faces
    shared = [{k: faces[name].get(k) for k in SHARED} for faces in (live, hcl, plan)]
    assert shared[0] == shared[1] == shared[2]
    assert shared[0]["network.private"] is not None


def test_psc_and_peering_are_both_private_everywhere(three_faces):
    for faces in three_faces:
        assert faces["psc_only"]["network.private"] is True
        assert faces["vpc_peering"]["network.private"] is True
        assert faces["public_default"]["network.public"] is True
