"""Re-read the Azure ML resource an Event Grid event names (``mlscan watch``).

A child's verdict depends on its workspace (customer-managed key, managed network, identity grants),
so the event's workspace is read as a full scan reads it — one workspace, never the subscription's
others — and only the resource the event named is reported. An id below a scanned kind (an endpoint's
deployment, a model's version) means that endpoint or model. A resource that is gone is an empty result.
"""

from __future__ import annotations

from scanner.clouds.azure import client as az
from scanner.clouds.azure.iam import subscription_grants
from scanner.clouds.azure.live import _workspace
from scanner.clouds.azure.monitoring_live import SubscriptionReads
from scanner.clouds.base import LiveOptions, SourceResult
from scanner.model import ScanError, Source

_PROVIDER = "providers/microsoft.machinelearningservices/workspaces"
CHILDREN = ("onlineendpoints", "computes", "jobs", "models")
"""The collections under a workspace whose items mlscan reports (lower case, as ids are compared)."""


def target_id(arm_id: str) -> str | None:
    """The id of the scanned resource an ARM id belongs to (workspace or child), lower case; None if none."""
    lowered = arm_id.strip().rstrip("/").lower()
    head, found, tail = lowered.partition(f"/{_PROVIDER}/")
    if not found or not head.startswith("/subscriptions/"):
        return None
    parts = tail.split("/")
    if len(parts) >= 3 and parts[1] in CHILDREN:
        return f"{head}/{_PROVIDER}/{'/'.join(parts[:3])}"
    return f"{head}/{_PROVIDER}/{parts[0]}"


def read_one(options: LiveOptions, arm_id: str) -> SourceResult:
    """The resource ``arm_id`` names, read with its workspace; empty when it no longer exists."""
    target = target_id(arm_id)
    if target is None:
        return SourceResult(errors=(ScanError(f"azure/{arm_id}", "not an Azure ML workspace resource"),))
    segments = arm_id.strip().rstrip("/").split("/")
    lowered = [s.lower() for s in segments]
    subscription = segments[2]
    group = segments[lowered.index("resourcegroups") + 1]
    workspace_name = segments[lowered.index("workspaces") + 1]
    where = f"azure/{subscription}/{workspace_name}"
    cred = az.credential(options)
    try:
        ml = az.ml_client(options, cred, subscription)
        model, raw = az.get_with_raw(ml.workspaces.get, group, workspace_name)
    except Exception as exc:  # noqa: BLE001 - a deleted workspace is gone; anything else is an error entry
        reason = az.describe_error(exc)
        if "404" in reason or "notfound" in reason.lower().replace(" ", ""):
            return SourceResult()
        return SourceResult(errors=(ScanError(where, f"reading workspace: {reason}"),))
    try:
        grants = subscription_grants(az.authorization_client(options, cred, subscription))
    except Exception as exc:  # noqa: BLE001 - identity scope unknown, as in a full scan
        grants = None
        errors = [ScanError(where, f"role assignments (identity scope unknown): {az.describe_error(exc)}")]
    else:
        errors = []
    source = Source(kind="live", address=options.azure_endpoint or az.ARM_URL)
    reads = SubscriptionReads(options, cred)
    resources, found_errors = _workspace(options, cred, source, reads, subscription, model, raw, grants)
    found_errors = [*found_errors, *reads.errors]
    wanted = tuple(r for r in resources if r.id.lower() == target or r.id.lower().startswith(target + "/"))
    return SourceResult(resources=wanted, errors=(*errors, *found_errors))
