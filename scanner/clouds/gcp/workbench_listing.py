"""Listing Workbench instances once per project across every zone, handed out per scanned region.

Workbench instances are zonal (``projects/P/locations/us-central1-a/instances/I``)
while the rest of the scan is per Vertex region. The Notebooks v2 ``ListInstances``
call accepts the ``-`` location wildcard (its response has an ``unreachable`` list of
zones for exactly that case), so one paged call per project reads every zone, with no
zone list to guess or fetch from Compute Engine. Each region's task then takes the
instances of its own zones; a zone the service reports unreachable becomes an error for
its region only, and a failed call an error for every region of that project.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.clouds.base import PageTokens
from scanner.clouds.gcp.client import ClientFactory, to_dict

ALL_ZONES = "-"


@dataclass(frozen=True)
class ProjectInstances:
    """Every Workbench instance of one project (as dicts) and the zones the service could not reach."""

    instances: tuple[Mapping[str, Any], ...]
    unreachable: tuple[str, ...]


@dataclass(frozen=True)
class RegionInstances:
    """The instances of one region's zones, and which of its zones could not be read."""

    instances: list[dict[str, Any]]
    unreachable: tuple[str, ...]


class WorkbenchInstances:
    """Lists each project's instances on first use (thread-safe); a failed listing is remembered and re-raised."""

    def __init__(self, clients: ClientFactory) -> None:
        self._clients = clients
        self._cache: dict[str, ProjectInstances | BaseException] = {}
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()

    def in_region(self, project: str, region: str) -> RegionInstances:
        """Instances whose zone is in ``region`` (or is ``region`` itself); raises when the listing failed."""
        listing = self._listing(project)
        return RegionInstances(
            instances=[
                dict(i) for i in listing.instances if in_region(zone_of(str(i.get("name", ""))), region)
            ],
            unreachable=tuple(zone for zone in listing.unreachable if in_region(zone, region)),
        )

    def _listing(self, project: str) -> ProjectInstances:
        with self._guard:
            lock = self._locks[project]
        with lock:
            if project not in self._cache:
                try:
                    self._cache[project] = self._fetch(project)
                except Exception as exc:  # noqa: BLE001 - remembered, re-raised to every region's task
                    self._cache[project] = exc
            cached = self._cache[project]
        if isinstance(cached, BaseException):
            raise cached
        return cached

    def _fetch(self, project: str) -> ProjectInstances:
        pager = self._clients.notebooks().list_instances(
            request={"parent": f"projects/{project}/locations/{ALL_ZONES}"},
            retry=self._clients.retry,
            timeout=self._clients.timeout,
        )
        instances: list[Mapping[str, Any]] = []
        unreachable: list[str] = []
        tokens = PageTokens(f"projects/{project}/locations/{ALL_ZONES}/instances")
        for page in pager.pages:
            tokens.see(page.next_page_token)
            instances.extend(to_dict(item) for item in page.instances)
            unreachable.extend(zone.rsplit("/", 1)[-1] for zone in page.unreachable)
        return ProjectInstances(tuple(instances), tuple(unreachable))


def zone_of(name: str) -> str:
    """``projects/P/locations/us-central1-a/instances/I`` → ``us-central1-a``."""
    parts = name.split("/")
    return parts[3] if len(parts) > 3 and parts[2] == "locations" else ""


def in_region(zone: str, region: str) -> bool:
    """``us-central1-a`` is in ``us-central1`` (a location given as a zone matches itself)."""
    return bool(zone) and (zone == region or zone.rsplit("-", 1)[0] == region)
