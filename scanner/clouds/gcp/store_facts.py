"""Vertex AI stores, shared serving pools and Colab runtime templates → facts, for both faces.

Tensorboards, metadata stores, feature online stores, feature groups (and their feature views), deployment
resource pools and Colab Enterprise runtime templates are read live (aiplatform_v1 list calls) and from
``google_*`` blocks. Both hand these functions snake_case mappings (the proto field names the provider
shares), so one setting gives one fact either way. No Google SDK is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp import notebook_facts as nf
from scanner.iac.values import Unknown, as_bool, block
from scanner.tristate import negate

TEMPLATE_FACTS = (
    "network.public",
    "network.public_ip",
    "notebook.direct_internet",
    "network.private",
    "encryption.cmk",
    "hardening.secure_boot",
    "compute.idle_shutdown",
)
VIEW_FACTS = ("network.public", "network.private", "encryption.cmk", "encryption.key_id")
"""What a feature view takes from the online store that serves it."""


def data_store_facts(collection: str, attrs: Mapping[str, Any], *, live: bool = False) -> dict[str, Any]:
    """CMEK (``encryption_spec``) of a store; an online store's dedicated serving endpoint network.

    ``collection`` is the API collection (``tensorboards``, ``metadataStores``, ``featureOnlineStores``,
    ``featureGroups``...). A feature group's features live in its BigQuery source, encrypted by that table's
    key: unknown here. aiplatform_v1 does not return whether an online store's public endpoint is disabled
    (the provider's ``public_endpoint_disabled``), so live ``network.public`` is unknown for a dedicated one.
    """
    if collection == "featureGroups":
        return {"encryption.cmk": None}
    facts = fc.kms_facts(attrs)
    if collection == "featureOnlineStores":
        facts.update(online_store_network(attrs, live=live))
    return facts


def online_store_network(attrs: Any, *, live: bool = False) -> dict[str, Any]:
    """An Optimized online store's dedicated serving endpoint is public unless disabled or PSC."""
    endpoint = block(attrs, "dedicated_serving_endpoint")
    if isinstance(endpoint, Unknown):
        return {"network.public": None, "network.private": None}
    if not endpoint:
        return {}
    psc = fc.endpoint_network_facts(endpoint)["network.private"]
    if live:
        return {"network.private": psc, "network.public": None}
    disabled = as_bool(endpoint.get("public_endpoint_disabled"), False)
    public = negate(disabled)
    return {"network.private": psc, "network.public": public}


def view_facts(store_facts: Mapping[str, Any] | None) -> dict[str, Any]:
    """A feature view is served by its online store's endpoint and key (unknown without the store)."""
    if store_facts is None:
        return {"network.public": None, "network.private": None, "encryption.cmk": None}
    return {k: store_facts[k] for k in VIEW_FACTS if k in store_facts}


def template_facts(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The facts a Colab runtime template gives its runtimes (provider and API defaults resolved).

    ``network_spec.enable_internet_access`` defaults to false, Shielded VM secure boot to off, idle shutdown
    to on unless ``idle_shutdown_disabled``; CMEK via ``encryption_spec``.
    """
    network = block(attrs, "network_spec")
    if isinstance(network, Unknown):
        internet: bool | None = None
        vpc: Any = Unknown("network_spec")
    else:
        internet = as_bool((network or {}).get("enable_internet_access"), False)
        vpc = (network or {}).get("network") or (network or {}).get("subnetwork")
    facts = nf.network_facts(internet, vpc)
    facts["network.private"] = fc.present(vpc)
    facts.update(fc.kms_facts(attrs))
    shielded = block(attrs, "shielded_vm_config")
    facts["hardening.secure_boot"] = (
        None if isinstance(shielded, Unknown) else as_bool((shielded or {}).get("enable_secure_boot"), False)
    )
    idle = block(attrs, "idle_shutdown_config")
    disabled = (
        None if isinstance(idle, Unknown) else as_bool((idle or {}).get("idle_shutdown_disabled"), False)
    )
    facts["compute.idle_shutdown"] = nf.negate(disabled)
    return facts
