"""Live face of Azure ML: ``scan(options, progress)`` reads every workspace through the azure-mgmt SDK.

Read-only (list / get calls only). Subscriptions, then workspaces, run on one thread pool
bounded by ``options.max_workers``; a subscription, workspace or child collection that fails becomes a ScanError
(``azure/<subscription>/<workspace>: <reason>``) and the rest of the scan goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar

from scanner.clouds.artifacts import artifact_facts
from scanner.clouds.azure import client as az
from scanner.clouds.azure.computes import compute_resources
from scanner.clouds.azure.datastores import datastore_resources, registry_resources
from scanner.clouds.azure.endpoints import endpoint_resources
from scanner.clouds.azure.facts_common import Grant
from scanner.clouds.azure.iam import subscription_grants
from scanner.clouds.azure.jobs import job_resources
from scanner.clouds.azure.models import model_refs, model_resources
from scanner.clouds.azure.monitoring_live import SubscriptionReads, diagnostics_reader, with_monitoring
from scanner.clouds.azure.workspaces import WorkspaceContext, resource_group_of, workspace_resource
from scanner.clouds.base import LiveOptions, Progress, SourceResult
from scanner.model import Resource, ScanError, Source

T = TypeVar("T")
_LABEL = "azure workspaces"


def scan(options: LiveOptions, progress: Progress) -> SourceResult:
    """Scan every Azure ML workspace of the selected (or all visible) subscriptions."""
    errors: list[ScanError] = []
    cred = az.credential(options)
    subscriptions = list(options.subscriptions)
    if not subscriptions:
        try:
            subscriptions = az.list_subscriptions(options, cred)
        except Exception as exc:  # noqa: BLE001 - any failure of this call is reported, not fatal
            return SourceResult(
                errors=(ScanError("azure", f"listing subscriptions: {az.describe_error(exc)}"),)
            )
    source = Source(kind="live", address=options.azure_endpoint or az.ARM_URL)
    resources: list[Resource] = []
    reads = SubscriptionReads(options, cred)
    workers = max(1, options.max_workers)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mlscan-azure") as pool:
        tasks: list[tuple[str, Any, Any, Sequence[Grant] | None]] = []
        listed = pool.map(lambda sub: (sub, *_subscription(options, cred, sub)), subscriptions)
        for subscription, found, grants, sub_errors in listed:
            errors.extend(sub_errors)
            tasks.extend((subscription, model, raw, grants) for model, raw in found)
            if sub_errors and not found and grants is None:
                continue  # the subscription could not be read at all: one error says so
            try:
                ml = az.ml_client(options, cred, subscription)
                resources.extend(registry_resources(ml, subscription, grants, source))
            except Exception as exc:  # noqa: BLE001 - one listing failing must not stop the scan
                errors.append(
                    ScanError(f"azure/{subscription}", f"listing registries: {az.describe_error(exc)}")
                )
        progress.add(_LABEL, len(tasks))
        futures = [pool.submit(_workspace, options, cred, source, reads, *task) for task in tasks]
        for future in futures:
            found_resources, found_errors = future.result()
            resources.extend(found_resources)
            errors.extend(found_errors)
            progress.advance(_LABEL)
    errors.extend(reads.errors)
    return SourceResult(resources=tuple(resources), errors=tuple(errors))


def _subscription(
    options: LiveOptions, cred: Any, subscription: str
) -> tuple[list[tuple[Any, dict]], list[Grant] | None, list[ScanError]]:
    """Workspaces and role assignments of one subscription (each may fail on its own)."""
    errors: list[ScanError] = []
    workspaces: list[tuple[Any, dict]] = []
    grants: list[Grant] | None = None
    try:
        ml = az.ml_client(options, cred, subscription)
        workspaces = az.list_with_raw(ml.workspaces.list_by_subscription)
    except Exception as exc:  # noqa: BLE001
        errors.append(ScanError(f"azure/{subscription}", f"listing workspaces: {az.describe_error(exc)}"))
        return workspaces, grants, errors
    if workspaces:
        try:
            grants = subscription_grants(az.authorization_client(options, cred, subscription))
        except Exception as exc:  # noqa: BLE001
            errors.append(
                ScanError(
                    f"azure/{subscription}",
                    f"role assignments (identity scope unknown): {az.describe_error(exc)}",
                )
            )
    return workspaces, grants, errors


def _not_a_workspace_id(arm_id: Any, subscription: str) -> str | None:
    """Why ``arm_id`` is not the ARM id of a workspace of ``subscription``, or None."""
    from azure.mgmt.core.tools import is_valid_resource_id, parse_resource_id

    text = str(arm_id or "")
    parsed = parse_resource_id(text) if is_valid_resource_id(text) else {}
    if (
        str(parsed.get("subscription", "")).lower() != subscription.lower()
        or str(parsed.get("namespace", "")).lower() != "microsoft.machinelearningservices"
        or str(parsed.get("type", "")).lower() != "workspaces"
        or parsed.get("children")
    ):
        return f"has no workspace ARM id (id {text[:80]!r})"
    return None


def _workspace(
    options: LiveOptions,
    cred: Any,
    source: Source,
    reads: SubscriptionReads,
    subscription: str,
    model: Any,
    raw: dict,
    grants: Sequence[Grant] | None,
) -> tuple[list[Resource], list[ScanError]]:
    """The workspace and its computes, endpoints and jobs; each child collection may fail alone."""
    problem = _not_a_workspace_id(getattr(model, "id", None), subscription)
    if problem is not None:  # its children's paths and its own identity would be made up
        where = f"azure/{subscription}/{getattr(model, 'name', None) or '?'}"
        return [], [ScanError(where, f"reading workspace: the listing's entry {problem}; not read")]
    ctx = WorkspaceContext(
        subscription=subscription,
        resource_group=resource_group_of(model.id),
        name=model.name,
        id=model.id,
        location=getattr(model, "location", None),
        cmk=None,
        grants=grants,
        source=source,
        tags=dict(getattr(model, "tags", None) or {}),
    )
    errors: list[ScanError] = []

    def attempt(what: str, call: Callable[[], T], empty: T) -> T:
        try:
            return call()
        except Exception as exc:  # noqa: BLE001
            errors.append(ScanError(ctx.where, f"{what}: {az.describe_error(exc)}"))
            return empty

    storage_id = getattr(model, "storage_account", None)
    storage = None
    if storage_id:
        storage = attempt("storage account", lambda: az.storage_account(options, cred, storage_id), None)

    def unreadable(
        part: str, exc: BaseException
    ) -> None:  # a storage part read failed: its facts are unknown
        name = str(storage_id).rstrip("/").rsplit("/", 1)[-1]
        reason = f"storage account {name} {part}: {az.describe_error(exc)}; facts it decides are unknown"
        errors.append(ScanError(ctx.where, reason))

    state = az.storage_state(options, cred, storage, unreadable) if storage else None
    artifacts = artifact_facts([storage_id], [state]) if storage_id else {}
    try:
        workspace = workspace_resource(model, raw, ctx, storage)
    except Exception as exc:  # noqa: BLE001
        return [], [*errors, ScanError(ctx.where, f"reading workspace: {exc}")]
    ctx = replace(
        ctx,
        cmk=workspace.facts.get("encryption.cmk"),
        egress_restricted=workspace.facts.get("network.egress_restricted"),
    )
    resources: list[Resource] = [workspace]
    client = az.ml_client(options, cred, subscription)

    computes, infos = attempt("computes", lambda: compute_resources(client, ctx), ([], {}))
    resources.extend(computes)
    endpoints = attempt("online endpoints", lambda: endpoint_resources(client, ctx), [])
    diagnostics = diagnostics_reader(options, cred)
    endpoints = with_monitoring(endpoints, ctx.id, subscription, reads, diagnostics, errors, ctx.where)
    resources.extend(endpoints)
    models, model_errors = model_resources(client, ctx, model_refs(endpoints, ctx))
    resources.extend(models)
    errors.extend(model_errors)
    resources.extend(attempt("jobs", lambda: job_resources(client, ctx, infos), []))
    own = (storage_id, state) if storage_id else None
    resources.extend(attempt("datastores", lambda: datastore_resources(client, ctx, own), []))
    return [with_artifacts(r, artifacts) for r in resources], errors


def with_artifacts(resource: Resource, artifacts: dict[str, Any]) -> Resource:
    """The workspace and its training jobs, models and endpoints keep their data in the workspace's default
    storage account (``workspaceblobstore``): its ``artifacts.*`` facts (computes store nothing of their own)."""
    if not artifacts or resource.kind not in ("workspace", "training_job", "model", "endpoint"):
        return resource
    return replace(resource, facts={**resource.facts, **artifacts})
