"""``mlscan scan --cloud gcp``: read Vertex AI through the aiplatform_v1 (and notebooks_v2) REST clients.

Work is split per project × location × resource type and run concurrently
(``options.max_workers``). A failing piece becomes a ``ScanError``
(``gcp/<project>/<location>/<type>: <reason>``) and the rest completes. Only
list / get calls are made (plus Resource Manager's read-only getIamPolicy).
Endpoints are built after models so a deployed model without its own
explanation spec can inherit its model's, as Vertex does. Workbench instances are
zonal: one wildcard listing per project is shared by that project's region tasks
(``workbench_listing``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scanner.clouds.artifacts import StorageState
from scanner.clouds.base import LiveOptions, PageTokens, Progress, SourceResult
from scanner.clouds.gcp.buckets import BucketReader
from scanner.clouds.gcp.client import ClientFactory, describe_error, list_all
from scanner.clouds.gcp.context import LiveContext
from scanner.clouds.gcp.follow_ups import follow_ups
from scanner.clouds.gcp.gcs_facts import gs_buckets
from scanner.clouds.gcp.iam import ProjectRoles
from scanner.clouds.gcp.lineage import link_models_to_jobs
from scanner.clouds.gcp.types import LIVE_TYPES, WORKBENCH
from scanner.clouds.gcp.workbench_listing import WorkbenchInstances
from scanner.model import Resource, ScanError

RESOURCE_TYPES = tuple(t.name for t in LIVE_TYPES if not t.parent)
"""In build order: models first (endpoints inherit their explanation specs). Feature views are listed per
online store and experiment runs read per custom job after these (:mod:`follow_ups`)."""

_LISTERS: Mapping[str, Callable[[Any], Any]] = {
    t.name: (lambda c, t=t: getattr(getattr(c, t.client), t.listing))
    for t in LIVE_TYPES
    if t.name != WORKBENCH and not t.parent
}
"""Collection → the list method of its client (Workbench is listed by ``workbench_listing``)."""
_BUILDERS: Mapping[str, Callable[[Mapping[str, Any], LiveContext], Resource]] = {
    t.name: t.resolve_builder() for t in LIVE_TYPES
}
PROGRESS_LABEL = "gcp"
_JOB_TYPES = ("customJobs", "trainingPipelines")
"""The listings a served model's training job comes from (their failure leaves the lineage incomplete)."""
ARTIFACT_TYPES = ("models", "customJobs", "trainingPipelines")
"""The types whose ``gs://`` locations (artifacts, job outputs, inputs named in arguments) are judged."""


def scan(options: LiveOptions, progress: Progress) -> SourceResult:
    """Scan every project and location in ``options``; never raises for a cloud-side failure."""
    errors: list[ScanError] = []
    lock = threading.Lock()

    def report(where: str, reason: str) -> None:
        with lock:
            errors.append(ScanError(where=where, reason=reason))

    if not options.projects:
        return SourceResult(errors=(ScanError("gcp", "no project given: pass --project (repeatable)"),))
    try:
        clients = ClientFactory(options)
    except Exception as exc:  # noqa: BLE001 - missing credentials etc. are one reported error
        return SourceResult(errors=(ScanError("gcp", f"cannot create clients: {describe_error(exc)}"),))

    workbench = WorkbenchInstances(clients)
    workers = max(1, options.max_workers)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mlscan-gcp") as pool:
        located = list(pool.map(lambda p: (p, _locations(clients, p, options, report)), options.projects))
        tasks = [(p, loc, rtype) for p, locs in located for loc in locs for rtype in RESOURCE_TYPES]
        progress.add(PROGRESS_LABEL, total=len(tasks))
        fetched = dict(
            zip(
                tasks, pool.map(lambda t: _fetch(clients, workbench, t, report, progress), tasks), strict=True
            )
        )

        extra = follow_ups(clients, fetched, pool, report)
        buckets = _buckets(clients, fetched, pool, report)
    fetched.update(extra.views)

    roles = ProjectRoles(clients, report)
    resources: list[Resource] = []
    for project, locations in located:
        watched = _watched(clients, project, fetched, roles, report)
        for location in locations:
            built = _build(
                project, location, fetched, roles, report, extra.run_metrics, buckets.get(project), watched
            )
            resources.extend(link_models_to_jobs(built))
    return SourceResult(resources=tuple(resources), errors=tuple(errors))


def _locations(
    clients: ClientFactory, project: str, options: LiveOptions, report: Callable[[str, str], None]
) -> list[str]:
    """``options.locations`` or every location the service lists for the project."""
    if options.locations:
        return list(options.locations)
    found: list[str] = []
    token = ""
    tokens = PageTokens(f"projects/{project}/locations")
    try:
        while True:
            response = clients.locations().list_locations(
                request={"name": f"projects/{project}", "page_token": token},
                retry=clients.retry,
                timeout=clients.timeout,
            )
            found.extend(loc.location_id or loc.name.rsplit("/", 1)[-1] for loc in response.locations)
            token = response.next_page_token
            tokens.see(token)
            if not token:
                return found
    except Exception as exc:  # noqa: BLE001 - one project failing must not stop the others
        report(f"gcp/{project}/global/locations", describe_error(exc))
        return found


def _buckets(
    clients: ClientFactory,
    fetched: Mapping[tuple[str, str, str], list[dict[str, Any]] | None],
    pool: Any,
    report: Callable[[str, str], None],
) -> dict[str, dict[str, StorageState | None]]:
    """Judge every bucket the project's models, jobs and pipelines name (Get calls, once per bucket);
    a failed read is reported as ``gcp/<project>/global/storage``."""
    named: dict[str, set[str]] = {}
    for (project, _, rtype), items in fetched.items():
        if rtype in ARTIFACT_TYPES:
            named.setdefault(project, set()).update(gs_buckets(items or []))
    return {
        project: BucketReader(
            clients.storage(project),
            clients.storage_retry,
            clients.timeout,
            lambda what, exc, p=project: report(f"gcp/{p}/global/storage", f"{what}: {describe_error(exc)}"),
        ).states(names, pool)
        for project, names in named.items()
        if names
    }


def _fetch(
    clients: ClientFactory,
    workbench: WorkbenchInstances,
    task: tuple[str, str, str],
    report: Callable[[str, str], None],
    progress: Progress,
) -> list[dict[str, Any]] | None:
    """All items of one type in one location, or None (reported) when the call failed."""
    project, location, rtype = task
    try:
        if rtype == WORKBENCH:
            found = workbench.in_region(project, location)
            if found.unreachable:
                report(
                    f"gcp/{project}/{location}/{rtype}", f"zones unreachable: {', '.join(found.unreachable)}"
                )
            return found.instances
        method = _LISTERS[rtype](clients.for_location(location))
        return list_all(method, f"projects/{project}/locations/{location}", clients.retry, clients.timeout)
    except Exception as exc:  # noqa: BLE001 - reported as gcp/<project>/<location>/<type>
        report(f"gcp/{project}/{location}/{rtype}", describe_error(exc))
        return None
    finally:
        progress.advance(PROGRESS_LABEL)


def _watched(
    clients: ClientFactory,
    project: str,
    fetched: Mapping[tuple[str, str, str], list[dict[str, Any]] | None],
    roles: ProjectRoles,
    report: Callable[[str, str], None],
) -> tuple[Any, Any]:
    """(audit configs, alert policies) of a project with endpoints (read once; unreadable → None)."""
    if not any(items for (p, _, rtype), items in fetched.items() if p == project and rtype == "endpoints"):
        return None, None
    try:
        policies: Any = clients.alert_policies(project)
    except Exception as exc:  # noqa: BLE001 - reported; the alarm fact is unknown
        report(f"gcp/{project}/global/alertPolicies", describe_error(exc))
        policies = None
    return roles.audit_configs(project), policies


def _build(
    project: str,
    location: str,
    fetched: Mapping[tuple[str, str, str], list[dict[str, Any]] | None],
    roles: ProjectRoles,
    report: Callable[[str, str], None],
    run_metrics: Mapping[str, Mapping[str, float]],
    buckets: Mapping[str, StorageState | None] | None = None,
    watched: tuple[Any, Any] = (None, None),
) -> list[Resource]:
    models = fetched.get((project, location, "models"))
    stores = fetched.get((project, location, "featureOnlineStores"))
    ctx = LiveContext(
        project=project,
        location=location,
        roles_of=lambda account: roles.roles_of(project, account),
        models=None if models is None else {m["name"]: m for m in models},
        online_stores=None if stores is None else {s["name"]: s for s in stores},
        run_metrics=run_metrics,
        buckets=buckets,
        audit_configs=watched[0],
        alert_policies=watched[1],
        jobs_listed=all(fetched.get((project, location, t), []) is not None for t in _JOB_TYPES),
    )
    built: list[Resource] = []
    for rtype in (t.name for t in LIVE_TYPES):  # feature views after their online stores
        for item in fetched.get((project, location, rtype)) or []:
            try:
                built.append(_BUILDERS[rtype](item, ctx))
            except Exception as exc:  # noqa: BLE001 - one odd object must not hide the rest
                report(str(item.get("name", f"gcp/{project}/{location}/{rtype}")), f"cannot read: {exc}")
    return built
