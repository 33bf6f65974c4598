"""Azure ML model versions served by online endpoints (live) → ``model`` Resources linked to their job.

Only the versions a deployment references are read (one GET each), which is what the
privacy join needs: endpoint → model version → the training job named in its ``jobName``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.client import describe_error, get_with_raw
from scanner.clouds.azure.types import TYPES
from scanner.clouds.azure.workspaces import WorkspaceContext
from scanner.model import Resource, ScanError

MODEL_REF = re.compile(
    r"^(?P<workspace>/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.MachineLearningServices/"
    r"workspaces/[^/]+)/models/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$",
    re.IGNORECASE,
)


def model_refs(endpoints: Iterable[Resource], ctx: WorkspaceContext) -> list[str]:
    """ARM ids of model versions in this workspace that the endpoints' deployments serve."""
    found: dict[str, str] = {}
    for endpoint in endpoints:
        for link in endpoint.links:
            match = MODEL_REF.match(link)
            if match and match["workspace"].lower() == ctx.id.lower():
                found.setdefault(link.lower(), link)
    return list(found.values())


def model_resources(
    client: Any, ctx: WorkspaceContext, refs: Iterable[str]
) -> tuple[list[Resource], list[ScanError]]:
    """One ``model`` Resource per referenced version; a version that cannot be read is a ScanError."""
    resources: list[Resource] = []
    errors: list[ScanError] = []
    for ref in refs:
        match = MODEL_REF.match(ref)
        if match is None:
            continue
        try:
            model, raw = get_with_raw(
                client.model_versions.get, ctx.resource_group, ctx.name, match["name"], match["version"]
            )
        except Exception as exc:  # noqa: BLE001 - one unreadable model must not stop the workspace
            errors.append(
                ScanError(ctx.where, f"model {match['name']}:{match['version']}: {describe_error(exc)}")
            )
            continue
        props = getattr(model, "properties", None)
        job_name = getattr(props, "job_name", None)
        tags = dict(getattr(props, "tags", None) or {})
        facts: dict[str, Any] = {
            "encryption.cmk": ctx.cmk,
            "data.sensitivity": fc.sensitivity(tags) or fc.sensitivity(ctx.tags),
        }
        resources.append(
            ctx.resource(
                "model",
                TYPES["models"].provider_type,
                id=ref,
                name=f"{match['name']}:{match['version']}",
                facts=facts,
                raw=raw,
                tags=tags,
                links=(f"{ctx.id}/jobs/{job_name}",) if job_name else (),
            )
        )
    return resources, errors
