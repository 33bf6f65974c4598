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
from scanner.clouds.aws.terraform_pipeline import map_pipeline
from scanner.clouds.aws.terraform_storage import artifact_facts_of
from scanner.clouds.aws.terraform_studio import (
    map_mlflow_tracking_server,
    map_model_package_group,
    map_space,
    map_workforce,
    map_workteam,
)
from scanner.clouds.aws.tf_common import find, simple_resource
from scanner.clouds.aws.tf_iam import TfKeyJudge, TfRoleJudge
from scanner.clouds.base import TerraformMapper, literal_tags, resource_from_tf
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, block, blocks
from scanner.model import Resource

MONITORING_OUTPUTS = {
    "aws_sagemaker_data_quality_job_definition": "data_quality_job_output_config",
    "aws_sagemaker_model_quality_job_definition": "model_quality_job_output_config",
    "aws_sagemaker_model_bias_job_definition": "model_bias_job_output_config",
    "aws_sagemaker_model_explainability_job_definition": "model_explainability_job_output_config",
}


# -- attribute translation: Terraform → API shape ----------------------------------------------


def _block(attrs: Mapping[str, Any], name: str) -> Any:
    """A nested block as a mapping, Unknown for a dynamic block, None when absent."""
    return block(attrs, name)


def _vpc(attrs: Mapping[str, Any]) -> Any:
    return _block(attrs, "vpc_config")


def model_shape(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """aws_sagemaker_model → DescribeModel shape."""
    containers = blocks(attrs, "container")
    return {
        "EnableNetworkIsolation": attrs.get("enable_network_isolation"),
        "VpcConfig": _vpc(attrs),
        "ExecutionRoleArn": attrs.get("execution_role_arn"),
        "PrimaryContainer": _container(_block(attrs, "primary_container")),
        "Containers": containers if isinstance(containers, Unknown) else [_container(c) for c in containers],
    }


def _container(container: Any) -> Any:
    if not isinstance(container, Mapping):
        return container
    return {
        "Image": container.get("image"),
        "ModelDataUrl": container.get("model_data_url"),
        "ModelPackageName": container.get("model_package_name"),
        "Environment": container.get("environment"),
    }


def config_shape(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """aws_sagemaker_endpoint_configuration → DescribeEndpointConfig shape."""
    capture = _block(attrs, "data_capture_config")
    if isinstance(capture, Mapping):
        capture = {"EnableCapture": capture.get("enable_capture"), "KmsKeyId": capture.get("kms_key_id")}
    async_config = _block(attrs, "async_inference_config")
    if isinstance(async_config, Mapping):
        output = _block(async_config, "output_config")
        kms = output.get("kms_key_id") if isinstance(output, Mapping) else output
        async_config = {"OutputConfig": {"KmsKeyId": kms}}
    return {
        "KmsKeyId": attrs.get("kms_key_arn"),
        "ExplainerConfig": _explainer(attrs),
        "DataCaptureConfig": capture,
        "AsyncInferenceConfig": async_config,
        "ProductionVariants": _variants(attrs.get("production_variants")),
        "ShadowProductionVariants": _variants(attrs.get("shadow_production_variants")),
    }


def _explainer(attrs: Mapping[str, Any]) -> Any:
    """explainer_config { clarify_explainer_config { ... } } in the API's shape (None when absent)."""
    explainer = _block(attrs, "explainer_config")
    if not isinstance(explainer, Mapping):
        return explainer
    clarify = _block(explainer, "clarify_explainer_config")
    if not isinstance(clarify, Mapping):
        return {"ClarifyExplainerConfig": clarify}
    inference = _block(clarify, "inference_config")
    inference_api = (
        {
            "ProbabilityIndex": inference.get("probability_index"),
            "ProbabilityAttribute": inference.get("probability_attribute"),
        }
        if isinstance(inference, Mapping)
        else inference
    )
    return {
        "ClarifyExplainerConfig": {
            "EnableExplanations": clarify.get("enable_explanations"),
            "InferenceConfig": inference_api,
            "ShapConfig": _block(clarify, "shap_config"),
        }
    }


def _variants(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    variants = value if isinstance(value, list) else ([value] if isinstance(value, Mapping) else [])
    return [
        {"ModelName": v.get("model_name"), "InitialInstanceCount": v.get("initial_instance_count")}
        for v in variants
        if isinstance(v, Mapping)
    ]


def notebook_shape(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """aws_sagemaker_notebook_instance → DescribeNotebookInstance shape."""
    imds = _block(attrs, "instance_metadata_service_configuration")
    if isinstance(imds, Mapping):
        imds = {
            "MinimumInstanceMetadataServiceVersion": imds.get("minimum_instance_metadata_service_version")
        }
    return {
        "KmsKeyId": attrs.get("kms_key_id"),
        "SubnetId": attrs.get("subnet_id"),
        "DirectInternetAccess": attrs.get("direct_internet_access"),
        "RootAccess": attrs.get("root_access"),
        "InstanceMetadataServiceConfiguration": imds,
        "RoleArn": attrs.get("role_arn"),
    }


def domain_shape(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """aws_sagemaker_domain → DescribeDomain shape."""
    settings = _block(attrs, "default_user_settings")
    return {
        "AppNetworkAccessType": attrs.get("app_network_access_type"),
        "KmsKeyId": attrs.get("kms_key_id"),
        "AuthMode": attrs.get("auth_mode"),
        "DefaultUserSettings": {"ExecutionRole": settings.get("execution_role")}
        if isinstance(settings, Mapping)
        else settings,
    }


def monitoring_shape(attrs: Mapping[str, Any], output_block: str) -> dict[str, Any]:
    """A *_job_definition → its Describe shape (output / volume keys, network config, role)."""
    resources = _block(attrs, "job_resources")
    cluster = _block(resources, "cluster_config") if isinstance(resources, Mapping) else resources
    output = _block(attrs, output_block)
    network = _block(attrs, "network_config")
    if isinstance(network, Mapping):
        network = {
            "EnableInterContainerTrafficEncryption": network.get("enable_inter_container_traffic_encryption"),
            "EnableNetworkIsolation": network.get("enable_network_isolation"),
            "VpcConfig": _vpc(network),
        }
    return {
        "RoleArn": attrs.get("role_arn"),
        "Output": {"KmsKeyId": output.get("kms_key_id")} if isinstance(output, Mapping) else output,
        "JobResources": {
            "ClusterConfig": {"VolumeKmsKeyId": cluster.get("volume_kms_key_id")}
            if isinstance(cluster, Mapping)
            else cluster
        },
        "NetworkConfig": network,
    }


def feature_group_shape(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """aws_sagemaker_feature_group → DescribeFeatureGroup shape."""
    offline = _block(attrs, "offline_store_config")
    if isinstance(offline, Mapping):
        s3 = _block(offline, "s3_storage_config")
        offline = {"S3StorageConfig": {"KmsKeyId": s3.get("kms_key_id")} if isinstance(s3, Mapping) else s3}
    online = _block(attrs, "online_store_config")
    if isinstance(online, Mapping):
        security = _block(online, "security_config")
        online = {
            "EnableOnlineStore": online.get("enable_online_store"),
            "SecurityConfig": {"KmsKeyId": security.get("kms_key_id")}
            if isinstance(security, Mapping)
            else security,
        }
    return {"OfflineStoreConfig": offline, "OnlineStoreConfig": online, "RoleArn": attrs.get("role_arn")}


def flow_definition_shape(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """aws_sagemaker_flow_definition → DescribeFlowDefinition shape."""
    output = _block(attrs, "output_config")
    return {
        "OutputConfig": {"KmsKeyId": output.get("kms_key_id")} if isinstance(output, Mapping) else output,
        "RoleArn": attrs.get("role_arn"),
    }


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
