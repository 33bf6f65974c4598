"""aws_sagemaker_pipeline → one training_job Resource per Training step of its definition.

A Training step's ``Arguments`` are a CreateTrainingJob request, so each step is judged by the same fact
builders as a live training job (network isolation, VPC, inter-container encryption, output and volume
keys, role, DP evidence). ``{"Get": "Parameters.X"}`` resolves to the pipeline parameter's
``DefaultValue``; any other expression (step properties, ``Std:Join``) is unknown. A definition that cannot
be read (a variable, a file outside the scan) gives one resource whose facts are unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.aws.pipeline_steps import training_steps
from scanner.clouds.aws.sagemaker import training_inputs
from scanner.clouds.aws.tf_common import simple_resource
from scanner.clouds.aws.tf_iam import TfKeyJudge, TfRoleJudge
from scanner.clouds.aws.tf_storage import artifact_facts_of
from scanner.clouds.base import literal_tags
from scanner.clouds.secrets import secret_facts
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
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


def map_pipeline(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """Each Training step of the pipeline as a training job (``<address>/steps/<step name>``)."""
    role = tf.attrs.get("role_arn")
    steps = training_steps(tf.attrs.get("pipeline_definition"))
    if steps is None:
        facts = {
            **dict.fromkeys(_UNREADABLE_FACTS),
            **fc.role(role, TfRoleJudge(index, tf)).facts(),
            **unknown_facts("the pipeline definition could not be read"),
        }
        return [simple_resource(tf, index, "training_job", facts, role)]
    tags = literal_tags(tf.attrs)
    resources = []
    for step_name, job in steps:
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
        resources.append(replace(base, id=f"{tf.address}/steps/{step_name}", name=f"{base.name}/{step_name}"))
    return resources
