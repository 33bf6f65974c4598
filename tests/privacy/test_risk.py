"""The endpoint → model → training-job join and the per-endpoint leakage risk, on hand-built resources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from scanner.model import Resource, Source
from scanner.privacy.risk import join_served_privacy, risk_to_dict
from scanner.privacy.training import TrainingInputs, privacy_facts
from scanner.report.console import render_risk

LIVE = Source(kind="live")
DP_JOB_FACTS = privacy_facts(
    TrainingInputs(
        hyperparameters={
            "noise_multiplier": "1.1",
            "l2_norm_clip": "1.0",
            "batch_size": "256",
            "dataset_size": "60000",
            "epochs": "60",
            "target_delta": "1e-5",
        },
        origin="HyperParameters",
    )
)
NO_DP_JOB_FACTS = privacy_facts(TrainingInputs(hyperparameters={"epochs": "10", "epsilon": "1e-8"}))


def job(job_id: str, facts: dict, tags: dict | None = None) -> Resource:
    return Resource(
        "aws",
        "sagemaker",
        "training_job",
        job_id,
        job_id.rsplit("/", 1)[-1],
        LIVE,
        facts={**facts, "data.sensitivity": None},
        tags=tags or {},
    )


def model(model_id: str, *links: str, tags: dict | None = None) -> Resource:
    return Resource(
        "aws",
        "sagemaker",
        "model",
        model_id,
        model_id.rsplit("/", 1)[-1],
        LIVE,
        facts={"data.sensitivity": None},
        links=links,
        tags=tags or {},
    )


def endpoint(endpoint_id: str, *links: str, **facts) -> Resource:
    base = {
        "network.public": False,
        "auth.mode": "iam",
        "exposure.explanations": False,
        "exposure.neighbors": False,
        "data.sensitivity": None,
    }
    return Resource(
        "aws",
        "sagemaker",
        "endpoint",
        endpoint_id,
        endpoint_id.rsplit("/", 1)[-1],
        LIVE,
        facts={**base, **facts},
        links=links,
    )


JOB_DP = "arn:aws:sagemaker:us-east-1:111122223333:training-job/dp-job"
JOB_PLAIN = "arn:aws:sagemaker:us-east-1:111122223333:training-job/plain-job"
MODEL_DP = "arn:aws:sagemaker:us-east-1:111122223333:model/dp-model"
MODEL_PLAIN = "arn:aws:sagemaker:us-east-1:111122223333:model/plain-model"
ROLE = "arn:aws:iam::111122223333:role/exec"


def by_id(resources):
    return {r.id: r for r in resources}


def test_dp_lineage_is_copied_onto_the_endpoint_with_inherited_sensitivity():
    resources = [
        endpoint("ep/private-dp", MODEL_DP),
        model(MODEL_DP, JOB_DP, ROLE),
        job(JOB_DP, DP_JOB_FACTS, tags={"data-classification": "PHI"}),
    ]
    joined, summaries = join_served_privacy(resources)
    facts = by_id(joined)["ep/private-dp"].facts
    assert facts["served.lineage"] == "known"
    assert facts["served.privacy.dp"] is True
    assert facts["served.privacy.status"] == "dp"
    assert facts["served.privacy.epsilon"] == pytest.approx(2.38, abs=0.015)
    assert facts["served.training_job"] == JOB_DP
    assert facts["data.sensitivity"] == "phi"
    (summary,) = summaries
    assert any(f.startswith("trained with DP on PHI data: ε = 2.39 ≤ 8") for f in summary.factors)
    assert summary.level == "low"  # private, IAM, DP at ε ≈ 2.4: 1 × 0.5 × 3 = 1.5


def test_unknown_lineage_leaves_served_facts_unknown():
    resources = [
        endpoint("ep/no-links"),
        endpoint("ep/model-without-job", MODEL_PLAIN),
        endpoint("ep/dangling", "arn:aws:sagemaker:us-east-1:111122223333:model/not-scanned"),
        model(MODEL_PLAIN, ROLE),
    ]
    joined, summaries = join_served_privacy(resources)
    for endpoint_id in ("ep/no-links", "ep/model-without-job", "ep/dangling"):
        facts = by_id(joined)[endpoint_id].facts
        assert facts["served.lineage"] == "unknown"
        for name in (
            "served.privacy.dp",
            "served.privacy.status",
            "served.privacy.epsilon",
            "served.training_job",
        ):
            assert facts[name] is None, (endpoint_id, name)
    assert all("training lineage unknown: DP cannot be verified" in s.factors for s in summaries)


def test_public_endpoint_without_dp_on_phi_is_critical_and_explained():
    resources = [
        endpoint(
            "ep/public-explained",
            MODEL_PLAIN,
            **{"network.public": True, "exposure.explanations": True, "exposure.scores": "probabilities"},
        ),
        endpoint("ep/private-dp", MODEL_DP),
        model(MODEL_PLAIN, JOB_PLAIN, tags={"data_classification": "phi"}),
        model(MODEL_DP, JOB_DP, tags={"data_classification": "phi"}),
        job(JOB_PLAIN, NO_DP_JOB_FACTS),
        job(JOB_DP, DP_JOB_FACTS),
    ]
    _, summaries = join_served_privacy(resources)
    worst, best = summaries
    assert worst.endpoint_id == "ep/public-explained"
    assert worst.level == "critical"
    assert "public endpoint returns feature attributions" in worst.factors
    assert "trained without DP on PHI data" in worst.factors
    assert "public endpoint returns class probabilities (membership-inference signal)" in worst.factors
    assert best.endpoint_id == "ep/private-dp"
    assert worst.score > best.score


def test_levels_follow_exposure_privacy_and_sensitivity():
    def level(**facts):
        resources = [
            endpoint("ep/x", MODEL_PLAIN, **facts),
            model(MODEL_PLAIN, JOB_PLAIN),
            job(JOB_PLAIN, NO_DP_JOB_FACTS),
        ]
        return join_served_privacy(resources)[1][0]

    private_phi = level(**{"data.sensitivity": "phi"})
    public_phi = level(**{"data.sensitivity": "phi", "network.public": True})
    public_data = level(**{"data.sensitivity": "public", "network.public": True})
    open_untagged = level(**{"network.public": True, "auth.mode": "none"})
    assert (private_phi.level, public_phi.level, public_data.level) == ("medium", "high", "low")
    assert open_untagged.level == "high"
    assert "callers are not authenticated" in open_untagged.factors
    assert "data sensitivity unknown (no classification tag)" in open_untagged.factors


def test_endpoint_sensitivity_wins_over_inherited_and_tags_are_configurable():
    resources = [
        endpoint("ep/own", MODEL_PLAIN, **{"data.sensitivity": "internal"}),
        model(MODEL_PLAIN, JOB_PLAIN, tags={"Owner-Data-Class": "pii"}),
        job(JOB_PLAIN, NO_DP_JOB_FACTS),
    ]
    joined, _ = join_served_privacy(resources)
    assert by_id(joined)["ep/own"].facts["data.sensitivity"] == "internal"

    resources[0] = endpoint("ep/own", MODEL_PLAIN)
    default, _ = join_served_privacy(resources)
    assert by_id(default)["ep/own"].facts["data.sensitivity"] is None  # not a default key
    custom, summaries = join_served_privacy(
        resources, tag_keys=("owner-data-class",), sensitive_values=("pii",)
    )
    assert by_id(custom)["ep/own"].facts["data.sensitivity"] == "pii"
    assert "trained without DP on PII data" in summaries[0].factors


def test_a_model_is_only_as_private_as_its_weakest_training_job():
    resources = [
        endpoint("ep/two-models", MODEL_DP, MODEL_PLAIN),
        model(MODEL_DP, JOB_DP),
        model(MODEL_PLAIN, JOB_PLAIN),
        job(JOB_DP, DP_JOB_FACTS),
        job(JOB_PLAIN, NO_DP_JOB_FACTS),
    ]
    joined, _ = join_served_privacy(resources)
    facts = by_id(joined)["ep/two-models"].facts
    assert facts["served.privacy.status"] == "none"
    assert facts["served.privacy.dp"] is False
    assert facts["served.privacy.epsilon"] is None
    assert facts["served.training_job"] == f"{JOB_DP}, {JOB_PLAIN}"


def test_epsilon_above_the_ceiling_is_called_weak():
    loose = {**DP_JOB_FACTS, "privacy.epsilon": 12.5}
    resources = [endpoint("ep/loose", MODEL_DP), model(MODEL_DP, JOB_DP), job(JOB_DP, loose)]
    _, (summary,) = join_served_privacy(resources)
    assert "trained with DP but ε = 12.50 > 8 (weak guarantee)" in summary.factors
    _, (strict,) = join_served_privacy(resources, epsilon_ceiling=20)
    assert strict.score < summary.score


def test_non_endpoints_and_order_are_preserved():
    resources = [model(MODEL_DP, JOB_DP), endpoint("ep/a", MODEL_DP), job(JOB_DP, DP_JOB_FACTS)]
    joined, _ = join_served_privacy(resources)
    assert [r.id for r in joined] == [r.id for r in resources]
    assert joined[0] is resources[0] and joined[2] is resources[2]
    assert "served.lineage" not in resources[1].facts  # the input is not mutated


def test_served_fact_names_are_in_the_vocabulary(repo_root: Path):
    vocabulary = yaml.safe_load((repo_root / "scanner/data/facts.yaml").read_text())
    joined, _ = join_served_privacy([endpoint("ep/a")])
    assert set(joined[0].facts) <= set(vocabulary)


def test_json_and_console_renderings():
    resources = [
        endpoint("ep/public-explained", MODEL_PLAIN, **{"network.public": True, "exposure.neighbors": True}),
        model(MODEL_PLAIN, JOB_PLAIN),
        job(JOB_PLAIN, NO_DP_JOB_FACTS, tags={"sensitivity": "pii"}),
    ]
    _, summaries = join_served_privacy(resources)
    payload = json.loads(json.dumps([risk_to_dict(s) for s in summaries]))
    assert payload[0]["endpoint_id"] == "ep/public-explained"
    assert payload[0]["level"] == "critical"
    assert "public endpoint returns nearest training examples" in payload[0]["factors"]
    assert payload[0]["training_jobs"] == [JOB_PLAIN]
    console = Console(record=True, width=200)
    render_risk(summaries, {r.id: r for r in resources}, console)
    text = console.export_text()
    assert "public-explained" in text and "critical" in text and "nearest training examples" in text


def test_summaries_round_trip_through_json():
    from scanner.privacy.risk import risk_from_dict

    resources = [endpoint("ep/a", MODEL_DP), model(MODEL_DP, JOB_DP), job(JOB_DP, DP_JOB_FACTS)]
    _, summaries = join_served_privacy(resources)
    assert [risk_from_dict(json.loads(json.dumps(risk_to_dict(s)))) for s in summaries] == summaries


def test_publicly_readable_training_data_raises_the_endpoint_risk() -> None:
    storage = {"artifacts.locations": ["s3://open"], "artifacts.public": True, "artifacts.cmk": False}
    public_job = job("arn:job/open", {**NO_DP_JOB_FACTS, **storage})
    private_job = job(
        "arn:job/closed", {**NO_DP_JOB_FACTS, **storage, "artifacts.public": False, "artifacts.cmk": True}
    )
    resources = [
        public_job,
        private_job,
        model("arn:model/open", public_job.id),
        model("arn:model/closed", private_job.id),
        endpoint("arn:ep/open", "arn:model/open"),
        endpoint("arn:ep/closed", "arn:model/closed"),
    ]
    joined, summaries = join_served_privacy(resources)
    by_name = {s.endpoint_name: s for s in summaries}
    assert "training data or model artifacts publicly readable" in by_name["open"].factors
    assert "artifacts not encrypted with a customer key" in by_name["open"].factors
    assert not any("artifacts" in f for f in by_name["closed"].factors)
    assert by_name["open"].score > by_name["closed"].score
    open_endpoint = next(r for r in joined if r.id == "arn:ep/open")
    assert open_endpoint.facts["artifacts.public"] is True  # folded from the training job's storage
