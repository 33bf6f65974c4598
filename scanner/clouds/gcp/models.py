"""Live Vertex AI models → ``model`` Resources (CMEK, explanations, lineage to the training pipeline)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp.context import LiveContext
from scanner.clouds.gcp.types import TYPES
from scanner.model import Resource


def model_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """One model (snake_case dict of the API object) as a normalized Resource.

    A model's explanation spec is what its deployments inherit, so it is a fact here too.
    The link to ``training_pipeline`` lets the privacy join reach how the model was trained.
    """
    labels = dict(item.get("labels") or {})
    facts: dict[str, Any] = {}
    facts.update(fc.kms_facts(item))
    facts.update(fc.explanation_facts(item.get("explanation_spec")))
    facts["data.sensitivity"] = fc.sensitivity(labels)
    facts.update(ctx.artifacts(item))
    links = tuple(link for link in (item.get("training_pipeline"), item.get("pipeline_job")) if link)
    return ctx.resource("model", TYPES["models"].provider_type, item, facts, links)
