"""One live-type record per type and cloud (scanner/clouds/<cloud>/types.py), and the tables derived from it."""

from __future__ import annotations

import importlib

import pytest

from scanner.clouds import CLOUDS
from scanner.clouds.coverage import declared
from scanner.clouds.livetypes import LiveType


def records(cloud: str) -> tuple[LiveType, ...]:
    return importlib.import_module(f"scanner.clouds.{cloud}.types").LIVE_TYPES


ALL = [(cloud, t) for cloud in CLOUDS for t in records(cloud)]


@pytest.mark.parametrize(("cloud", "record"), ALL, ids=[f"{c}:{t.name}" for c, t in ALL])
def test_every_record_builds_with_a_real_function_and_declares_its_facts(
    cloud: str, record: LiveType
) -> None:
    assert callable(record.resolve_builder())
    assert record.builder.startswith(f"scanner.clouds.{cloud}.")
    assert declared(record.type_name("Probe"), record.kind), (
        f"declare {record.provider_type} in type_facts.yaml"
    )


def test_one_record_per_name_and_type() -> None:
    for cloud in CLOUDS:
        names = [t.name for t in records(cloud)]
        assert len(names) == len(set(names)), cloud
        assert len({t.provider_type for t in records(cloud)}) == len(names), cloud


def test_aws_calls_are_real_read_only_sagemaker_operations_and_the_tables_derive_from_them() -> None:
    import boto3
    from botocore import xform_name

    from scanner.clouds.aws import sagemaker, sagemaker_studio

    client = boto3.client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    operations = {xform_name(op) for op in client.meta.service_model.operation_names}
    for t in records("aws"):
        assert t.listing in operations and t.describe in operations, t.name
        assert t.listing.startswith("list_") and (t.describe or "").startswith("describe_")
    assert {t.name: (t.listing, t.answer_key, t.name_field) for t in records("aws")} == sagemaker.LISTINGS
    assert set(sagemaker.RESOURCE_TYPES.values()) | set(sagemaker_studio.RESOURCE_TYPES.values()) == {
        t.provider_type for t in records("aws")
    }
    assert all(
        op == sagemaker_studio._TYPES[k].describe
        for k, (op, _) in sagemaker_studio.MONITORING_DEFINITIONS.items()
    )


def test_vertex_listers_and_builders_derive_from_the_records() -> None:
    from google.cloud import aiplatform_v1, notebooks_v2

    from scanner.clouds.gcp import live

    classes = {
        "models": aiplatform_v1.ModelServiceClient,
        "endpoints": aiplatform_v1.EndpointServiceClient,
        "jobs": aiplatform_v1.JobServiceClient,
        "pipelines": aiplatform_v1.PipelineServiceClient,
        "notebooks": notebooks_v2.NotebookServiceClient,
        "tensorboards": aiplatform_v1.TensorboardServiceClient,
        "resource_pools": aiplatform_v1.DeploymentResourcePoolServiceClient,
        "feature_registry": aiplatform_v1.FeatureRegistryServiceClient,
        "online_stores": aiplatform_v1.FeatureOnlineStoreAdminServiceClient,
        "metadata": aiplatform_v1.MetadataServiceClient,
        "runtimes": aiplatform_v1.NotebookServiceClient,
    }
    for t in records("gcp"):
        assert hasattr(classes[t.client], t.listing), t.name
        assert live._BUILDERS[t.name] is t.resolve_builder() or t.builder_arg is not None, t.name
    assert tuple(t.name for t in records("gcp") if not t.parent) == live.RESOURCE_TYPES


def test_azure_calls_exist_on_the_management_client() -> None:
    from azure.mgmt.machinelearningservices import MachineLearningServicesMgmtClient

    client = MachineLearningServicesMgmtClient(credential=object(), subscription_id="0")
    for t in records("azure"):
        assert t.client == type(client).__name__
        for call in filter(None, (t.listing, t.describe)):
            group, method = call.split(".")
            assert callable(getattr(getattr(client, group), method)), call
