"""aws_sagemaker_pipeline → one training_job Resource per Training step of its definition.

A Training step's ``Arguments`` are a CreateTrainingJob request, so each step is judged by the same fact
builders as a live training job (network isolation, VPC, inter-container encryption, output and volume
keys, role, DP evidence). ``{"Get": "Parameters.X"}`` resolves to the pipeline parameter's
``DefaultValue``; any other expression (step properties, ``Std:Join``) is unknown. A definition that cannot
be read (a variable, a file outside the scan) gives one resource whose facts are unknown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.aws.sagemaker import training_inputs
from scanner.clouds.aws.terraform_storage import artifact_facts_of
from scanner.clouds.aws.tf_common import simple_resource
from scanner.clouds.aws.tf_iam import TfKeyJudge, TfRoleJudge
from scanner.clouds.base import literal_tags
from scanner.clouds.secrets import secret_facts
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown
from scanner.model import Resource
from scanner.privacy.assess import unknown_facts
from scanner.privacy.training import privacy_facts

_UNREADABLE_FACTS = (
    "network.egress_restricted",
    "network.private",
    "encryption.in_transit",
    "encryption.cmk",
    "encryption.output_cmk",
    "encryption.volume_cmk",
    "training.hardcoded_secrets",
)


def definition(tf: TfResource) -> Mapping[str, Any] | None:
    """The pipeline definition as a mapping (JSON text or jsonencode); None when it cannot be read."""
    value = tf.attrs.get("pipeline_definition")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, Mapping) else None


def _resolve(value: Any, parameters: Mapping[str, Any]) -> Any:
    """Pipeline parameter references replaced by their defaults; other expressions become Unknown."""
    if isinstance(value, Mapping):
        if set(value) == {"Get"} and isinstance(value["Get"], str):
            name = value["Get"].removeprefix("Parameters.")
            if value["Get"].startswith("Parameters.") and name in parameters:
                return parameters[name]
            return Unknown(value["Get"])
        if len(value) == 1 and next(iter(value)).startswith("Std:"):
            return Unknown(next(iter(value)))
        return {k: _resolve(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, parameters) for v in value]
    return value


def map_pipeline(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """Each Training step of the pipeline as a training job (``<address>/steps/<step name>``)."""
    role = tf.attrs.get("role_arn")
    parsed = definition(tf)
    if parsed is None:
        facts = {
            **dict.fromkeys(_UNREADABLE_FACTS),
            **fc.role(role, TfRoleJudge(index, tf)).facts(),
            **unknown_facts("the pipeline definition could not be read"),
        }
        return [simple_resource(tf, index, "training_job", facts, role)]
    parameters = {
        p["Name"]: p.get("DefaultValue")
        for p in parsed.get("Parameters") or []
        if isinstance(p, Mapping) and isinstance(p.get("Name"), str) and "DefaultValue" in p
    }
    tags = literal_tags(tf.attrs)
    resources = []
    for step in parsed.get("Steps") or []:
        if not isinstance(step, Mapping) or step.get("Type") != "Training":
            continue
        job = _resolve(step.get("Arguments") or {}, parameters)
        job = job if isinstance(job, Mapping) else {}
        job_role = job.get("RoleArn", role)
        facts = {
            **fc.training_job_facts(
                {**job, "RoleArn": job_role}, TfKeyJudge(index, tf), TfRoleJudge(index, tf)
            ),
            **privacy_facts(inputs := training_inputs(job, tags)),
            **secret_facts(inputs),
            **artifact_facts_of([], index, [job]),
        }
        base = simple_resource(tf, index, "training_job", facts, job_role)
        step_name = str(step.get("Name") or len(resources))
        resources.append(replace(base, id=f"{tf.address}/steps/{step_name}", name=f"{base.name}/{step_name}"))
    return resources
