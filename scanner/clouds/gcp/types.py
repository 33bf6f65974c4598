"""The live Vertex AI types: one record each (listing, client, builder, type name).

``live.RESOURCE_TYPES``, its listers and its builders are derived from these records. Vertex list
answers carry every field the builders read, so nothing is described one by one; Workbench instances
are listed per project across zones (``workbench_listing``). Every call is read-only.
"""

from __future__ import annotations

from scanner.clouds.livetypes import LiveType, by_name

WORKBENCH = "workbenchInstances"
FEATURE_VIEWS = "featureViews"

LIVE_TYPES: tuple[LiveType, ...] = (
    LiveType(
        "models", "model", "aiplatform.googleapis.com/Model", "models", "list_models", None,
        "scanner.clouds.gcp.models:model_resource",
    ),
    LiveType(
        "endpoints", "endpoint", "aiplatform.googleapis.com/Endpoint", "endpoints", "list_endpoints", None,
        "scanner.clouds.gcp.endpoints:endpoint_resource",
    ),
    LiveType(
        "customJobs", "training_job", "aiplatform.googleapis.com/CustomJob", "jobs", "list_custom_jobs", None,
        "scanner.clouds.gcp.jobs:custom_job_resource",
    ),
    LiveType(
        "trainingPipelines", "training_job", "aiplatform.googleapis.com/TrainingPipeline", "pipelines",
        "list_training_pipelines", None, "scanner.clouds.gcp.jobs:pipeline_resource",
    ),
    LiveType(
        WORKBENCH, "notebook", "notebooks.googleapis.com/Instance", "notebooks", "list_instances", None,
        "scanner.clouds.gcp.notebooks:workbench_resource",
    ),
    *(
        LiveType(
            collection, "data_store", f"aiplatform.googleapis.com/{type_name}", client, listing, None,
            "scanner.clouds.gcp.stores:store_builder", builder_arg=collection,
        )
        for collection, type_name, client, listing in (
            ("tensorboards", "Tensorboard", "tensorboards", "list_tensorboards"),
            ("metadataStores", "MetadataStore", "metadata", "list_metadata_stores"),
            ("featureOnlineStores", "FeatureOnlineStore", "online_stores", "list_feature_online_stores"),
            ("featureGroups", "FeatureGroup", "feature_registry", "list_feature_groups"),
        )
    ),
    LiveType(
        "deploymentResourcePools", "compute", "aiplatform.googleapis.com/DeploymentResourcePool",
        "resource_pools", "list_deployment_resource_pools", None,
        "scanner.clouds.gcp.stores:resource_pool_resource",
    ),
    LiveType(
        "notebookRuntimeTemplates", "notebook", "aiplatform.googleapis.com/NotebookRuntimeTemplate", "runtimes",
        "list_notebook_runtime_templates", None, "scanner.clouds.gcp.stores:runtime_template_resource",
    ),
    LiveType(
        FEATURE_VIEWS, "data_store", "aiplatform.googleapis.com/FeatureView", "online_stores",
        "list_feature_views", None, "scanner.clouds.gcp.stores:feature_view_resource",
        parent="featureOnlineStores",
    ),
)  # fmt: skip
"""In build order: models first (endpoints inherit their explanation specs). Feature views are listed per
online store and experiment runs read per custom job after these (:mod:`follow_ups`)."""
TYPES = by_name(LIVE_TYPES)
"""Records by collection name."""
