"""The live face, driven through the real aiplatform_v1 / resourcemanager_v3 REST clients and the emulator."""

from __future__ import annotations

import json

import pytest

from scanner.clouds.gcp.facts_common import CUSTOM_CODE_AGENT_GRANT
from scanner.clouds.gcp.live import RESOURCE_TYPES
from scanner.redact import REDACTED
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.gcp.conftest import EU, PROJECT, US, by_id, live_scan


@pytest.fixture(scope="module")
def result(emulator):
    return live_scan(emulator)


def test_every_seeded_resource_is_read_with_its_kind(result):
    kinds = sorted((r.kind, r.id) for r in result.resources)
    assert result.errors == ()
    assert [k for k, _ in kinds].count("endpoint") == 4
    assert [k for k, _ in kinds].count("model") == 4
    assert [k for k, _ in kinds].count("training_job") == 4
    for res in result.resources:
        assert res.provider == "gcp" and res.account == PROJECT
        assert res.region in ("us-central1", "europe-west4")
        assert res.source.kind == "live"


def test_vpc_peered_endpoint_with_cmek_and_logging(result):
    ep = by_id(result)[f"{US}/endpoints/1001"]
    assert ep.facts["encryption.cmk"] is True
    assert ep.facts["encryption.key_id"].endswith("cryptoKeys/endpoints")
    assert (ep.facts["network.private"], ep.facts["network.public"]) == (True, False)
    assert ep.facts["logging.capture"] is True
    assert ep.facts["logging.access"] is True
    assert ep.facts["availability.instance_count"] == 2
    assert ep.facts["data.sensitivity"] == "confidential"
    assert ep.links == (f"{US}/models/2001",)


def test_psc_only_endpoint_is_private(result):
    ep = by_id(result)[f"{US}/endpoints/1002"]
    assert "network" not in ep.raw
    assert (ep.facts["network.private"], ep.facts["network.public"]) == (True, False)
    assert ep.facts["logging.capture"] is False


def test_deployed_model_without_service_account_is_default_but_not_overprivileged(result):
    ep = by_id(result)[f"{US}/endpoints/1002"]
    assert ep.facts["identity.default"] is True
    assert ep.facts["identity.overprivileged"] is False
    assert ep.facts["identity.principal"] is None


def test_service_account_roles_come_from_the_project_iam_policy(result):
    owner = by_id(result)[f"{US}/endpoints/1003"]
    assert owner.facts["identity.principal"] == "ml-admin@mlscan-demo.iam.gserviceaccount.com"
    assert owner.facts["identity.overprivileged"] is True
    assert owner.facts["identity.grants"] == ["roles/owner"]
    narrow = by_id(result)[f"{US}/endpoints/1001"]
    assert narrow.facts["identity.overprivileged"] is False
    assert narrow.facts["identity.grants"] == []


def test_example_based_explanations_expose_neighbours(result):
    ep = by_id(result)[f"{US}/endpoints/1003"]
    assert ep.facts["exposure.explanations"] is True
    assert ep.facts["exposure.neighbors"] is True
    assert (ep.facts["encryption.cmk"], ep.facts["network.public"]) == (False, True)


def test_feature_attributions_are_explanations_without_neighbours(result):
    ep = by_id(result)[f"{EU}/endpoints/5001"]
    assert ep.facts["exposure.explanations"] is True
    assert ep.facts["exposure.neighbors"] is False


def test_models_carry_cmek_and_lineage(result):
    model = by_id(result)[f"{US}/models/2001"]
    assert model.facts["encryption.cmk"] is True
    assert model.links == (f"{US}/trainingPipelines/4001",)
    assert by_id(result)[f"{US}/models/2003"].facts["encryption.cmk"] is False


def test_model_uploaded_from_a_custom_jobs_output_links_to_that_job(result):
    model = by_id(result)[f"{US}/models/2003"]
    assert model.raw["artifact_uri"].startswith("gs://mlscan-demo-models/patients-finetune/")
    assert model.links == (f"{US}/customJobs/3002",)
    assert by_id(result)[f"{EU}/models/6001"].links == ()


def test_custom_job_without_service_account_runs_as_the_custom_code_agent(result):
    job = by_id(result)[f"{US}/customJobs/3002"]
    assert job.facts["identity.default"] is True
    assert job.facts["identity.overprivileged"] is True
    assert job.facts["identity.grants"] == [CUSTOM_CODE_AGENT_GRANT]
    assert job.facts["training.interactive_access"] is True
    assert job.facts["network.private"] is False
    assert job.facts["network.egress_restricted"] is False
    assert job.facts["encryption.cmk"] is False
    assert job.facts["data.sensitivity"] == "phi"


def test_custom_job_with_network_cmek_and_narrow_account(result):
    job = by_id(result)[f"{US}/customJobs/3001"]
    assert job.facts["identity.principal"] == "vertex-trainer@mlscan-demo.iam.gserviceaccount.com"
    assert job.facts["identity.overprivileged"] is False
    assert job.facts["network.private"] is True
    assert job.facts["encryption.cmk"] is True
    assert job.links == ("vertex-trainer@mlscan-demo.iam.gserviceaccount.com",)
    assert "privacy.status" in job.facts


def test_training_pipelines_read_task_inputs(result):
    custom = by_id(result)[f"{US}/trainingPipelines/4001"]
    assert custom.facts["identity.principal"] == "vertex-trainer@mlscan-demo.iam.gserviceaccount.com"
    assert custom.facts["network.private"] is True
    automl = by_id(result)[f"{US}/trainingPipelines/4002"]
    assert automl.facts["identity.default"] is True
    assert automl.facts["identity.overprivileged"] is None


def test_training_inputs_reach_the_privacy_reader(emulator, monkeypatch):
    seen = []

    def spy(inputs):
        seen.append(inputs)
        return {"privacy.dp": None, "privacy.status": "unknown", "privacy.epsilon": None}

    monkeypatch.setattr("scanner.clouds.gcp.jobs.privacy_facts", spy)
    live_scan(emulator, locations=("us-central1",))
    dp_job = next(i for i in seen if "--noise_multiplier=1.1" in i.arguments)
    assert "--max_grad_norm=1.0" in dp_job.arguments
    assert dp_job.environment == {"WANDB_API_KEY": "wandb-secret-123"}
    assert dp_job.tags["data-classification"] == "confidential"
    pipeline = next(i for i in seen if "--l2_norm_clip=1.5" in i.arguments)
    assert pipeline.image.endswith("tf-privacy:0.9")


def test_environment_values_are_redacted_everywhere(result):
    dumped = json.dumps([dict(r.raw) for r in result.resources])
    for secret in ("wandb-secret-123", "hf_supersecret", "hunter2", "s3cr3t-signing-key"):
        assert secret not in dumped
    job = by_id(result)[f"{US}/customJobs/3001"]
    env = job.raw["job_spec"]["worker_pool_specs"][0]["container_spec"]["env"]
    assert env == [{"name": "WANDB_API_KEY", "value": REDACTED}]


def test_only_read_calls_are_made(emulator):
    emulator.requests.clear()
    live_scan(emulator)
    assert emulator.requests
    for request in emulator.requests:
        read_only_post = request.method == "POST" and request.path.endswith(":getIamPolicy")
        assert request.method == "GET" or read_only_post, request


def test_pagination_follows_next_page_token(emulator):
    emulator.requests.clear()
    result = live_scan(emulator, locations=("us-central1",))
    endpoint_calls = [r for r in emulator.requests if r.path == f"/v1/{US}/endpoints"]
    assert len(endpoint_calls) == 2
    assert "pageToken=2" in endpoint_calls[1].query
    assert sum(r.kind == "endpoint" for r in result.resources) == 3


def test_locations_come_from_the_service_when_not_given():
    with start_vertex_emulator(page_size=1) as emu:
        result = live_scan(emu)
        location_calls = [r for r in emu.requests if r.path.endswith(f"projects/{PROJECT}/locations")]
    assert len(location_calls) == 2
    assert {r.region for r in result.resources} == {"us-central1", "europe-west4"}
    assert len(result.resources) == 15


@pytest.mark.parametrize("status", [500, 403, 429, 404])
def test_one_failing_location_is_reported_and_the_rest_completes(status):
    eu_zones = f"/v2/projects/{PROJECT}/locations/europe-west4-*"  # Workbench: the region's zones
    with start_vertex_emulator(faults={f"/v1/{EU}/*": status, eu_zones: status}) as emu:
        result = live_scan(emu)
    wheres = sorted(e.where for e in result.errors)
    types = RESOURCE_TYPES  # every listed type of the failing location, derived from the scanner's table
    assert wheres == sorted(f"gcp/{PROJECT}/europe-west4/{t}" for t in types)
    assert all(e.reason for e in result.errors)
    assert {r.region for r in result.resources} == {"us-central1"}
    assert len(result.resources) == 12


def test_deployed_model_inherits_its_models_explanation_spec(result):
    ep = by_id(result)[f"{EU}/endpoints/5001"]
    assert "explanation_spec" not in ep.raw["deployed_models"][0]
    assert ep.facts["exposure.explanations"] is True


def test_unreadable_models_make_inherited_explanations_unknown():
    with start_vertex_emulator(faults={f"/v1/{EU}/models": 500}) as emu:
        result = live_scan(emu, locations=("europe-west4",))
    ep = by_id(result)[f"{EU}/endpoints/5001"]
    assert ep.facts["exposure.explanations"] is None
    assert ep.facts["network.public"] is True
    assert [e.where for e in result.errors] == [f"gcp/{PROJECT}/europe-west4/models"]
    assert "INTERNAL" in result.errors[0].reason or "500" in result.errors[0].reason


def test_unreadable_iam_policy_makes_roles_unknown_not_safe():
    with start_vertex_emulator(faults={"/v3/*:getIamPolicy": 403}) as emu:
        result = live_scan(emu, locations=("us-central1",))
    ep = by_id(result)[f"{US}/endpoints/1001"]
    assert ep.facts["identity.overprivileged"] is None
    job = by_id(result)[f"{US}/customJobs/3002"]
    assert job.facts["identity.overprivileged"] is True  # the agent's breadth needs no IAM read
    assert [e.where for e in result.errors] == [f"gcp/{PROJECT}/global/iam"]


def test_unknown_project_is_an_error_not_a_crash(emulator):
    result = live_scan(emulator, projects=("nope", PROJECT), locations=())
    assert [e.where for e in result.errors] == ["gcp/nope/global/locations"]
    assert len(result.resources) == 15


def test_no_project_is_a_clear_error(emulator):
    result = live_scan(emulator, projects=())
    assert result.resources == ()
    assert "--project" in result.errors[0].reason


def test_progress_counts_every_task(emulator):
    from scanner.clouds.base import LiveOptions
    from scanner.clouds.gcp.live import scan

    class Recorder:
        def __init__(self):
            self.total = 0
            self.done = 0

        def add(self, label, total=None):
            self.total += total or 0

        def advance(self, label, amount=1):
            self.done += amount

    progress = Recorder()
    options = LiveOptions(
        projects=(PROJECT,), gcp_endpoint=emulator.url, max_workers=1, extra={"gcp_retry_timeout": 0}
    )
    result = scan(options, progress)
    assert progress.total == progress.done == 2 * len(RESOURCE_TYPES)  # two locations
    assert len(result.resources) == 15


def test_dp_sgd_custom_job_is_recognized_end_to_end(result):
    facts = by_id(result)[f"{US}/customJobs/3001"].facts
    # σ=1.1, N=60,000, batch 256, 60 epochs, δ=1e-5: ε ≈ 2.38 with a PLD accountant (shared/notes/dp-accounting.md).
    assert facts["privacy.dp"] is True
    assert facts["privacy.epsilon"] == pytest.approx(2.38, abs=0.05)
    assert by_id(result)[f"{US}/customJobs/3002"].facts["privacy.dp"] is False


def test_transient_throttling_is_retried():
    with start_vertex_emulator(faults={f"/v1/{US}/endpoints": (429, 1)}) as emu:
        result = live_scan(emu, locations=("us-central1",), extra={"gcp_retry_timeout": 10})
        calls = [r for r in emu.requests if r.path == f"/v1/{US}/endpoints"]
    assert result.errors == ()
    assert sum(r.kind == "endpoint" for r in result.resources) == 3
    assert len(calls) == 3  # throttled, retried, second page


def test_missing_application_default_credentials_is_one_clear_error(monkeypatch, tmp_path):
    from scanner.clouds.base import LiveOptions, NullProgress
    from scanner.clouds.gcp.live import scan

    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    result = scan(LiveOptions(projects=(PROJECT,)), NullProgress())
    assert result.resources == ()
    assert len(result.errors) == 1
    assert result.errors[0].where == "gcp"
    assert "missing.json" in result.errors[0].reason
