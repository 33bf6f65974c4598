"""``mlscan watch --listen``: Azure Event Grid and Pub/Sub push (Cloud Asset feeds) posted to the receiver.

The receiver runs on 127.0.0.1 against the ARM and Vertex emulators; every verdict is stored (SQLite and
PostgreSQL) and new failures reach a local webhook. Expected findings come from the stored verdicts.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from scanner.alerts.model import AlertOptions
from scanner.clouds.base import LiveOptions
from scanner.history.store import Store
from scanner.policy.loader import load_policies
from scanner.sandbox.arm_emulator import start_arm_emulator
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from scanner.watch.receiver import make_server, serve_in_thread
from scanner.watch.rescan import WatchConfig, Watcher
from tests.history.receiver import capture_server

TOKEN = "t0ken-for-tests"
WORKSPACE = (
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-ml-dev/providers/"
    "Microsoft.MachineLearningServices/workspaces/mlw-dev-open"
)
ENDPOINT = f"{WORKSPACE}/onlineEndpoints/ep-churn"
VERTEX_ENDPOINT = "projects/mlscan-demo/locations/us-central1/endpoints/1001"


@pytest.fixture(scope="module")
def emulators() -> Iterator[tuple[str, str]]:
    with start_arm_emulator() as arm, start_vertex_emulator() as vertex:
        yield arm.url, vertex.url


@pytest.fixture
def receiver(emulators, store_url, monkeypatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "mlscan-demo")
    arm, vertex = emulators
    with capture_server() as hook:
        live = LiveOptions(azure_endpoint=arm, gcp_endpoint=vertex, extra={"gcp_retry_timeout": 0})
        config = WatchConfig(store_url, load_policies(), live, AlertOptions(webhooks=(hook.url,)))
        lines: list[str] = []
        server = make_server("127.0.0.1", 0, TOKEN, Watcher(config), lines.append)
        serve_in_thread(server)
        try:
            yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "hook": hook, "log": lines}
        finally:
            server.shutdown()
            server.server_close()


def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None


def grid_event(arm_id: str, event_id: str, when: str) -> list[dict[str, Any]]:
    return [
        {
            "id": event_id,
            "topic": "/subscriptions/11111111-1111-1111-1111-111111111111",
            "subject": arm_id,
            "eventType": "Microsoft.Resources.ResourceWriteSuccess",
            "eventTime": when,
            "data": {
                "resourceUri": arm_id,
                "operationName": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write",
            },
            "dataVersion": "",
            "metadataVersion": "1",
        }
    ]


def pubsub_push(asset: str, message_id: str) -> dict[str, Any]:
    payload = {
        "asset": {
            "name": f"//aiplatform.googleapis.com/{asset}",
            "assetType": "aiplatform.googleapis.com/Endpoint",
        },
        "window": {"startTime": "2026-12-02T00:00:00Z"},
    }
    data = base64.b64encode(json.dumps(payload).encode()).decode()
    return {
        "message": {"data": data, "messageId": message_id, "attributes": {}},
        "subscription": "projects/p/subscriptions/s",
    }


def test_event_grid_handshake_and_token(receiver):
    url = receiver["url"]
    validation = [
        {
            "id": "v1",
            "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
            "data": {"validationCode": "abc-123"},
        }
    ]
    assert post(f"{url}/azure?token={TOKEN}", validation) == (200, {"validationResponse": "abc-123"})
    assert post(f"{url}/azure", validation)[0] == 401
    assert post(f"{url}/azure?token=wrong", grid_event(ENDPOINT, "e0", "2026-12-02T00:00:00Z"))[0] == 401
    assert post(f"{url}/gcp", pubsub_push(VERTEX_ENDPOINT, "m0"), {"Authorization": "Bearer nope"})[0] == 401
    assert post(f"{url}/elsewhere?token={TOKEN}", {})[0] == 404
    options = urllib.request.Request(
        f"{url}/azure?token={TOKEN}",
        method="OPTIONS",
        headers={"WebHook-Request-Origin": "eventgrid.azure.net"},
    )
    with urllib.request.urlopen(options, timeout=30) as answer:
        assert answer.headers["WebHook-Allowed-Origin"] == "eventgrid.azure.net"
    assert receiver["hook"].posts == []  # nothing rejected was read


def test_azure_event_rescans_the_endpoint_once(receiver, store_url):
    url, hook = receiver["url"], receiver["hook"]
    status, body = post(f"{url}/azure?token={TOKEN}", grid_event(ENDPOINT, "e1", "2026-12-02T00:00:02Z"))
    assert status == 200 and body["verdicts"][0]["stored"]
    with Store.open(store_url) as store:
        (scan,) = store.scans()
        resources = store.resources(scan.id)
        failing = [f for f in store.findings([scan.id]) if f.failing]
    assert [r.resource_id.lower() for r in resources] == [ENDPOINT.lower()]
    assert failing and len(hook.posts) == 1
    assert {a["policy_id"] for a in hook.bodies()[0]["alerts"]} == {f.policy_id for f in failing}

    # a redelivery (same id) and an older event for the same endpoint: nothing new, nothing sent
    assert (
        post(f"{url}/azure?token={TOKEN}", grid_event(ENDPOINT, "e1", "2026-12-02T00:00:02Z"))[1]["verdicts"][
            0
        ]["skipped"]
        == "duplicate"
    )
    status, body = post(f"{url}/azure?token={TOKEN}", grid_event(ENDPOINT, "e0", "2026-12-02T00:00:01Z"))
    assert status == 200 and body["verdicts"][0]["counts"]["new"] == 0
    assert len(hook.posts) == 1


def test_asset_feed_message_rescans_the_vertex_endpoint(receiver, store_url):
    url, hook = receiver["url"], receiver["hook"]
    status, body = post(f"{url}/gcp", pubsub_push(VERTEX_ENDPOINT, "m1"), {"X-Mlscan-Token": TOKEN})
    assert status == 200 and body["verdicts"][0]["stored"], receiver["log"]
    with Store.open(store_url) as store:
        (scan,) = store.scans()
        assert [r.resource_id for r in store.resources(scan.id)] == [VERTEX_ENDPOINT]
        failing = [f for f in store.findings([scan.id]) if f.failing]
    assert len(hook.posts) == (1 if failing else 0)
    gone = pubsub_push("projects/mlscan-demo/locations/us-central1/endpoints/9999", "m2")
    status, body = post(f"{url}/gcp?token={TOKEN}", gone)
    assert status == 200 and body["verdicts"][0]["stored"]  # a deleted resource: an empty verdict
