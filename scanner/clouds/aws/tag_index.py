"""Tags of a region's SageMaker resources read in bulk: ``tag:GetResources``, 100 resources per call.

SageMaker's own describes carry no tags, so without this every resource costs one ListTags call
(a third of a scan's calls). The Resource Groups Tagging API answers the tags of up to 100 resources
of one type per call. It lists only resources that are (or were) tagged, so a resource it does not
name is not taken as untagged: its tags are read with ListTags as before. A failed, denied or
malformed answer leaves the index for that type empty, and every resource of it falls back the same
way — the index can only save calls, never change what the tags are read as.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from scanner.clouds.aws.values import tag_map

TAG_TYPES: dict[str, str] = {
    "endpoint": "sagemaker:endpoint",
    "model": "sagemaker:model",
    "training_job": "sagemaker:training-job",
    "notebook": "sagemaker:notebook-instance",
}
"""Listing kind → its Tagging API resource type; the kinds a region holds many of (a kind of one or two
resources costs as many ListTags calls as GetResources pages, so the others keep ListTags)."""


class TagIndex:
    """ARN → tags of one region, filled one resource type at a time (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tags: dict[str, dict[str, str]] = {}

    def load(self, client: Any, kind: str) -> int:
        """Read the tags of every ``kind`` resource of the region; the number indexed (0 when the call
        failed: those resources then read their tags one by one)."""
        found: dict[str, dict[str, str]] = {}
        try:
            for page in client.get_paginator("get_resources").paginate(
                ResourceTypeFilters=[TAG_TYPES[kind]], ResourcesPerPage=100
            ):
                mappings = page.get("ResourceTagMappingList") if isinstance(page, Mapping) else None
                if not isinstance(mappings, list):
                    return 0  # truncated or not JSON: nothing from this answer is trusted
                for item in mappings:
                    arn = item.get("ResourceARN") if isinstance(item, Mapping) else None
                    tags = item.get("Tags") if isinstance(item, Mapping) else None
                    if isinstance(arn, str) and isinstance(tags, list):
                        found[arn] = tag_map(tags)
        except Exception:  # noqa: BLE001 - denied or failed: the exact per-resource read stays
            return 0
        with self._lock:
            self._tags.update(found)
        return len(found)

    def get(self, arn: str) -> dict[str, str] | None:
        """The resource's tags, or None when the index does not name it (read them with ListTags)."""
        with self._lock:
            tags = self._tags.get(arn)
        return dict(tags) if tags is not None else None


class KindJoin:
    """The read tasks of one kind start once both its listing and its tag index are done.

    Whichever of the two finishes second hands out the names, so no worker waits on the other
    (a waiting worker would starve a bounded pool in latency mode).
    """

    def __init__(self, parts: int = 2) -> None:
        self._lock = threading.Lock()
        self._left = parts
        self._names: list[str] = []

    def done(self, names: list[str] | None = None) -> list[str] | None:
        """Mark one part done (the listing passes its names); the names once every part is done."""
        with self._lock:
            if names is not None:
                self._names = names
            self._left -= 1
            return self._names if self._left == 0 else None
