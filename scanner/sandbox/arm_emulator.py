"""A small Azure Resource Manager REST fake for Azure ML, on 127.0.0.1 in a background thread.

No Azure is reachable from a developer machine or CI, so tests and ``mlscan demo`` point the
real azure-mgmt SDK at this server. It serves a seeded estate (a JSON data file) at the ARM
paths the SDK calls, pages every list with ``nextLink``, answers anything but GET with 405,
records every request (so a test can prove the scanner is read-only), and injects faults
(403 / 404 / 429 / 500) on configured paths so tests can prove partial failures are reported.

Estate file shape::

    {"subscriptions": [{"subscriptionId": "...", "displayName": "..."}],
     "page_size": 2,
     "workspaces": [{<ARM workspace JSON with id>,
                     "onlineEndpoints": [{<endpoint JSON>, "deployments": [<deployment JSON>]}],
                     "jobs": [...], "computes": [...], "datastores": [...],
                     "models": [{"name": "...", "versions": [{"name": "1", "properties": {"jobName": ...}}]}]}],
     "registries": [{<ARM registry JSON with id>}],
     "roleAssignments": [{"properties": {"scope", "roleDefinitionId", "principalId"}}],
     "metricAlerts": [{<ARM metric alert JSON with id>}],
     "apiManagement": [{<ARM API Management service JSON with id>, "policies": [<policy JSON>],
                        "apis": [{<API JSON with name>, "policies": [<policy JSON>]}]}],
     "storageAccounts": [<ARM storage account JSON with id, and optionally "blobService": <blob service
                          properties>, "containers": [...], "diagnosticSettings": [...] of its blob service>]}

Children need only ``name``: their ``id`` and ``type`` are derived from the parent. A workspace or an online
endpoint may carry ``"diagnosticSettings": [...]`` (served under its ``providers/Microsoft.Insights``); every
workspace and endpoint answers that list, and every subscription its metric alert and API Management lists,
if only with ``[]``, as ARM does.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scanner.sandbox.recording import BackgroundServer, RecordedRequest

DEFAULT_ESTATE = Path(__file__).parent / "data" / "azure_estate.json"

_PROVIDER = "/providers/Microsoft.MachineLearningServices"
_CHILDREN = {
    "onlineEndpoints": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "jobs": "Microsoft.MachineLearningServices/workspaces/jobs",
    "computes": "Microsoft.MachineLearningServices/workspaces/computes",
    "models": "Microsoft.MachineLearningServices/workspaces/models",
    "datastores": "Microsoft.MachineLearningServices/workspaces/datastores",
}
_STORAGE_CHILDREN = ("blobService", "containers", "diagnosticSettings")
_DIAGNOSTICS = "/providers/Microsoft.Insights/diagnosticSettings"
_APIM = "/providers/Microsoft.ApiManagement/service"
_ERROR_CODES = {
    400: "BadRequest",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    405: "MethodNotAllowed",
    429: "TooManyRequests",
    500: "InternalServerError",
}


@dataclass
class Emulator(BackgroundServer):
    """A running ARM emulator: ``url`` to point the SDK at, ``requests`` seen so far, ``stop()``."""

    url: str
    requests: list[RecordedRequest]
    subscriptions: tuple[str, ...]
    _server: ThreadingHTTPServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)


class _Routes:
    """ARM path (lower-cased) → a single object or a collection, built from the estate."""

    def __init__(self, estate: Mapping[str, Any]) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.collections: dict[str, list[dict[str, Any]]] = {}
        self.subscriptions = [dict(s) for s in estate.get("subscriptions", [])]
        self.collections["/subscriptions"] = [
            {"id": f"/subscriptions/{s['subscriptionId']}", "state": "Enabled", **s}
            for s in self.subscriptions
        ]
        for sub in self.subscriptions:  # every known subscription answers its lists, if only with []
            self._collection(f"/subscriptions/{sub['subscriptionId']}{_PROVIDER}/workspaces")
            self._collection(f"/subscriptions/{sub['subscriptionId']}{_PROVIDER}/registries")
            self._collection(
                f"/subscriptions/{sub['subscriptionId']}/providers/Microsoft.Authorization/roleAssignments"
            )
            self._collection(
                f"/subscriptions/{sub['subscriptionId']}/providers/Microsoft.Insights/metricAlerts"
            )
            self._collection(f"/subscriptions/{sub['subscriptionId']}{_APIM}")
        for workspace in estate.get("workspaces", []):
            self._add_workspace(workspace)
        for registry in estate.get("registries", []):
            item = copy.deepcopy(dict(registry))
            item.setdefault("type", "Microsoft.MachineLearningServices/registries")
            self._add(f"/subscriptions/{item['id'].split('/')[2]}{_PROVIDER}/registries", item)
        for account in estate.get("storageAccounts", []):
            self._add_storage_account(account)
        for assignment in estate.get("roleAssignments", []):
            self._add_role_assignment(assignment)
        for alert in estate.get("metricAlerts", []):
            item = copy.deepcopy(dict(alert))
            item.setdefault("type", "Microsoft.Insights/metricAlerts")
            self._add(
                f"/subscriptions/{item['id'].split('/')[2]}/providers/Microsoft.Insights/metricAlerts", item
            )
        for service in estate.get("apiManagement", []):
            self._add_api_management(service)

    def _add_api_management(self, raw: Mapping[str, Any]) -> None:
        """An API Management service, its APIs and the policies of both (policy JSON as ARM lists it)."""
        service = {k: copy.deepcopy(v) for k, v in raw.items() if k not in ("apis", "policies")}
        service.setdefault("type", "Microsoft.ApiManagement/service")
        self._add(f"/subscriptions/{service['id'].split('/')[2]}{_APIM}", service)
        self._collection(f"{service['id']}/policies").extend(copy.deepcopy(list(raw.get("policies", []))))
        self._collection(f"{service['id']}/apis")
        for api in raw.get("apis", []):
            item = {k: copy.deepcopy(v) for k, v in api.items() if k != "policies"}
            item.setdefault("id", f"{service['id']}/apis/{item['name']}")
            item.setdefault("type", "Microsoft.ApiManagement/service/apis")
            self._add(f"{service['id']}/apis", item)
            self._collection(f"{item['id']}/policies").extend(copy.deepcopy(list(api.get("policies", []))))

    def _diagnostics(self, resource_id: str, raw: Mapping[str, Any]) -> None:
        self._collection(f"{resource_id}{_DIAGNOSTICS}").extend(
            copy.deepcopy(list(raw.get("diagnosticSettings", [])))
        )

    def _collection(self, path: str) -> list[dict[str, Any]]:
        return self.collections.setdefault(path.lower(), [])

    def _add(self, collection_path: str, obj: dict[str, Any]) -> None:
        self._collection(collection_path).append(obj)
        self.items[obj["id"].lower()] = obj

    def _add_workspace(self, raw: Mapping[str, Any]) -> None:
        workspace = {
            k: copy.deepcopy(v) for k, v in raw.items() if k not in _CHILDREN and k != "diagnosticSettings"
        }
        workspace.setdefault("type", "Microsoft.MachineLearningServices/workspaces")
        ws_id = workspace["id"]
        parts = ws_id.split("/")
        subscription, group = parts[2], parts[4]
        self._collection(f"/subscriptions/{subscription}{_PROVIDER}/workspaces").append(workspace)
        self._add(f"/subscriptions/{subscription}/resourceGroups/{group}{_PROVIDER}/workspaces", workspace)
        self._diagnostics(ws_id, raw)
        for segment, type_name in _CHILDREN.items():
            self._collection(f"{ws_id}/{segment}")
            for child in raw.get(segment, []):
                item = {
                    k: copy.deepcopy(v)
                    for k, v in child.items()
                    if k not in ("deployments", "versions", "diagnosticSettings")
                }
                item.setdefault("id", f"{ws_id}/{segment}/{item['name']}")
                item.setdefault("type", type_name)
                self._add(f"{ws_id}/{segment}", item)
                if segment == "models":
                    self._collection(f"{item['id']}/versions")
                    for version in child.get("versions", []):
                        ver = copy.deepcopy(version)
                        ver.setdefault("id", f"{item['id']}/versions/{ver['name']}")
                        ver.setdefault("type", f"{type_name}/versions")
                        self._add(f"{item['id']}/versions", ver)
                if segment == "onlineEndpoints":
                    self._diagnostics(item["id"], child)
                    self._collection(f"{item['id']}/deployments")
                    for deployment in child.get("deployments", []):
                        dep = copy.deepcopy(deployment)
                        dep.setdefault("id", f"{item['id']}/deployments/{dep['name']}")
                        dep.setdefault("type", f"{type_name}/deployments")
                        self._add(f"{item['id']}/deployments", dep)

    def _add_storage_account(self, raw: Mapping[str, Any]) -> None:
        """The account, its blob service (versioning, soft delete), containers and blob diagnostic settings."""
        account = {k: copy.deepcopy(v) for k, v in raw.items() if k not in _STORAGE_CHILDREN}
        self.items[account["id"].lower()] = account
        service = f"{account['id']}/blobServices/default"
        self.items[service.lower()] = {
            "id": service,
            "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "properties": copy.deepcopy(raw.get("blobService", {})),
        }
        containers = self._collection(f"{service}/containers")
        for container in raw.get("containers", []):
            item = copy.deepcopy(dict(container))
            item.setdefault("id", f"{service}/containers/{item['name']}")
            containers.append(item)
        self._collection(f"{service}/providers/Microsoft.Insights/diagnosticSettings").extend(
            copy.deepcopy(list(raw.get("diagnosticSettings", [])))
        )

    def _add_role_assignment(self, raw: Mapping[str, Any]) -> None:
        assignment = copy.deepcopy(dict(raw))
        scope = assignment["properties"]["scope"]
        subscription = scope.split("/")[2]
        name = assignment.setdefault(
            "name", str(uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(raw, sort_keys=True)))
        )
        assignment.setdefault("id", f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}")
        assignment.setdefault("type", "Microsoft.Authorization/roleAssignments")
        self._add(
            f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleAssignments", assignment
        )


def _make_handler(
    routes: _Routes,
    faults: Mapping[str, int],
    page_size: int,
    log: list[RecordedRequest],
    endless: tuple[str, ...] = (),
):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            """No Nagle delay: headers and body go out as separate writes on a kept-alive connection."""
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            """Silence the per-request log."""

        def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-ms-request-id", str(uuid.uuid4()))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            headers = {"Retry-After": "1"} if status == 429 else None
            code = _ERROR_CODES.get(status, "Error")
            self._send(status, {"error": {"code": code, "message": message}}, headers)

        def _other(self) -> None:
            parts = urlsplit(self.path)
            log.append(RecordedRequest(self.command, parts.path, parts.query))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self._error(405, f"{self.command} is not allowed: this emulator is read-only")

        do_POST = do_PUT = do_PATCH = do_DELETE = _other

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            parts = urlsplit(self.path)
            path = parts.path.rstrip("/") or "/"
            log.append(RecordedRequest("GET", parts.path, parts.query))
            lowered = path.lower()
            for pattern, status in faults.items():
                if pattern.lower() in lowered:
                    self._error(status, f"injected fault for {path}")
                    return
            if lowered in routes.collections:
                self._page(path, routes.collections[lowered], parse_qs(parts.query))
            elif lowered in routes.items:
                self._send(200, routes.items[lowered])
            else:
                self._error(404, f"The resource '{path}' was not found.")

        def _page(self, path: str, items: list[dict[str, Any]], query: Mapping[str, list[str]]) -> None:
            start = int((query.get("$skiptoken") or ["0"])[0])
            body: dict[str, Any] = {"value": items[start : start + page_size]}
            api = (query.get("api-version") or [""])[0]
            host = self.headers.get("Host", "127.0.0.1")
            if any(fragment.lower() in path.lower() for fragment in endless):  # a broken server's loop
                body["nextLink"] = f"http://{host}{path}?api-version={api}&$skiptoken=0"
            elif start + page_size < len(items):
                body["nextLink"] = f"http://{host}{path}?api-version={api}&$skiptoken={start + page_size}"
            self._send(200, body)

    return Handler


def load_estate(estate_path: str | Path | None = None) -> dict[str, Any]:
    """The estate JSON (the bundled demo estate when no path is given)."""
    return json.loads(Path(estate_path or DEFAULT_ESTATE).read_text())


def start_arm_emulator(
    estate_path: str | Path | None = None,
    *,
    faults: Mapping[str, int] | None = None,
    page_size: int | None = None,
    estate: Mapping[str, Any] | None = None,
    endless: tuple[str, ...] = (),
) -> Emulator:
    """Start the emulator on a free 127.0.0.1 port and return it (also a context manager).

    ``faults`` maps a path fragment (case-insensitive substring of the request path, e.g.
    ``"/workspaces/ws-denied/"``) to the HTTP status to answer with. ``estate`` overrides
    ``estate_path`` with an in-memory estate. A list whose path contains a fragment of ``endless``
    answers every page with the same ``nextLink`` (endless pagination, as a broken server would).
    """
    data = dict(estate) if estate is not None else load_estate(estate_path)
    routes = _Routes(data)
    log: list[RecordedRequest] = []
    size = page_size or int(data.get("page_size", 2))
    handler = _make_handler(routes, dict(faults or {}), size, log, tuple(endless))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="arm-emulator", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    subscriptions = tuple(s["subscriptionId"] for s in routes.subscriptions)
    return Emulator(f"http://{host}:{port}", log, subscriptions, server, thread)
