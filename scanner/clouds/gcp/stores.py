"""Live Vertex AI stores, feature views, deployment resource pools and Colab runtime templates → Resources.

The facts come from :mod:`store_facts`, the functions the Terraform face runs over the matching
``google_*`` blocks. A feature view is served by its online store: it links to it and takes its network and
key (unknown when the store could not be read).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp import store_facts as sf
from scanner.clouds.gcp.context import LiveContext
from scanner.clouds.gcp.types import FEATURE_VIEWS, LIVE_TYPES, TYPES
from scanner.model import Resource

STORE_TYPES = {t.name: t.provider_type for t in LIVE_TYPES if t.builder_arg is not None}
"""Store collection → provider type, from ``types.LIVE_TYPES``."""


def _with_sensitivity(facts: dict[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    facts["data.sensitivity"] = fc.sensitivity(dict(item.get("labels") or {}))
    return facts


def store_builder(collection: str) -> Callable[[Mapping[str, Any], LiveContext], Resource]:
    """The builder of one store collection (a ``data_store`` Resource)."""

    def build(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
        facts = _with_sensitivity(sf.data_store_facts(collection, item, live=True), item)
        return ctx.resource("data_store", STORE_TYPES[collection], item, facts)

    return build


def feature_view_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """A feature view: its online store's network and key (the store is the view's parent)."""
    store_name = str(item.get("name", "")).rsplit("/featureViews/", 1)[0]
    store = (ctx.online_stores or {}).get(store_name)
    store_facts = None if store is None else sf.data_store_facts("featureOnlineStores", store, live=True)
    facts = _with_sensitivity(sf.view_facts(store_facts), item)
    return ctx.resource(
        "data_store", TYPES[FEATURE_VIEWS].provider_type, item, facts, (store_name,) if store else ()
    )


def resource_pool_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """A deployment resource pool: shared serving nodes (CMEK via ``encryption_spec``)."""
    facts = _with_sensitivity(fc.kms_facts(item), item)
    return ctx.resource("compute", TYPES["deploymentResourcePools"].provider_type, item, facts)


def runtime_template_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """A Colab Enterprise runtime template: what every runtime created from it gets."""
    facts = _with_sensitivity(sf.template_facts(item), item)
    return ctx.resource("notebook", TYPES["notebookRuntimeTemplates"].provider_type, item, facts)
