"""The live Azure ML types: one record each (listing, describe, client, builder, ARM type name).

Every record goes through ``MachineLearningServicesMgmtClient`` (azure-mgmt-machinelearningservices);
the builders stamp the ARM type from here. Computes and jobs carry their computeType / jobType in the
type name (``*``). Only list / get calls are made.
"""

from __future__ import annotations

from scanner.clouds.livetypes import LiveType, by_name

_ML = "MachineLearningServicesMgmtClient"
_PREFIX = "Microsoft.MachineLearningServices/"

LIVE_TYPES: tuple[LiveType, ...] = (
    LiveType(
        "workspaces", "workspace", f"{_PREFIX}workspaces", _ML, "workspaces.list_by_subscription", None,
        "scanner.clouds.azure.workspaces:workspace_resource",
    ),
    LiveType(
        "computes", "compute", f"{_PREFIX}workspaces/computes/*", _ML, "compute.list", None,
        "scanner.clouds.azure.computes:compute_resources",
    ),
    LiveType(
        "onlineEndpoints", "endpoint", f"{_PREFIX}workspaces/onlineEndpoints", _ML, "online_endpoints.list",
        "online_deployments.list", "scanner.clouds.azure.endpoints:endpoint_resources",
    ),
    LiveType(
        "models", "model", f"{_PREFIX}workspaces/models/versions", _ML, "", "model_versions.get", "scanner.clouds.azure.models:model_resources",
    ),
    LiveType(
        "datastores", "data_store", f"{_PREFIX}workspaces/datastores", _ML, "datastores.list", None,
        "scanner.clouds.azure.datastores:datastore_resources",
    ),
    LiveType(
        "registries", "workspace", f"{_PREFIX}registries", _ML, "registries.list_by_subscription", None,
        "scanner.clouds.azure.datastores:registry_resources",
    ),
    LiveType(
        "jobs", "training_job", f"{_PREFIX}workspaces/jobs/*", _ML, "jobs.list", None,
        "scanner.clouds.azure.jobs:job_resources",
    ),
)  # fmt: skip
"""In the order a workspace is read (its computes before the jobs that run on them)."""

TYPES = by_name(LIVE_TYPES)
"""Records by collection name."""
