"""The live SageMaker types: one record each (listing, describe, client, builder, type name).

``sagemaker.LISTINGS`` / ``RESOURCE_TYPES`` and ``sagemaker_studio.MONITORING_DEFINITIONS`` /
``RESOURCE_TYPES`` are derived from these records; every call is read-only (List* / Describe*).
"""

from __future__ import annotations

from scanner.clouds.livetypes import LiveType

_READER = "scanner.clouds.aws.sagemaker:RegionReader"
_STUDIO = "scanner.clouds.aws.sagemaker_studio:read_extra"


def _monitoring(name: str, kind_name: str) -> LiveType:
    return LiveType(
        name=name,
        kind="compute",
        provider_type=f"AWS::SageMaker::{kind_name}",
        client="sagemaker",
        listing=f"list_{name}s",
        describe=f"describe_{name}",
        builder=_STUDIO,
        answer_key="JobDefinitionSummaries",
        name_field="MonitoringJobDefinitionName",
    )


LIVE_TYPES: tuple[LiveType, ...] = (
    LiveType(
        "endpoint", "endpoint", "AWS::SageMaker::Endpoint", "sagemaker", "list_endpoints",
        "describe_endpoint", f"{_READER}.read_endpoint", "Endpoints", "EndpointName",
    ),
    LiveType(
        "model", "model", "AWS::SageMaker::Model", "sagemaker", "list_models",
        "describe_model", f"{_READER}.read_model", "Models", "ModelName",
    ),
    LiveType(
        "training_job", "training_job", "AWS::SageMaker::TrainingJob", "sagemaker", "list_training_jobs",
        "describe_training_job", f"{_READER}.read_training_job", "TrainingJobSummaries", "TrainingJobName",
    ),
    LiveType(
        "notebook", "notebook", "AWS::SageMaker::NotebookInstance", "sagemaker", "list_notebook_instances",
        "describe_notebook_instance", f"{_READER}.read_notebook", "NotebookInstances", "NotebookInstanceName",
    ),
    LiveType(
        "domain", "workspace", "AWS::SageMaker::Domain", "sagemaker", "list_domains",
        "describe_domain", f"{_READER}.read_domain", "Domains", "DomainId",
    ),
    LiveType(
        "pipeline", "training_job", "AWS::SageMaker::Pipeline", "sagemaker", "list_pipelines",
        "describe_pipeline", _STUDIO, "PipelineSummaries", "PipelineName",
    ),
    _monitoring("data_quality_job_definition", "DataQualityJobDefinition"),
    _monitoring("model_quality_job_definition", "ModelQualityJobDefinition"),
    _monitoring("model_bias_job_definition", "ModelBiasJobDefinition"),
    _monitoring("model_explainability_job_definition", "ModelExplainabilityJobDefinition"),
    LiveType(
        "feature_group", "data_store", "AWS::SageMaker::FeatureGroup", "sagemaker", "list_feature_groups",
        "describe_feature_group", _STUDIO, "FeatureGroupSummaries", "FeatureGroupName",
    ),
    LiveType(
        "model_package_group", "model", "AWS::SageMaker::ModelPackageGroup", "sagemaker",
        "list_model_package_groups", "describe_model_package_group", _STUDIO,
        "ModelPackageGroupSummaryList", "ModelPackageGroupName",
    ),
    LiveType(
        "space", "notebook", "AWS::SageMaker::Space", "sagemaker", "list_spaces",
        "describe_space", _STUDIO, "Spaces", "DomainId/SpaceName",
    ),
    LiveType(
        "workteam", "workspace", "AWS::SageMaker::Workteam", "sagemaker", "list_workteams",
        "describe_workteam", _STUDIO, "Workteams", "WorkteamName",
    ),
)  # fmt: skip
"""In listing order (the live scanner lists them in this order per region)."""
