"""Re-read the Vertex AI resource a Cloud Asset Inventory feed message names (``mlscan watch``).

One ``get`` call for the resource (plus one per model an endpoint serves, whose explanation spec a
deployed model inherits, and the project's IAM policy for the service account's roles) — no listing.
The asset's own payload is never trusted: it may be stale or out of order, so the API is asked. A
resource that is gone (404) is an empty result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanner.clouds.base import LiveOptions, SourceResult
from scanner.clouds.gcp.client import CALL_TIMEOUT, ClientFactory, describe_error, to_dict
from scanner.clouds.gcp.context import LiveContext
from scanner.clouds.gcp.endpoints import endpoint_resource
from scanner.clouds.gcp.iam import ProjectRoles
from scanner.clouds.gcp.jobs import custom_job_resource, pipeline_resource
from scanner.clouds.gcp.models import model_resource
from scanner.model import Resource, ScanError

ASSET_PREFIX = "//aiplatform.googleapis.com/"
# collection in a resource name → (client attribute, get method, builder)
_GETTERS: Mapping[str, tuple[str, str, Callable[[Mapping[str, Any], LiveContext], Resource]]] = {
    "endpoints": ("endpoints", "get_endpoint", endpoint_resource),
    "models": ("models", "get_model", model_resource),
    "customJobs": ("jobs", "get_custom_job", custom_job_resource),
    "trainingPipelines": ("pipelines", "get_training_pipeline", pipeline_resource),
}


def resource_name(asset_name: str) -> str | None:
    """``projects/P/locations/L/endpoints/E`` from an asset name; None for a kind mlscan does not read."""
    name = asset_name.removeprefix(ASSET_PREFIX)
    parts = name.split("/")
    if len(parts) < 6 or parts[0] != "projects" or parts[2] != "locations" or parts[4] not in _GETTERS:
        return None
    return "/".join(parts[:6])


class SingleReader:
    """Reads one Vertex resource at a time; clients are kept across events."""

    def __init__(self, options: LiveOptions) -> None:
        self._clients = ClientFactory(options)

    def read(self, asset_name: str) -> SourceResult:
        """The resource ``asset_name`` names; empty when it no longer exists."""
        name = resource_name(asset_name)
        if name is None:
            return SourceResult(errors=(ScanError(f"gcp/{asset_name}", "not a Vertex AI kind mlscan reads"),))
        _, project, _, location, collection, _ = name.split("/")
        attribute, method, build = _GETTERS[collection]
        errors: list[ScanError] = []
        clients = self._clients.for_location(location)
        try:
            item = self._get(getattr(clients, attribute), method, name)
        except Exception as exc:  # noqa: BLE001 - gone or denied
            reason = describe_error(exc)
            if reason.startswith(("NOT_FOUND", "404")) or "NotFound" in reason:
                return SourceResult()
            return SourceResult(errors=(ScanError(f"gcp/{project}/{location}/{collection}", reason),))
        models = None
        if collection == "endpoints":
            models = {}
            for deployed in item.get("deployed_models") or ():
                model = deployed.get("model")
                if isinstance(model, str) and model not in models:
                    try:
                        models[model] = self._get(clients.models, "get_model", model)
                    except Exception as exc:  # noqa: BLE001 - that model's facts stay unknown
                        errors.append(ScanError(model, f"cannot read: {describe_error(exc)}"))
        roles = ProjectRoles(self._clients, lambda where, reason: errors.append(ScanError(where, reason)))
        ctx = LiveContext(
            project=project,
            location=location,
            roles_of=lambda account: roles.roles_of(project, account),
            models=models,
        )
        try:
            resource = build(item, ctx)
        except Exception as exc:  # noqa: BLE001 - an odd object is an error entry
            return SourceResult(errors=(*errors, ScanError(name, f"cannot read: {exc}")))
        return SourceResult(resources=(resource,), errors=tuple(errors))

    def _get(self, client: Any, method: str, name: str) -> dict[str, Any]:
        answer = getattr(client, method)(
            request={"name": name}, retry=self._clients.retry, timeout=CALL_TIMEOUT
        )
        return to_dict(answer)
