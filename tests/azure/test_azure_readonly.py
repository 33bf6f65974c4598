"""The scanner only reads: every request the emulator saw is a GET."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def test_every_recorded_request_is_a_get(emulator, live):
    assert live.resources
    methods = {r.method for r in emulator.requests}
    assert methods == {"GET"}
    paths = {r.path.lower().split("/providers/", 1)[-1] for r in emulator.requests}
    # list endpoints only: no listKeys / token / secrets calls
    assert not [p for p in paths if "listkeys" in p or "token" in p or "secrets" in p]


def test_emulator_refuses_writes(emulator):
    request = urllib.request.Request(
        f"{emulator.url}/subscriptions/x/resourceGroups/y/providers/Microsoft.MachineLearningServices/"
        "workspaces/z?api-version=2023-04-01",
        data=b"{}",
        method="PUT",
    )
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("PUT accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 405
        assert json.loads(exc.read())["error"]["code"] == "MethodNotAllowed"
    assert emulator.requests[-1].method == "PUT"
