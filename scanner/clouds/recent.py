"""``--training-jobs-since``: keep recent training jobs, and always the jobs behind deployed models.

A busy account holds years of training jobs; most were experiments whose models never shipped.
Limiting a scan to recent jobs keeps it fast, but a model serving traffic today may come from
a job trained long ago, and that job's data and privacy settings are exactly what its endpoint's
leakage risk is judged on. So a job is kept when it was created at or after the cutoff, or when a
model an endpoint serves links to it (endpoint → model → training job, as every cloud's lineage
records it in ``links``). A job whose creation time cannot be read is kept: unknown is not old.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from scanner.model import Resource

CREATED_FIELDS = ("CreationTime", "createTime", "creationTime", "createdAt", "created_at")
"""Where each cloud's answer states when a job was created (SageMaker, Vertex, ARM, ARM systemData)."""


def behind_deployed_models(resources: Iterable[Resource]) -> set[str]:
    """Ids (or ARNs) that models served by an endpoint link to: their training jobs, among others."""
    resources = list(resources)
    served = {link for r in resources if r.kind == "endpoint" for link in r.links}
    return {link for r in resources if r.kind == "model" and r.id in served for link in r.links}


def keep_recent_jobs(resources: Sequence[Resource], since: datetime | None) -> list[Resource]:
    """``resources`` without the training jobs created before ``since`` that no deployed model needs."""
    if since is None:
        return list(resources)
    needed = behind_deployed_models(resources)
    return [
        r for r in resources if r.kind != "training_job" or r.id in needed or not created_before(r.raw, since)
    ]


def created_before(raw: Mapping[str, Any], since: datetime) -> bool:
    """Whether the answer says the job was created before ``since`` (False when it does not say)."""
    created = _created(raw)
    return created is not None and created < since


def _created(raw: Mapping[str, Any]) -> datetime | None:
    for place in (raw, raw.get("systemData"), raw.get("system_data")):
        if not isinstance(place, Mapping):
            continue
        for key in CREATED_FIELDS:
            value = place.get(key)
            when = _as_datetime(value)
            if when is not None:
                return when
    return None


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
