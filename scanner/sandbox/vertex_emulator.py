"""A small Vertex AI REST fake on 127.0.0.1, so the real GAPIC REST clients can be tested offline.

It serves a seeded estate (``data/vertex_estate.json``: projects → locations →
endpoints / models / customJobs / trainingPipelines, projects → zones → Workbench
instances, plus each project's IAM policy; ``buckets``: name → Cloud Storage bucket JSON with its
``iamPolicy``, ``acl`` and ``defaultObjectAcl``) at the paths the ``aiplatform_v1`` and
``notebooks_v2`` REST transports, the Resource Manager ``getIamPolicy`` call (with the project's
``auditConfigs``) and Cloud Monitoring's ``alertPolicies`` list (each project's ``alertPolicies``) use
(``/v2/projects/P/locations/-/instances`` lists every zone, as the Notebooks API does), pages lists with ``nextPageToken``, records every
request, and injects faults (403 / 404 / 429 / 500) on paths that match a glob, so
tests can prove that a partial failure is reported while the rest of the scan goes on.
"""

from __future__ import annotations

import fnmatch
import json
import re
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from scanner.sandbox.recording import BackgroundServer, RecordedRequest, handler_for

COLLECTIONS = (
    "endpoints",
    "models",
    "customJobs",
    "trainingPipelines",
    "tensorboards",
    "deploymentResourcePools",
    "featureGroups",
    "featureOnlineStores",
    "metadataStores",
    "notebookRuntimeTemplates",
)
NESTED_COLLECTIONS = {"featureOnlineStores": ("featureViews",), "metadataStores": ("contexts",)}
"""Children of a location's resource (``.../featureOnlineStores/S/featureViews``): the estate keeps them in a
flat list of the location under the child collection's name, each named with its parent's full name."""
ZONAL_COLLECTION = "instances"
"""Notebooks v2 (Workbench) instances, under ``/v2/projects/P/locations/{zone}/instances``."""
DEFAULT_PAGE_SIZE = 2
"""Small on purpose, so that a seeded estate of a handful of resources already needs pagination."""

_STORAGE = "/storage/v1/b/"
_BUCKET_CHILDREN = ("iamPolicy", "acl", "defaultObjectAcl")
_IAM_PATH = re.compile(r"/v[13]/projects/([^/:]+):getIamPolicy")
_STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def default_estate_path() -> Path:
    """The estate shipped with mlscan (used by ``mlscan demo``)."""
    return Path(str(resources.files("scanner.sandbox").joinpath("data/vertex_estate.json")))


class Emulator(BackgroundServer):
    """A running Vertex REST fake: ``url`` to point clients at, ``requests`` seen, ``stop()`` to end it."""

    def __init__(
        self,
        estate: Mapping[str, Any],
        *,
        faults: Mapping[str, int | tuple[int, int]] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        endless: bool = False,
    ) -> None:
        self.estate = estate
        self.endless = endless
        self.faults: dict[str, tuple[int, int | None]] = {
            pattern: (spec, None) if isinstance(spec, int) else (int(spec[0]), int(spec[1]))
            for pattern, spec in (faults or {}).items()
        }
        self.page_size = page_size
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._serve(_handler_for(self), "vertex-emulator")

    @property
    def url(self) -> str:
        """Base URL (use as ``api_endpoint`` / ``--gcp-endpoint``)."""
        return self._base_url()

    def record(self, method: str, path: str, query: str) -> None:
        """Remember one request (thread-safe)."""
        with self._lock:
            self.requests.append(RecordedRequest(method, path, query))

    def fault_for(self, path: str) -> int | None:
        """The injected HTTP status for ``path``, if a configured glob matches it (and has failures left)."""
        with self._lock:
            for pattern, (status, left) in self.faults.items():
                if not fnmatch.fnmatchcase(path, pattern) or left == 0:
                    continue
                if left is not None:
                    self.faults[pattern] = (status, left - 1)
                return status
        return None

    def answer(self, method: str, path: str, query: Mapping[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """Route one request to a status and JSON body."""
        status = self.fault_for(path)
        if status is not None:
            return status, _error(status, f"injected fault for {path}")
        if path.startswith(_STORAGE):
            return self._storage(method, path[len(_STORAGE) :])
        iam = _IAM_PATH.fullmatch(path)
        if method == "POST" and iam:
            return self._iam_policy(iam.group(1))
        parts = [p for p in path.split("/") if p]
        if method != "GET":
            return 405, _error(400, f"{method} is not served by the emulator")
        return self._get(parts, query)

    def _storage(self, method: str, rest: str) -> tuple[int, dict[str, Any]]:
        """Cloud Storage JSON API: a bucket, its IAM policy, ACL and default object ACL (GET only)."""
        if method != "GET":
            return 405, _error(400, f"{method} is not served by the emulator")
        name, _, child = rest.partition("/")
        bucket = self.estate.get("buckets", {}).get(name)
        if bucket is None:
            return 404, _error(404, f"bucket {name} not found")
        if child == "iam":
            return 200, {"kind": "storage#policy", "version": 1, **bucket.get("iamPolicy", {"bindings": []})}
        if child in ("acl", "defaultObjectAcl"):
            return 200, {"kind": "storage#objectAccessControls", "items": bucket.get(child, [])}
        if child:
            return 404, _error(404, "unknown path")
        body = {k: v for k, v in bucket.items() if k not in _BUCKET_CHILDREN}
        return 200, {"kind": "storage#bucket", "name": name, "id": name, **body}

    def _iam_policy(self, project: str) -> tuple[int, dict[str, Any]]:
        data = self.estate.get("projects", {}).get(project)
        if data is None:
            return 403, _error(403, f"Permission denied on project {project} (or it does not exist)")
        return 200, data.get("iamPolicy", {"version": 1, "bindings": []})

    def _alert_policies(self, project: str) -> tuple[int, dict[str, Any]]:
        """Cloud Monitoring ``projects.alertPolicies.list`` (one page: the estate's ``alertPolicies``)."""
        data = self.estate.get("projects", {}).get(project)
        if data is None:
            return 403, _error(403, f"Permission denied on project {project} (or it does not exist)")
        return 200, {"alertPolicies": data.get("alertPolicies", [])}

    def _get(self, parts: list[str], query: Mapping[str, list[str]]) -> tuple[int, dict[str, Any]]:
        # /v1|/ui /projects/{p}/locations[/{l}/{collection}]; /v2/projects/{p}/locations/{zone|-}/instances[/{i}]
        if parts[:1] == ["v2"]:
            return self._notebooks(parts, query)
        if parts[:2] == ["v3", "projects"] and parts[3:] == ["alertPolicies"]:
            return self._alert_policies(parts[2])
        if len(parts) < 4 or parts[0] not in ("v1", "ui") or parts[1] != "projects":
            return 404, _error(404, "unknown path")
        project = self.estate.get("projects", {}).get(parts[2])
        if project is None:
            return 403, _error(403, f"Permission denied on project {parts[2]} (or it does not exist)")
        locations = project.get("locations", {})
        if len(parts) == 4 and parts[3] == "locations":
            items = [{"name": f"projects/{parts[2]}/locations/{loc}", "locationId": loc} for loc in locations]
            return 200, self._page(items, "locations", query)
        if len(parts) == 6 and parts[3] == "locations" and parts[5] in COLLECTIONS:
            location = locations.get(parts[4])
            if location is None:
                return 404, _error(404, f"location {parts[4]} not found")
            return 200, self._page(location.get(parts[5], []), parts[5], query)
        if len(parts) == 7 and parts[3] == "locations" and parts[5] in COLLECTIONS:
            wanted = "/".join(parts[1:])
            for item in locations.get(parts[4], {}).get(parts[5], []):
                if item.get("name") == wanted:
                    return 200, item
            return 404, _error(404, f"{wanted} not found")
        if (
            len(parts) in (8, 9)
            and parts[3] == "locations"
            and parts[7] in NESTED_COLLECTIONS.get(parts[5], ())
        ):
            return self._nested(parts, locations.get(parts[4]), query)
        return 404, _error(404, "unknown path")

    def _nested(
        self, parts: list[str], location: Mapping[str, Any] | None, query: Mapping[str, list[str]]
    ) -> tuple[int, dict[str, Any]]:
        """``.../{collection}/{id}/{child}`` lists the children of one parent; ``.../{child}/{id}`` gets one."""
        if location is None:
            return 404, _error(404, f"location {parts[4]} not found")
        wanted = "/".join(parts[1:])
        items = location.get(parts[7], [])
        if len(parts) == 8:
            return 200, self._page(
                [i for i in items if i.get("name", "").startswith(f"{wanted}/")], parts[7], query
            )
        for item in items:
            if item.get("name") == wanted:
                return 200, item
        return 404, _error(404, f"{wanted} not found")

    def _notebooks(self, parts: list[str], query: Mapping[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if len(parts) not in (6, 7) or parts[1] != "projects" or parts[3] != "locations":
            return 404, _error(404, "unknown path")
        if parts[5] != ZONAL_COLLECTION:
            return 404, _error(404, "unknown path")
        project = self.estate.get("projects", {}).get(parts[2])
        if project is None:
            return 403, _error(403, f"Permission denied on project {parts[2]} (or it does not exist)")
        zones: Mapping[str, Any] = project.get("zones", {})
        if len(parts) == 7:
            wanted = "/".join(parts[1:])
            for item in zones.get(parts[4], {}).get(ZONAL_COLLECTION, []):
                if item.get("name") == wanted:
                    return 200, item
            return 404, _error(404, f"{wanted} not found")
        if parts[4] != "-":
            return 200, self._page(zones.get(parts[4], {}).get(ZONAL_COLLECTION, []), ZONAL_COLLECTION, query)
        # The wildcard reads every zone; a zone whose own path has a fault is reported unreachable.
        items: list[Any] = []
        unreachable: list[str] = []
        for zone, data in zones.items():
            if self.fault_for(f"/v2/projects/{parts[2]}/locations/{zone}/{ZONAL_COLLECTION}") is not None:
                unreachable.append(zone)
            else:
                items.extend(data.get(ZONAL_COLLECTION, []))
        body = self._page(items, ZONAL_COLLECTION, query)
        if unreachable and not (query.get("pageToken") or [""])[0]:
            body["unreachable"] = unreachable
        return 200, body

    def _page(self, items: list[Any], key: str, query: Mapping[str, list[str]]) -> dict[str, Any]:
        size = int((query.get("pageSize") or [0])[0] or 0) or self.page_size
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        body: dict[str, Any] = {key: items[start : start + size]}
        if self.endless:  # a broken server: every page points at the first again
            body["nextPageToken"] = "0"
        elif start + size < len(items):
            body["nextPageToken"] = str(start + size)
        return body


def start_vertex_emulator(
    estate_path: str | Path | None = None,
    *,
    faults: Mapping[str, int | tuple[int, int]] | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    endless: bool = False,
) -> Emulator:
    """Start the emulator in a background thread on a free loopback port (``endless``: every list
    page answers the same ``nextPageToken``, endless pagination).

    ``faults`` maps a path glob (e.g. ``"/v1/projects/*/locations/europe-west4/*"``) to
    the HTTP status to answer instead (403, 404, 429, 500), always — or ``(status, n)`` to fail
    only the first ``n`` matching requests (a transient fault a client should retry).
    """
    path = Path(estate_path) if estate_path else default_estate_path()
    estate = json.loads(path.read_text(encoding="utf-8"))
    return Emulator(estate, faults=faults, page_size=page_size, endless=endless)


def _error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": _STATUS.get(status, "UNKNOWN")}}


def _handler_for(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    def answer(method: str, path: str, query: str) -> tuple[int, bytes, str]:
        emulator.record(method, path, query)
        status, body = emulator.answer(method, path, parse_qs(query))
        return status, json.dumps(body).encode(), "application/json"

    return handler_for(answer, ("GET", "POST", "DELETE", "PATCH"))
