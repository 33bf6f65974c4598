"""Live SageMaker beyond endpoints, models, jobs, notebooks and domains: pipelines (their Training steps),
model-monitor job definitions, feature groups, model package groups, Studio spaces and labeling workteams.

Each reader is one Describe (plus the Get the resource needs: the space's domain, the workteam's workforce,
the group's resource policy) handed to the fact builders the Terraform face uses, so a setting means the
same fact whichever way it was read. Read-only: List* / Describe* / Get* only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.aws.pipeline_steps import training_steps
from scanner.clouds.aws.resource_policy import is_public
from scanner.clouds.aws.sagemaker import _answered, _clean, training_inputs
from scanner.clouds.aws.types import LIVE_TYPES
from scanner.clouds.secrets import secret_facts
from scanner.model import Resource
from scanner.privacy.assess import unknown_facts
from scanner.privacy.training import privacy_facts

if TYPE_CHECKING:
    from scanner.clouds.aws.sagemaker import RegionReader

_OUTPUT_CONFIG = {
    "data_quality_job_definition": "DataQualityJobOutputConfig",
    "model_quality_job_definition": "ModelQualityJobOutputConfig",
    "model_bias_job_definition": "ModelBiasJobOutputConfig",
    "model_explainability_job_definition": "ModelExplainabilityJobOutputConfig",
}
_TYPES = {t.name: t for t in LIVE_TYPES if t.builder == f"{__name__}:read_extra"}
MONITORING_DEFINITIONS: dict[str, tuple[str, str]] = {
    name: (_TYPES[name].describe or "", output) for name, output in _OUTPUT_CONFIG.items()
}
"""Listing kind → (describe operation, the output-config key of its answer); the operation from the record."""

RESOURCE_TYPES = {name: t.provider_type for name, t in _TYPES.items()}
"""Listing kind → provider type, from ``types.LIVE_TYPES``."""
_PIPELINE = RESOURCE_TYPES["pipeline"]
_NO_POLICY = ("ResourceNotFound", "ValidationException")


def read_extra(reader: RegionReader, kind: str, name: str) -> Resource | list[Resource]:
    """Describe one resource of a kind this module reads (a pipeline gives one Resource per Training step)."""
    if kind in MONITORING_DEFINITIONS:
        return _monitoring_definition(reader, kind, name)
    return {
        "pipeline": _pipeline,
        "feature_group": _feature_group,
        "model_package_group": _model_package_group,
        "space": _space,
        "workteam": _workteam,
    }[kind](reader, name)


def _pipeline(reader: RegionReader, name: str) -> list[Resource]:
    """Each Training step of a pipeline's definition, judged as the CreateTrainingJob request it is."""
    pipeline = _answered(
        _clean(reader.sm.describe_pipeline(PipelineName=name)), "PipelineArn", "describe_pipeline"
    )
    tags = reader.tags(pipeline.get("PipelineArn"))
    role = pipeline.get("RoleArn")
    ctx = reader.ctx
    steps = training_steps(pipeline.get("PipelineDefinition"))
    if steps is None:
        facts = {
            **fc.common_facts(tags),
            **fc.role(role, ctx.roles).facts(),
            **unknown_facts("the pipeline definition could not be read"),
        }
        return [
            reader.resource(
                "training_job",
                pipeline.get("PipelineArn"),
                name,
                facts,
                tags,
                pipeline,
                [role],
                resource_type=_PIPELINE,
            )
        ]
    resources = []
    for step_name, job in steps:
        job_role = job.get("RoleArn", role)
        facts = {
            **fc.common_facts(tags),
            **fc.training_job_facts({**job, "RoleArn": job_role}, ctx.keys, ctx.roles),
            **privacy_facts(inputs := training_inputs(job, tags)),
            **secret_facts(inputs),
            **reader.storage(job),
        }
        base = reader.resource(
            "training_job",
            pipeline.get("PipelineArn"),
            name,
            facts,
            tags,
            job,
            [job_role],
            resource_type=_PIPELINE,
        )
        resources.append(replace(base, id=f"{base.id}/steps/{step_name}", name=f"{name}/{step_name}"))
    return resources


def _monitoring_definition(reader: RegionReader, kind: str, name: str) -> Resource:
    operation, output_key = MONITORING_DEFINITIONS[kind]
    definition = _answered(
        _clean(getattr(reader.sm, operation)(JobDefinitionName=name)), "JobDefinitionArn", operation
    )
    tags = reader.tags(definition.get("JobDefinitionArn"))
    facts = {
        **fc.common_facts(tags),
        **fc.monitoring_job_facts(definition, output_key, reader.ctx.keys, reader.ctx.roles),
        **reader.storage(definition),
    }
    role = definition.get("RoleArn")
    return reader.resource(
        "compute",
        definition.get("JobDefinitionArn"),
        name,
        facts,
        tags,
        definition,
        [role],
        resource_type=RESOURCE_TYPES[kind],
    )


def _feature_group(reader: RegionReader, name: str) -> Resource:
    group = _answered(
        _clean(reader.sm.describe_feature_group(FeatureGroupName=name)),
        "FeatureGroupArn",
        "describe_feature_group",
    )
    tags = reader.tags(group.get("FeatureGroupArn"))
    facts = {
        **fc.common_facts(tags),
        **fc.feature_group_facts(group, reader.ctx.keys, reader.ctx.roles),
        **reader.storage({"OfflineStoreConfig": group.get("OfflineStoreConfig")}),
    }
    role = group.get("RoleArn")
    return reader.resource(
        "data_store",
        group.get("FeatureGroupArn"),
        name,
        facts,
        tags,
        group,
        [role],
        resource_type=RESOURCE_TYPES["feature_group"],
    )


def _model_package_group(reader: RegionReader, name: str) -> Resource:
    """Is every registered model version shared with any AWS account (a wildcard resource policy)?"""
    from botocore.exceptions import ClientError

    group = _answered(
        _clean(reader.sm.describe_model_package_group(ModelPackageGroupName=name)),
        "ModelPackageGroupArn",
        "describe_model_package_group",
    )
    try:
        policy = reader.sm.get_model_package_group_policy(ModelPackageGroupName=name).get("ResourcePolicy")
        public = is_public(policy)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        message = str(exc.response.get("Error", {}).get("Message", "")).lower()
        public = False if code in _NO_POLICY and "policy" in message else None  # no policy vs unreadable
    tags = reader.tags(group.get("ModelPackageGroupArn"))
    facts = {**fc.common_facts(tags), "access.public_policy": public}
    return reader.resource(
        "model",
        group.get("ModelPackageGroupArn"),
        name,
        facts,
        tags,
        group,
        [],
        resource_type=RESOURCE_TYPES["model_package_group"],
    )


def _space(reader: RegionReader, key: str) -> Resource:
    """A Studio space (listed as ``domain-id/space-name``): its domain's network, EFS key and space role."""
    domain_id, _, space_name = key.partition("/")
    space = _answered(
        _clean(reader.sm.describe_space(DomainId=domain_id, SpaceName=space_name)),
        "SpaceArn",
        "describe_space",
    )
    domain = reader.domain(domain_id)
    tags = reader.tags(space.get("SpaceArn"))
    if domain is None:
        facts: dict[str, Any] = dict.fromkeys(
            ("network.public", "network.private", "notebook.direct_internet", "encryption.cmk")
        )
        facts.update({"identity.principal": None, "identity.overprivileged": None})
        role = None
    else:
        role = fc.space_role(domain)
        shape = {
            "AppNetworkAccessType": domain.get("AppNetworkAccessType"),
            "KmsKeyId": domain.get("KmsKeyId"),
            "DefaultUserSettings": {"ExecutionRole": role},
        }
        facts = fc.space_facts(shape, reader.ctx.keys, reader.ctx.roles)
    facts = {**fc.common_facts(tags), **facts}
    return reader.resource(
        "notebook",
        space.get("SpaceArn"),
        space_name,
        facts,
        tags,
        space,
        [role],
        resource_type=RESOURCE_TYPES["space"],
    )


def _workteam(reader: RegionReader, name: str) -> Resource:
    """A labeling workteam, judged by its workforce's portal restriction (source CIDRs or a VPC)."""
    from botocore.exceptions import ClientError

    team = _answered(_clean(reader.sm.describe_workteam(WorkteamName=name)), "Workteam", "describe_workteam")
    workteam = team["Workteam"] if isinstance(team["Workteam"], Mapping) else {}
    workforce_arn = workteam.get("WorkforceArn")
    facts: dict[str, Any] = {"network.public": None, "network.private": None}
    if isinstance(workforce_arn, str):
        try:
            answer = reader.sm.describe_workforce(WorkforceName=workforce_arn.rsplit("/", 1)[-1])
            workforce = answer.get("Workforce") if isinstance(answer, Mapping) else None
        except ClientError:
            workforce = None  # not readable: the portal's exposure is unknown
        if isinstance(workforce, Mapping):
            cidrs = (workforce.get("SourceIpConfig") or {}).get("Cidrs")
            facts = fc.workforce_facts(bool(cidrs), bool(workforce.get("WorkforceVpcConfig")))
    tags = reader.tags(workteam.get("WorkteamArn"))
    facts = {**fc.common_facts(tags), **facts}
    return reader.resource(
        "workspace",
        workteam.get("WorkteamArn"),
        name,
        facts,
        tags,
        workteam,
        [],
        resource_type=RESOURCE_TYPES["workteam"],
    )
