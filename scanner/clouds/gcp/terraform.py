"""Terraform face of Vertex AI: maps ``google_*`` blocks to normalized Resources (no Google SDK import).

Kinds: ``google_vertex_ai_endpoint`` → endpoint; datasets, featurestores, feature
online stores, metadata stores, tensorboards, indexes → data_store; index
endpoints → data_store too (they serve vector search over an index, and
ARCHITECTURE.md files them with the stores; their exposure is in the network
facts); notebooks, managed runtimes and Workbench instances → notebook
(tf_notebooks). Deployed indexes are merged into their index endpoint.
Deployed models are not part of ``google_vertex_ai_endpoint``, so the endpoint's
deployed-model facts (explanations, identity, access logging) stay unknown here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scanner.clouds.base import TerraformMapper, literal_tags, resource_from_tf
from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp import store_facts as sf
from scanner.clouds.gcp.tf_colab import map_runtime, map_runtime_template
from scanner.clouds.gcp.tf_monitoring import endpoint_monitoring
from scanner.clouds.gcp.tf_notebooks import (
    map_notebooks_instance,
    map_notebooks_runtime,
    map_workbench_instance,
)
from scanner.clouds.gcp.tf_storage import artifact_facts_of
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, as_bool, block
from scanner.model import Resource

DATA_STORE_TYPES = (
    "google_vertex_ai_dataset",
    "google_vertex_ai_featurestore",
    "google_vertex_ai_feature_online_store",
    "google_vertex_ai_metadata_store",
    "google_vertex_ai_tensorboard",
    "google_vertex_ai_index",
    "google_vertex_ai_feature_group",
)
DATA_STORE_COLLECTIONS = {
    "google_vertex_ai_feature_online_store": "featureOnlineStores",
    "google_vertex_ai_feature_group": "featureGroups",
    "google_vertex_ai_tensorboard": "tensorboards",
    "google_vertex_ai_metadata_store": "metadataStores",
}
"""The API collection of the store types whose facts depend on it (the rest: CMEK only)."""


def map_endpoint(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """``google_vertex_ai_endpoint``: CMEK, VPC peering or PSC (both private), request-response logging."""
    facts: dict[str, Any] = {"auth.mode": "iam"}
    facts.update(fc.kms_facts(tf.attrs))
    facts.update(fc.endpoint_network_facts(tf.attrs))
    facts.update(fc.request_logging_facts(tf.attrs))
    facts.update(endpoint_monitoring(tf, index))
    return [_resource(tf, "endpoint", facts)]


def map_data_store(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """Datasets, feature stores, metadata stores, tensorboards, indexes: CMEK via ``encryption_spec``."""
    facts = sf.data_store_facts(DATA_STORE_COLLECTIONS.get(tf.type, ""), tf.attrs)
    facts.update(artifact_facts_of([tf], index))
    return [_resource(tf, "data_store", facts)]


def map_index_endpoint(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """``google_vertex_ai_index_endpoint``: public unless ``public_endpoint_enabled`` is off (default off)."""
    facts = fc.kms_facts(tf.attrs)
    private = fc.endpoint_network_facts(tf.attrs)
    public = as_bool(tf.attrs.get("public_endpoint_enabled"), False)
    facts["network.private"] = private["network.private"]
    facts["network.public"] = public
    if "network.subnet" in private:
        facts["network.subnet"] = private["network.subnet"]
    facts["auth.mode"] = "iam"
    deployed = index.referencing(tf, "google_vertex_ai_index_endpoint_deployed_index")
    links = [
        target.address for d in deployed if (target := index.resolve(d.attrs.get("index"), d)) is not None
    ]
    return [_resource(tf, "data_store", facts, links=links)]


def map_featureview(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """``google_vertex_ai_feature_online_store_featureview``: served by its online store's endpoint and key."""
    store = index.resolve(tf.attrs.get("feature_online_store"), tf)
    if store is None or store.type != "google_vertex_ai_feature_online_store":
        return [_resource(tf, "data_store", sf.view_facts(None))]
    (served,) = map_data_store(store, index)
    return [_resource(tf, "data_store", sf.view_facts(served.facts), links=[store.address])]


def map_deployment_resource_pool(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """``google_vertex_ai_deployment_resource_pool``: shared serving nodes (CMEK via ``encryption_spec``)."""
    return [_resource(tf, "compute", fc.kms_facts(tf.attrs))]


def map_merged(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """Blocks folded into another resource (a deployed index into its index endpoint)."""
    return []


def _resource(tf: TfResource, kind: str, facts: dict[str, Any], links: Iterable[str] = ()) -> Resource:
    labels = literal_tags(tf.attrs, "labels")
    facts["data.sensitivity"] = fc.sensitivity(labels)
    return resource_from_tf(
        tf,
        provider=fc.PROVIDER,
        service=fc.SERVICE,
        kind=kind,
        facts=facts,
        tags=labels,
        links=[*links, *_referenced_key_and_network(tf)],
    )


def _referenced_key_and_network(tf: TfResource) -> list[str]:
    """Addresses of the KMS key and VPC network this block references (endpoint → network / key)."""
    spec = block(tf.attrs, "encryption_spec")
    values = [spec.get("kms_key_name") if isinstance(spec, dict) else None, tf.attrs.get("network")]
    return [value.address for value in values if isinstance(value, Ref)]


MAPPERS: dict[str, TerraformMapper] = {
    "google_vertex_ai_endpoint": map_endpoint,
    "google_vertex_ai_index_endpoint": map_index_endpoint,
    "google_vertex_ai_index_endpoint_deployed_index": map_merged,
    "google_notebooks_instance": map_notebooks_instance,
    "google_notebooks_runtime": map_notebooks_runtime,
    "google_workbench_instance": map_workbench_instance,
    "google_colab_runtime_template": map_runtime_template,
    "google_colab_runtime": map_runtime,
    "google_vertex_ai_feature_online_store_featureview": map_featureview,
    "google_vertex_ai_deployment_resource_pool": map_deployment_resource_pool,
    **dict.fromkeys(DATA_STORE_TYPES, map_data_store),
}
