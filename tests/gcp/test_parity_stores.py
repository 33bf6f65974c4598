"""Same settings → same facts for the Vertex types beyond endpoints, models and jobs: tensorboards, metadata
stores, feature online stores and their feature views, feature groups, deployment resource pools and Colab
runtime templates, read live (aiplatform_v1 REST clients against the Vertex emulator), from HCL and from
plan JSON; and a final ε a custom job logged to its Vertex experiment run.

Each case is written once in the snake_case shape the provider and the API share, then rendered as HCL, as
a plan and as the API's JSON (camelCase) for the emulator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from scanner.clouds.sources import terraform_source
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.gcp.conftest import PROJECT, live_scan

LOCATION = "us-central1"
PARENT = f"projects/{PROJECT}/locations/{LOCATION}"
KEY = f"projects/{PROJECT}/locations/{LOCATION}/keyRings/r/cryptoKeys/k"
NETWORK = f"projects/{PROJECT}/global/networks/vpc"
CMEK = {"encryption_spec": {"kms_key_name": KEY}}
COMPARED = (
    "encryption.cmk",
    "network.private",
    "network.public",
    "network.public_ip",
    "notebook.direct_internet",
    "hardening.secure_boot",
    "compute.idle_shutdown",
    "data.sensitivity",
)
LIVE_UNKNOWN = {"network.public"}
"""aiplatform_v1 does not say whether a dedicated online store endpoint's public side is disabled."""


@dataclass(frozen=True)
class Case:
    tf_type: str
    collection: str
    name: str
    attrs: dict[str, Any]
    parent: str = PARENT


@dataclass(frozen=True)
class Ref:
    expression: str
    api: str


STORE = f"{PARENT}/featureOnlineStores/serving"
CASES = [
    Case("google_vertex_ai_tensorboard", "tensorboards", "tb_cmek", {"display_name": "tb_cmek", **CMEK}),
    Case("google_vertex_ai_tensorboard", "tensorboards", "tb_plain", {"display_name": "tb_plain"}),
    Case("google_vertex_ai_metadata_store", "metadataStores", "meta_cmek", {"name": "meta_cmek", **CMEK}),
    Case(
        "google_vertex_ai_feature_online_store",
        "featureOnlineStores",
        "serving",
        {
            "name": "serving",
            "labels": {"data-classification": "pii"},
            "optimized": {},
            "dedicated_serving_endpoint": {
                "private_service_connect_config": {
                    "enable_private_service_connect": True,
                    "project_allowlist": [PROJECT],
                }
            },
        },
    ),
    Case(
        "google_vertex_ai_feature_online_store_featureview",
        "featureViews",
        "view",
        {
            "name": "view",
            "feature_online_store": Ref("google_vertex_ai_feature_online_store.serving.name", "serving"),
        },
        parent=STORE,
    ),
    Case(
        "google_vertex_ai_feature_group",
        "featureGroups",
        "group",
        {"name": "group", "big_query": {"big_query_source": {"input_uri": "bq://p.d.t"}}},
    ),
    Case(
        "google_vertex_ai_deployment_resource_pool",
        "deploymentResourcePools",
        "pool",
        {"name": "pool", "dedicated_resources": {"min_replica_count": 1}, **CMEK},
    ),
    Case(
        "google_colab_runtime_template",
        "notebookRuntimeTemplates",
        "open_runtime",
        {
            "name": "open_runtime",
            "display_name": "open_runtime",
            "network_spec": {"enable_internet_access": True},
            "idle_shutdown_config": {"idle_shutdown_disabled": True},
        },
    ),
    Case(
        "google_colab_runtime_template",
        "notebookRuntimeTemplates",
        "locked_runtime",
        {
            "name": "locked_runtime",
            "display_name": "locked_runtime",
            "network_spec": {"enable_internet_access": False, "network": NETWORK},
            "shielded_vm_config": {"enable_secure_boot": True},
            **CMEK,
        },
    ),
]


def _camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def _api_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): _api_value(v) for k, v in value.items() if not isinstance(v, Ref)}
    if isinstance(value, list):
        return [_api_value(v) for v in value]
    return value


def _api(case: Case) -> dict[str, Any]:
    body = _api_value({k: v for k, v in case.attrs.items() if k != "name"})
    return {**body, "name": f"{case.parent}/{case.collection}/{case.name}"}


def _hcl_body(attrs: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for name, value in attrs.items():
        if isinstance(value, Ref):
            lines.append(f"{indent}{name} = {value.expression}")
        elif isinstance(value, dict) and name != "labels":
            lines += [f"{indent}{name} {{", *_hcl_body(value, indent + "  "), f"{indent}}}"]
        else:
            lines.append(f"{indent}{name} = {json.dumps(value)}")
    return lines


def _hcl(cases: list[Case]) -> str:
    blocks = []
    for case in cases:
        where = "location" if case.tf_type.startswith("google_colab") else "region"
        body = _hcl_body({**case.attrs, where: LOCATION}, "  ")
        blocks.append("\n".join([f'resource "{case.tf_type}" "{case.name}" {{', *body, "}"]))
    return "\n".join(blocks) + "\n"


def _plan_value(value: Any, key: str = "") -> Any:
    if isinstance(value, dict) and key != "labels":
        return [{k: _plan_value(v, k) for k, v in value.items()}]
    return value


def _plan(cases: list[Case]) -> dict[str, Any]:
    resources, changes, configs = [], [], []
    for case in cases:
        address = f"{case.tf_type}.{case.name}"
        refs = {k: v for k, v in case.attrs.items() if isinstance(v, Ref)}
        values = {k: _plan_value(v, k) for k, v in case.attrs.items() if k not in refs}
        values["region" if not case.tf_type.startswith("google_colab") else "location"] = LOCATION
        identity = {"address": address, "mode": "managed", "type": case.tf_type, "name": case.name}
        resources.append({**identity, "values": values})
        changes.append(
            {
                **identity,
                "change": {
                    "actions": ["create"],
                    "after": values,
                    "after_unknown": dict.fromkeys(refs, True),
                },
            }
        )
        expressions = {
            k: {"references": [v.expression, v.expression.rsplit(".", 1)[0]]} for k, v in refs.items()
        }
        configs.append({**identity, "expressions": expressions})
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": configs}},
    }


RUN = f"{PARENT}/metadataStores/default/contexts/dp-exp-run-1"
DP_JOB = {
    "name": f"{PARENT}/customJobs/77",
    "displayName": "dp-with-logged-epsilon",
    "jobSpec": {
        "experimentRun": RUN,
        "workerPoolSpecs": [
            {
                "containerSpec": {
                    "imageUri": "img",
                    "args": ["--noise_multiplier", "1.1", "--max_grad_norm", "1.0"],
                }
            }
        ],
    },
}


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("store-parity")
    (tmp / "hcl").mkdir()
    (tmp / "hcl" / "main.tf").write_text(_hcl(CASES))
    (tmp / "plan.json").write_text(json.dumps(_plan(CASES)))
    location: dict[str, list[Any]] = {}
    for case in CASES:
        location.setdefault(case.collection, []).append(_api(case))
    location["customJobs"] = [DP_JOB]
    location["contexts"] = [{"name": RUN, "metadata": {"_metrics": {"epsilon": 2.5, "accuracy": 0.9}}}]
    estate = {"projects": {PROJECT: {"locations": {LOCATION: location}, "iamPolicy": {"bindings": []}}}}
    (tmp / "estate.json").write_text(json.dumps(estate))
    with start_vertex_emulator(tmp / "estate.json") as emu:
        live = live_scan(emu, locations=(LOCATION,))
        requests = list(emu.requests)
    hcl, plan = terraform_source([tmp / "hcl"]), terraform_source([tmp / "plan.json"])
    assert live.errors == () and hcl.errors == () and plan.errors == ()
    return live, hcl, plan, requests


def _by_name(result: Any) -> dict[str, Any]:
    return {r.name: r for r in result.resources}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_live_hcl_and_plan_agree(faces, case):
    live, hcl, plan = (_by_name(face) for face in faces[:3])
    found = [face.get(case.name) for face in (live, hcl, plan)]
    assert all(found), [f is not None for f in found]
    assert len({r.kind for r in found}) == 1
    compared = [{k: r.facts.get(k) for k in COMPARED if k in r.facts} for r in found]
    if "network.public" in compared[1] and case.collection in ("featureOnlineStores", "featureViews"):
        assert compared[0].pop("network.public") is None  # said unknown live, never guessed
        compared[1].pop("network.public")
        compared[2].pop("network.public")
    assert compared[0] == compared[1] == compared[2]


def test_the_verdicts_are_the_intended_ones(faces):
    live = _by_name(faces[0])
    assert live["tb_cmek"].facts["encryption.cmk"] is True
    assert live["tb_plain"].facts["encryption.cmk"] is False
    assert live["serving"].facts["network.private"] is True
    assert live["view"].facts["network.private"] is True and live["view"].links == (STORE,)
    assert live["group"].facts["encryption.cmk"] is None
    assert live["pool"].kind == "compute" and live["pool"].facts["encryption.cmk"] is True
    assert live["open_runtime"].facts["notebook.direct_internet"] is True
    assert live["open_runtime"].facts["compute.idle_shutdown"] is False
    assert live["locked_runtime"].facts["network.private"] is True
    assert live["locked_runtime"].facts["hardening.secure_boot"] is True


def test_an_epsilon_logged_to_the_experiment_run_is_read(faces):
    job = _by_name(faces[0])["dp-with-logged-epsilon"]
    assert job.facts["privacy.dp"] is True
    assert job.facts["privacy.epsilon"] == 2.5
    assert job.facts["privacy.accountant"] == "logged"
    assert "metrics.epsilon=2.5" in job.facts["privacy.evidence"]


def test_only_reads(faces):
    requests = faces[3]
    assert {r.method for r in requests} == {"GET"} | (
        {"POST"} if any(":getIamPolicy" in r.path for r in requests) else set()
    )
    assert any(r.path.endswith("/contexts/dp-exp-run-1") for r in requests)
    assert any(r.path.endswith("/featureOnlineStores/serving/featureViews") for r in requests)


def test_every_face_declares_the_facts_it_produces(faces):
    """scanner/data/type_facts.yaml lists every fact these live types and their Terraform blocks write."""
    from scanner.clouds.coverage import produced

    missing: dict[tuple[Any, str], set[str]] = {}
    for face in faces[:3]:
        for r in face.resources:
            undeclared = set(r.facts) - (produced(r.resource_type, r.kind) or set())
            if undeclared:
                missing.setdefault((r.resource_type, r.kind), set()).update(undeclared)
    assert not missing, {k: sorted(v) for k, v in missing.items()}
