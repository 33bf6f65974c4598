"""Model → training-job lineage for models uploaded from a custom job's output.

A model trained by a training pipeline names it (``training_pipeline``). A model
uploaded from what a CustomJob wrote does not; Vertex hands every job its output
location (``job_spec.base_output_directory``, exported to the container as
``AIP_MODEL_DIR = <prefix>/model/``), so a model whose ``artifact_uri`` lies under a
job's output prefix was produced by that job. That link lets the privacy join
reach the job's DP evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from scanner.model import Resource


def link_models_to_jobs(resources: Iterable[Resource]) -> list[Resource]:
    """The resources, with each unlinked model linked to the custom job whose output holds its artifacts."""
    resources = list(resources)
    prefixes = sorted(
        ((_prefix(r), r.id) for r in resources if r.kind == "training_job" and _prefix(r)),
        key=lambda item: -len(item[0]),
    )
    if not prefixes:
        return resources
    linked: list[Resource] = []
    for res in resources:
        artifacts = _normalized(res.raw.get("artifact_uri")) if res.kind == "model" else ""
        job = (
            next((job for prefix, job in prefixes if artifacts.startswith(prefix)), None)
            if artifacts
            else None
        )
        linked.append(replace(res, links=(*res.links, job)) if job and job not in res.links else res)
    return linked


def _prefix(job: Resource) -> str:
    spec = job.raw.get("job_spec") or {}
    return _normalized((spec.get("base_output_directory") or {}).get("output_uri_prefix"))


def _normalized(uri: object) -> str:
    return f"{uri.rstrip('/')}/" if isinstance(uri, str) and uri else ""
