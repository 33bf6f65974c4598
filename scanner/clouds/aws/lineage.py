"""Lineage: which training job produced the model an endpoint serves, recorded in ``links``.

A SageMaker model's artifact (``ModelDataUrl``) is ``<S3OutputPath>/<job name>/output/model.tar.gz``
of the job that trained it (DescribeTrainingJob also states it as ``ModelArtifacts.S3ModelArtifacts``).
A model built from a model package links to the package ARN instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scanner.clouds.aws.values import sub
from scanner.model import Resource


def artifact_paths(job: Mapping[str, Any]) -> list[str]:
    """Where a training job writes its model artifact."""
    paths: list[str] = []
    stated = sub(job, "ModelArtifacts", "S3ModelArtifacts")
    if isinstance(stated, str):
        paths.append(stated)
    output = sub(job, "OutputDataConfig", "S3OutputPath")
    name = job.get("TrainingJobName")
    if isinstance(output, str) and isinstance(name, str):
        paths.append(f"{output.rstrip('/')}/{name}/output/model.tar.gz")
    return [_norm(p) for p in paths]


def model_sources(model: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """A model's artifact URLs and model package names, over its primary and extra containers."""
    containers = [model.get("PrimaryContainer"), *(model.get("Containers") or [])]
    urls: list[str] = []
    packages: list[str] = []
    for container in containers:
        if not isinstance(container, Mapping):
            continue
        for url in (
            container.get("ModelDataUrl"),
            sub(container, "ModelDataSource", "S3DataSource", "S3Uri"),
        ):
            if isinstance(url, str):
                urls.append(_norm(url))
        if isinstance(container.get("ModelPackageName"), str):
            packages.append(container["ModelPackageName"])
    return urls, packages


def link_training_jobs(resources: Sequence[Resource]) -> list[Resource]:
    """Add each model's training job (and model package) to its links; other resources unchanged."""
    by_artifact: dict[str, str] = {}
    for res in resources:
        if res.kind == "training_job" and res.provider == "aws":
            for path in artifact_paths(res.raw):
                by_artifact.setdefault(path, res.id)
    return [
        _with_lineage(res, by_artifact) if res.kind == "model" and res.provider == "aws" else res
        for res in resources
    ]


def _with_lineage(model: Resource, by_artifact: Mapping[str, str]) -> Resource:
    urls, packages = model_sources(model.raw)
    found: Iterable[str] = [by_artifact[u] for u in urls if u in by_artifact] + packages
    links = tuple(dict.fromkeys([*found, *model.links]))
    return model if links == model.links else dataclasses.replace(model, links=links)


def _norm(path: str) -> str:
    return path.strip().rstrip("/")
