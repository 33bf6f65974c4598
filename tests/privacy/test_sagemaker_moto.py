"""DP evidence read from a real DescribeTrainingJob response (boto3 against moto), as the AWS adapter sees it."""

from __future__ import annotations

import json

import pytest

from scanner.privacy.training import TrainingInputs, privacy_facts

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")


def describe_job(hyperparameters: dict[str, str], arguments: list[str]) -> dict:
    with moto.mock_aws():
        client = boto3.client("sagemaker", region_name="us-east-1")
        client.create_training_job(
            TrainingJobName="dp-job",
            # The SageMaker Python SDK JSON-encodes every hyperparameter value.
            HyperParameters={k: json.dumps(v) for k, v in hyperparameters.items()},
            AlgorithmSpecification={
                "TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/opacus-train:1",
                "TrainingInputMode": "File",
                **({"ContainerArguments": arguments} if arguments else {}),
            },
            RoleArn="arn:aws:iam::123456789012:role/sagemaker-exec",
            OutputDataConfig={"S3OutputPath": "s3://bucket/out"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        return client.describe_training_job(TrainingJobName="dp-job")


def inputs_of(job: dict) -> TrainingInputs:
    spec = job["AlgorithmSpecification"]
    return TrainingInputs(
        hyperparameters=job.get("HyperParameters") or {},
        arguments=spec.get("ContainerArguments") or (),
        environment=job.get("Environment") or {},
        image=spec.get("TrainingImage"),
        origin="HyperParameters",
    )


def test_dp_job_read_through_the_sdk():
    job = describe_job(
        {
            "noise_multiplier": "1.1",
            "l2_norm_clip": "1.0",
            "batch_size": "256",
            "dataset_size": "60000",
            "epochs": "60",
        },
        ["--target-delta", "1e-5"],
    )
    assert job["HyperParameters"]["noise_multiplier"] == '"1.1"'  # JSON-encoded on the wire
    facts = privacy_facts(inputs_of(job))
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.epsilon"] == pytest.approx(2.38, abs=0.015)  # published PLD figure
    assert facts["privacy.delta"] == 1e-5
    assert "args.target-delta=1e-5" in facts["privacy.evidence"]


def test_library_only_job_read_through_the_sdk_is_weak():
    job = describe_job({"epochs": "3", "learning_rate": "0.001"}, [])
    facts = privacy_facts(inputs_of(job))
    assert facts["privacy.status"] == "weak"
    assert facts["privacy.evidence"] == ["library=opacus"]
