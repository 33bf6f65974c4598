"""Terraform face of AWS: SageMaker blocks → normalized Resources, with the same facts as live.

Each mapper translates the block's attributes into the API's shape (``kms_key_arn`` →
``KmsKeyId``...) and hands it to :mod:`facts_common`, the module the live face uses, so
one setting yields one fact however it was read. Keys and roles are judged from the other
blocks of the scan (:mod:`tf_iam`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.aws.lifecycle import lifecycle_facts
from scanner.clouds.aws.monitoring import monitoring_facts
from scanner.clouds.aws.tf_common import find, simple_resource
from scanner.clouds.aws.tf_iam import TfKeyJudge, TfRoleJudge
from scanner.clouds.aws.tf_monitoring import front_door
from scanner.clouds.aws.tf_pipeline import map_pipeline
from scanner.clouds.aws.tf_shapes import (
    MONITORING_OUTPUTS,
    config_shape,
    domain_shape,
    feature_group_shape,
    flow_definition_shape,
    model_shape,
    monitoring_shape,
    notebook_shape,
)
from scanner.clouds.aws.tf_storage import artifact_facts_of
from scanner.clouds.aws.tf_studio import (
    map_mlflow_tracking_server,
    map_model_package_group,
    map_space,
    map_workforce,
    map_workteam,
)
from scanner.clouds.base import TerraformMapper, literal_tags, resource_from_tf
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import block
from scanner.model import Resource

# -- mappers ------------------------------------------------------------------------------------


def map_endpoint(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_endpoint + its endpoint configuration + the models it serves → one endpoint."""
    config = find(index, tf, tf.attrs.get("endpoint_config_name"), "aws_sagemaker_endpoint_configuration")
    return [_endpoint(tf, config, index)]


def map_endpoint_configuration(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """A configuration no endpoint in the scan uses is what gets deployed: judge it as the endpoint."""
    if _used_by_endpoint(tf, index):
        return []
    return [_endpoint(tf, tf, index)]


def _endpoint(tf: TfResource, config: TfResource | None, index: TfIndex) -> Resource:
    models: list[TfResource | None] = []
    model_shapes: list[Mapping[str, Any] | None] = []
    config_api = config_shape(config.attrs) if config else None
    if config is not None:
        variants = [
            *_list(config.attrs.get("production_variants")),
            *_list(config.attrs.get("shadow_production_variants")),
        ]
        for variant in variants:
            model = find(index, config, variant.get("model_name"), "aws_sagemaker_model")
            models.append(model)
            model_shapes.append(model_shape(model.attrs) if model else None)
    origin = config or tf
    facts = fc.endpoint_facts(config_api, model_shapes, TfKeyJudge(index, origin), TfRoleJudge(index, origin))
    facts.update(artifact_facts_of([tf, *([config] if config else []), *[m for m in models if m]], index))
    facts.update(monitoring_facts(tf.attrs.get("name"), front_door(index)))
    tags = literal_tags(tf.attrs)
    raw = {
        "endpoint": tf.attrs,
        "endpoint_configuration": config.attrs if config else None,
        "models": [m.attrs if m else None for m in models],
    }
    return resource_from_tf(
        tf,
        provider="aws",
        service="sagemaker",
        kind="endpoint",
        facts={**fc.common_facts(tags), **facts},
        links=[m.address for m in models if m is not None],
        tags=tags,
        raw=raw,
    )


def map_model(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_model → model (network isolation default off, VPC, execution role)."""
    facts = {
        **fc.model_facts(model_shape(tf.attrs), TfRoleJudge(index, tf)),
        **artifact_facts_of([tf], index),
    }
    return [simple_resource(tf, index, "model", facts, tf.attrs.get("execution_role_arn"))]


def map_notebook(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_notebook_instance → notebook (omitted direct internet / root = Enabled, IMDSv1)."""
    facts = fc.notebook_facts(notebook_shape(tf.attrs), TfKeyJudge(index, tf), TfRoleJudge(index, tf))
    lifecycle, _ = lifecycle_facts(_lifecycle_contents(tf, index))
    return [simple_resource(tf, index, "notebook", {**facts, **lifecycle}, tf.attrs.get("role_arn"))]


def _lifecycle_contents(tf: TfResource, index: TfIndex) -> list[Any] | None:
    """The base64 scripts of the notebook's lifecycle configuration; None when it is not in the scan."""
    value = tf.attrs.get("lifecycle_config_name")
    if value is None:
        return []
    config = find(index, tf, value, "aws_sagemaker_notebook_instance_lifecycle_configuration")
    if config is None:
        return None
    return [config.attrs[key] for key in ("on_create", "on_start") if config.attrs.get(key) is not None]


def map_domain(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_domain → workspace (omitted app_network_access_type = PublicInternetOnly)."""
    shape = domain_shape(tf.attrs)
    facts = fc.domain_facts(shape, TfKeyJudge(index, tf), TfRoleJudge(index, tf))
    space = block(tf.attrs, "default_space_settings")
    space_role = index.resolve(space.get("execution_role"), tf) if isinstance(space, Mapping) else None
    extra = [space_role.address] if space_role is not None else []
    return [simple_resource(tf, index, "workspace", facts, _role_of(shape), extra)]


def map_user_profile(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_user_profile → workspace member: the role its apps run as, linked to its domain."""
    settings = block(tf.attrs, "user_settings")
    role_value = settings.get("execution_role") if isinstance(settings, Mapping) else settings
    facts = fc.user_profile_facts({"UserSettings": {"ExecutionRole": role_value}}, TfRoleJudge(index, tf))
    domain = index.resolve(tf.attrs.get("domain_id"), tf)
    extra = [domain.address] if domain else []
    return [simple_resource(tf, index, "workspace", facts, role_value, extra)]


def map_app(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_app → compute: a Studio app instance, linked to its domain and user profile."""
    linked = [index.resolve(tf.attrs.get(k), tf) for k in ("domain_id", "user_profile_name", "space_name")]
    return [simple_resource(tf, index, "compute", {}, None, [r.address for r in linked if r])]


def map_monitoring_job(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """Model-monitor job definitions → compute (output / volume KMS, inter-container encryption, isolation)."""
    shape = monitoring_shape(tf.attrs, MONITORING_OUTPUTS[tf.type])
    facts = fc.monitoring_job_facts(shape, "Output", TfKeyJudge(index, tf), TfRoleJudge(index, tf))
    facts.update(artifact_facts_of([tf], index))
    return [simple_resource(tf, index, "compute", facts, tf.attrs.get("role_arn"), _schedules_of(tf, index))]


def _schedules_of(definition: TfResource, index: TfIndex) -> list[str]:
    """The monitoring schedules that run a job definition (merged here: they carry no settings of their own)."""
    name = definition.attrs.get("name")
    schedules = index.referencing(definition, "aws_sagemaker_monitoring_schedule")
    for schedule in index.of_type("aws_sagemaker_monitoring_schedule"):
        config = block(schedule.attrs, "monitoring_schedule_config")
        named = config.get("monitoring_job_definition_name") if isinstance(config, Mapping) else None
        if isinstance(name, str) and named == name and schedule.module == definition.module:
            schedules.append(schedule)
    return list(dict.fromkeys(s.address for s in schedules))


def map_feature_group(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_feature_group → data_store (offline and online store keys)."""
    facts = fc.feature_group_facts(
        feature_group_shape(tf.attrs), TfKeyJudge(index, tf), TfRoleJudge(index, tf)
    )
    facts.update(artifact_facts_of([tf], index))
    name = tf.attrs.get("feature_group_name")
    return [simple_resource(tf, index, "data_store", facts, tf.attrs.get("role_arn"), name=name)]


def map_flow_definition(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_flow_definition → data_store (human-review output key)."""
    facts = fc.flow_definition_facts(
        flow_definition_shape(tf.attrs), TfKeyJudge(index, tf), TfRoleJudge(index, tf)
    )
    facts.update(artifact_facts_of([tf], index))
    name = tf.attrs.get("flow_definition_name")
    return [simple_resource(tf, index, "data_store", facts, tf.attrs.get("role_arn"), name=name)]


def map_merged(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """Configuration pieces (lifecycle scripts, code repositories): no resource of their own."""
    return []


def _role_of(shape: Mapping[str, Any]) -> Any:
    settings = shape.get("DefaultUserSettings")
    return settings.get("ExecutionRole") if isinstance(settings, Mapping) else None


def _list(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def _used_by_endpoint(config: TfResource, index: TfIndex) -> bool:
    if index.referencing(config, "aws_sagemaker_endpoint"):
        return True
    name = config.attrs.get("name")
    return isinstance(name, str) and any(
        ep.attrs.get("endpoint_config_name") == name
        for ep in index.in_module(config.module, "aws_sagemaker_endpoint")
    )


MAPPERS: dict[str, TerraformMapper] = {
    "aws_sagemaker_endpoint": map_endpoint,
    "aws_sagemaker_endpoint_configuration": map_endpoint_configuration,
    "aws_sagemaker_model": map_model,
    "aws_sagemaker_notebook_instance": map_notebook,
    "aws_sagemaker_domain": map_domain,
    "aws_sagemaker_user_profile": map_user_profile,
    "aws_sagemaker_app": map_app,
    "aws_sagemaker_feature_group": map_feature_group,
    "aws_sagemaker_flow_definition": map_flow_definition,
    **dict.fromkeys(MONITORING_OUTPUTS, map_monitoring_job),
    "aws_sagemaker_space": map_space,
    "aws_sagemaker_pipeline": map_pipeline,
    "aws_sagemaker_workforce": map_workforce,
    "aws_sagemaker_workteam": map_workteam,
    "aws_sagemaker_mlflow_tracking_server": map_mlflow_tracking_server,
    "aws_sagemaker_model_package_group": map_model_package_group,
    "aws_sagemaker_model_package_group_policy": map_merged,
    "aws_sagemaker_monitoring_schedule": map_merged,
    "aws_sagemaker_notebook_instance_lifecycle_configuration": map_merged,
    "aws_sagemaker_studio_lifecycle_config": map_merged,
    "aws_sagemaker_code_repository": map_merged,
}
