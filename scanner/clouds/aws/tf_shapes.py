"""Terraform attributes → the SageMaker API's Describe shapes, for the AWS Terraform mappers.

Translating ``kms_key_arn`` into ``KmsKeyId`` (and so on) is the whole job here: the mappers in
:mod:`scanner.clouds.aws.terraform` hand these shapes to :mod:`facts_common`, the same fact
builders the live face uses, so one setting yields one fact however it was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.iac.values import Unknown, block, blocks

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
        capture = {
            "EnableCapture": capture.get("enable_capture"),
            "KmsKeyId": capture.get("kms_key_id"),
            "InitialSamplingPercentage": capture.get("initial_sampling_percentage"),
            "CaptureOptions": _capture_options(capture),
        }
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
        "ProductionVariants": variants(attrs.get("production_variants")),
        "ShadowProductionVariants": variants(attrs.get("shadow_production_variants")),
    }


def _capture_options(capture: Mapping[str, Any]) -> Any:
    """capture_options { capture_mode } blocks as CaptureOptions (Unknown for a dynamic block)."""
    options = blocks(capture, "capture_options")
    if not isinstance(options, list):
        return options
    return [{"CaptureMode": option.get("capture_mode")} for option in options]


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


def variants(value: Any) -> Any:
    """``production_variants`` blocks → ProductionVariants (model name, instance count); unknown stays unknown."""
    if isinstance(value, Unknown):
        return value
    items = value if isinstance(value, list) else ([value] if isinstance(value, Mapping) else [])
    return [
        {"ModelName": v.get("model_name"), "InitialInstanceCount": v.get("initial_instance_count")}
        for v in items
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
