"""What a Vertex scan reads after the listings: feature views of each online store, and the metrics a
custom job logged to its Vertex experiment run.

A custom job names its run (``job_spec.experiment_run``, a metadata Context); the run's ``_metrics``
metadata is where ``aiplatform.log_metrics`` writes, so a final ε logged by the job's own accountant is
read from there (as SageMaker's FinalMetricDataList). One GetContext per run, ListFeatureViews per store;
a failure is that piece's error entry and leaves the rest (the job's ε then comes from its arguments only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.clouds.gcp.client import ClientFactory, describe_error, list_all, to_dict
from scanner.clouds.gcp.types import FEATURE_VIEWS

METRIC_KEY = "_metrics"
"""The experiment run metadata key the Vertex SDK's ``log_metrics`` writes."""

Fetched = Mapping[tuple[str, str, str], "list[dict[str, Any]] | None"]


@dataclass(frozen=True)
class FollowUps:
    """Feature views as another fetched type, and metrics by experiment run name."""

    views: dict[tuple[str, str, str], list[dict[str, Any]] | None] = field(default_factory=dict)
    run_metrics: dict[str, dict[str, float]] = field(default_factory=dict)


def follow_ups(
    clients: ClientFactory, fetched: Fetched, pool: Any, report: Callable[[str, str], None]
) -> FollowUps:
    """Read the feature views of every listed online store and the experiment run of every custom job."""
    stores = [
        (project, location, store["name"])
        for (project, location, rtype), items in fetched.items()
        if rtype == "featureOnlineStores"
        for store in items or []
    ]
    runs = sorted(
        {
            (location, run)
            for (_, location, rtype), items in fetched.items()
            if rtype == "customJobs"
            for job in items or []
            if isinstance(run := (job.get("job_spec") or {}).get("experiment_run"), str) and run
        }
    )
    views: dict[tuple[str, str, str], list[dict[str, Any]] | None] = {
        (project, location, FEATURE_VIEWS): []
        for project, location, rtype in fetched
        if rtype == "featureOnlineStores"
    }

    def list_views(task: tuple[str, str, str]) -> list[dict[str, Any]] | None:
        project, location, store = task
        try:
            method = clients.for_location(location).online_stores.list_feature_views
            return list_all(method, store, clients.retry, clients.timeout)
        except Exception as exc:  # noqa: BLE001 - reported; the store's other views are not lost
            report(f"{store}/{FEATURE_VIEWS}", describe_error(exc))
            return None

    def read_run(task: tuple[str, str]) -> dict[str, float] | None:
        location, run = task
        try:
            context = clients.for_location(location).metadata.get_context(
                request={"name": run}, retry=clients.retry, timeout=clients.timeout
            )
        except Exception as exc:  # noqa: BLE001 - the job is still judged on its arguments
            report(run, f"experiment run: {describe_error(exc)}")
            return None
        return numeric_metrics((to_dict(context).get("metadata") or {}).get(METRIC_KEY))

    for (project, location, _), found in zip(stores, pool.map(list_views, stores), strict=True):
        key = (project, location, FEATURE_VIEWS)
        views[key] = None if found is None or views[key] is None else [*views[key], *found]
    metrics = {
        run: found
        for (_, run), found in zip(runs, pool.map(read_run, runs), strict=True)
        if found is not None
    }
    return FollowUps(views=views, run_metrics=metrics)


def numeric_metrics(value: Any) -> dict[str, float]:
    """``{name: number}`` of a run's metrics (strings, booleans and nested values are not metrics)."""
    if not isinstance(value, Mapping):
        return {}
    return {
        str(name): float(number)
        for name, number in value.items()
        if isinstance(number, (int, float)) and not isinstance(number, bool)
    }
