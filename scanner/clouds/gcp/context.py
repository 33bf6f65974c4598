"""What the live builders need to know besides the API object itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.clouds.artifacts import StorageState, artifact_facts
from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp.gcs_facts import gs_buckets
from scanner.model import Resource, Source
from scanner.redact import redact_mapping


@dataclass(frozen=True)
class LiveContext:
    """One project × location being scanned, with the joins the builders need."""

    project: str
    location: str
    roles_of: Callable[[str], frozenset[str] | None]
    """Project roles of a service account email (None when the IAM policy could not be read)."""
    models: Mapping[str, Mapping[str, Any]] | None = field(default=None)
    """Models of this location by resource name (None when they could not be listed)."""
    online_stores: Mapping[str, Mapping[str, Any]] | None = field(default=None)
    """Feature online stores of this location by resource name (None when they could not be listed)."""
    run_metrics: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Metrics logged to Vertex experiment runs, by run context name (what a custom job's
    ``job_spec.experiment_run`` names; a run that could not be read is absent)."""

    buckets: Mapping[str, StorageState | None] | None = field(default=None)
    """Cloud Storage buckets judged this scan, by name (None: none were read)."""
    audit_configs: Sequence[Mapping[str, Any]] | None = field(default=None)
    """The project IAM policy's audit configs (None: the policy could not be read)."""
    alert_policies: Sequence[Mapping[str, Any]] | None = field(default=None)
    """The project's Cloud Monitoring alert policies (None: they could not be listed)."""
    jobs_listed: bool = True
    """False when this location's custom jobs or training pipelines could not be listed: a served
    model's training job, and the storage it names, may then be missing from the lineage join."""

    def artifacts(self, *values: Any) -> dict[str, Any]:
        """``artifacts.*`` over the buckets the values name (``gs://`` URIs); none named → no facts."""
        names = sorted({name for value in values for name in gs_buckets(value)})
        states = [(self.buckets or {}).get(name) for name in names]
        return artifact_facts([f"gs://{name}" for name in names], states)

    @property
    def source(self) -> Source:
        """Live source pointing at the regional API the object came from."""
        return Source(kind="live", address=f"{self.location}-aiplatform.googleapis.com")

    def resource(
        self,
        kind: str,
        resource_type: str,
        item: Mapping[str, Any],
        facts: Mapping[str, Any],
        links: tuple[str, ...] = (),
        *,
        service: str = fc.SERVICE,
        api_host: str | None = None,
    ) -> Resource:
        """A Resource of this project and location: id = resource name, tags = labels, raw redacted.

        ``service`` / ``api_host`` name another Google API than Vertex's regional one
        (Workbench instances come from the global ``notebooks.googleapis.com``).
        """
        return Resource(
            provider=fc.PROVIDER,
            service=service,
            kind=kind,
            id=item["name"],
            name=item.get("display_name") or item["name"].rsplit("/", 1)[-1],
            source=Source(kind="live", address=api_host) if api_host else self.source,
            facts=dict(facts),
            account=self.project,
            region=self.location,
            tags=dict(item.get("labels") or {}),
            raw=redact_mapping(item),
            links=links,
            resource_type=resource_type,
        )
