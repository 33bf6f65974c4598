"""Which registry a SageMaker image comes from: own, the provider's, public, or not attributable."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scanner.clouds.aws.images import live_image_facts
from scanner.clouds.images import registry_kind
from scanner.clouds.sources import terraform_source

OWN = "111122223333"


@pytest.mark.parametrize(
    ("image", "kind"),
    [
        (f"{OWN}.dkr.ecr.eu-west-1.amazonaws.com/train:1", "own"),
        ("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310", "provider"),
        ("999988887777.dkr.ecr.us-east-1.amazonaws.com/theirs:1", None),
        ("pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime", "public"),
        ("public.ecr.aws/someone/trainer:latest", "public"),
        ("ghcr.io/someone/trainer:latest", "public"),
        ("us-docker.pkg.dev/vertex-ai/training/pytorch-gpu.2-1:latest", "provider"),
        ("europe-docker.pkg.dev/my-project/repo/train:1", None),
        ("mlacr.azurecr.io/train:1", "own"),
        ("mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:1", "provider"),
    ],
)
def test_registry_kinds(image: str, kind: str | None) -> None:
    assert registry_kind(image, OWN) == kind


def test_live_facts_of_a_training_job_and_an_endpoint() -> None:
    job = {"AlgorithmSpecification": {"TrainingImage": "huggingface/transformers-pytorch-gpu:4.41"}}
    assert live_image_facts(job, OWN) == {"image.public_registry": True, "image.registries": ["public"]}
    endpoint = {"Models": [{"PrimaryContainer": {"Image": f"{OWN}.dkr.ecr.us-east-1.amazonaws.com/m:1"}}]}
    assert live_image_facts(endpoint, OWN)["image.public_registry"] is False
    assert live_image_facts({"PrimaryContainer": {}}, OWN) == {}


def test_terraform_models_own_references_and_public_images(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        textwrap.dedent(
            """
            resource "aws_ecr_repository" "r" { name = "serve" }
            resource "aws_sagemaker_model" "own" {
              name               = "own"
              execution_role_arn = "arn:aws:iam::1:role/r"
              primary_container { image = "${aws_ecr_repository.r.repository_url}:1" }
            }
            resource "aws_sagemaker_model" "hub" {
              name               = "hub"
              execution_role_arn = "arn:aws:iam::1:role/r"
              primary_container { image = "tensorflow/serving:2.15.0" }
            }
            """
        ),
        encoding="utf-8",
    )
    models = {r.name: r.facts for r in terraform_source([str(tmp_path)]).resources}
    assert models["own"]["image.public_registry"] is False
    assert models["hub"]["image.public_registry"] is True
