"""Azure ML jobs (live) → ``training_job`` Resources with privacy facts.

Command and sweep jobs carry the command string (with ``${{inputs.x}}`` placeholders), their
inputs and environment variables; these go to :func:`scanner.privacy.training.privacy_facts`
so DP is recognized the same way as on the other clouds. Pipeline jobs only orchestrate child
jobs (listed on their own) and are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.azure import facts_common as fc
from scanner.clouds.azure.client import list_with_raw
from scanner.clouds.azure.computes import ComputeInfo
from scanner.clouds.azure.types import TYPES
from scanner.clouds.azure.workspaces import WorkspaceContext
from scanner.clouds.secrets import secret_facts
from scanner.model import Resource
from scanner.privacy.training import TrainingInputs, privacy_facts

SKIPPED_JOB_TYPES = frozenset({"pipeline"})
INTERACTIVE_SERVICES = frozenset({"jupyterlab", "jupyter", "ssh", "vscode", "tensorboard"})


def job_inputs(inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Job inputs reduced to name → literal value or data URI (what placeholders resolve to)."""
    reduced: dict[str, Any] = {}
    for name, spec in (inputs or {}).items():
        if isinstance(spec, Mapping):
            reduced[name] = spec.get("value", spec.get("uri"))
        else:
            reduced[name] = spec
    return reduced


def job_identity(
    identity: Mapping[str, Any] | None, compute_principals: list[str] | None
) -> tuple[str, list[str] | None, bool]:
    """(label, principal object ids or None when they cannot be told, runs-as-default) of a job.

    Managed → its managed identity (objectId; with only a clientId / resourceId the grants cannot be
    matched); UserIdentity → the submitting user, whoever that is; AMLToken or nothing → the
    platform default, which on a cluster means the compute's managed identity: that is whose
    grants the job holds. ``compute_principals`` None: the job's compute could not be read (its
    listing failed, or it is not among the listed computes), so whose grants it holds is unknown.
    """
    kind = str((identity or {}).get("identityType") or "AMLToken")
    if kind.lower() == "managed":
        ident = identity or {}
        if ident.get("objectId"):
            return f"Managed:{ident['objectId']}", [ident["objectId"]], False
        named = ident.get("clientId") or ident.get("resourceId")
        if named:
            return f"Managed:{named}", None, False
        return "Managed:compute", compute_principals, False
    if kind.lower() == "useridentity":
        return "UserIdentity", None, False
    return kind, compute_principals, True


def job_egress(ctx: WorkspaceContext, compute_name: str, computes: Mapping[str, ComputeInfo]) -> bool | None:
    """Whether the job's outbound internet is blocked.

    A managed network with approved outbound only blocks it for every compute of the
    workspace. Without one, serverless compute (no compute named) and computes outside a
    customer subnet reach the internet; a compute in a customer subnet depends on that
    network's rules, which mlscan does not read (unknown).
    """
    if ctx.egress_restricted is not False:
        return ctx.egress_restricted
    if not compute_name:
        return False
    info = computes.get(compute_name)
    if info is None or info.private is None:
        return None
    return None if info.private else False


def job_resource(
    raw: Mapping[str, Any], ctx: WorkspaceContext, computes: Mapping[str, ComputeInfo]
) -> Resource | None:
    """One job's facts from its ARM JSON, or None for job types that are not training."""
    props = raw.get("properties") or {}
    job_type = str(props.get("jobType") or "")
    if job_type.lower() in SKIPPED_JOB_TYPES:
        return None
    trial = props.get("trial") or {}
    command = props.get("command") or trial.get("command")
    environment = props.get("environmentVariables") or trial.get("environmentVariables") or {}
    tags = {str(k): str(v) for k, v in (props.get("tags") or raw.get("tags") or {}).items()}
    compute_id = str(props.get("computeId") or "")
    compute_name = compute_id.rstrip("/").rsplit("/", 1)[-1].lower() if compute_id else ""
    info = computes.get(compute_name)
    on_compute = list(info.principals) if info else (None if compute_name else [])
    label, principals, default = job_identity(props.get("identity"), on_compute)
    services = props.get("services") or {}
    interactive = sorted(
        {
            str((s or {}).get("jobServiceType", name))
            for name, s in services.items()
            if str((s or {}).get("jobServiceType", name)).lower() in INTERACTIVE_SERVICES
        }
    )
    facts: dict[str, Any] = {
        "network.egress_restricted": job_egress(ctx, compute_name, computes),
        "training.interactive_access": bool(interactive),
        "training.interactive_services": interactive,
        "data.sensitivity": fc.sensitivity(tags) or fc.sensitivity(ctx.tags),
    }
    if principals is None:  # a principal whose role assignments cannot be matched: unknown, never safe
        facts.update(fc.identity_facts([label], None, principal_label=label, default=default))
    else:
        facts.update(fc.identity_facts(principals, ctx.grants, principal_label=label, default=default))
    inputs = TrainingInputs(
        command=command,
        inputs=job_inputs(props.get("inputs")),
        environment={str(k): str(v) for k, v in environment.items()},
        tags=tags,
        origin="command",
    )
    facts.update(privacy_facts(inputs))
    facts.update(secret_facts(inputs))
    job_id = raw.get("id") or f"{ctx.id}/jobs/{raw.get('name')}"
    return ctx.resource(
        "training_job",
        TYPES["jobs"].type_name(job_type),
        id=job_id,
        name=str(props.get("displayName") or raw.get("name")),
        facts=facts,
        raw=raw,
        tags=tags,
        links=tuple(dict.fromkeys([*(principals or []), *([compute_id] if compute_id else [])])),
    )


def job_resources(client: Any, ctx: WorkspaceContext, computes: Mapping[str, ComputeInfo]) -> list[Resource]:
    """Every training job of the workspace."""
    resources = []
    for _model, raw in list_with_raw(client.jobs.list, ctx.resource_group, ctx.name):
        resource = job_resource(raw, ctx, computes)
        if resource is not None:
            resources.append(resource)
    return resources
