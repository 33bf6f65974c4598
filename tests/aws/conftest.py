"""AWS test fixtures: moto in-process and over HTTP, the seeded estate, and scan helpers."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.aws.aws_helpers import REGIONS, fake_aws_credentials


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials; no endpoint override (with AWS_ENDPOINT_URL set mock_aws does not intercept)."""
    fake_aws_credentials(monkeypatch)


@pytest.fixture
def moto(aws_env: None) -> Iterator[None]:
    """An empty in-process moto."""
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture(scope="module")
def estate() -> Iterator[dict[str, Any]]:
    """The demo estate seeded once per module into in-process moto (kept running for the module)."""
    from moto import mock_aws

    from scanner.sandbox.aws_estate import seed_aws

    with pytest.MonkeyPatch.context() as monkeypatch, mock_aws():
        fake_aws_credentials(monkeypatch, managed_policies=True)
        yield seed_aws(None, regions=REGIONS)


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    """A moto server on loopback (real HTTP), reset per module; yields its URL.

    The threaded server shares moto's in-process backends, so it starts from a reset: without one, a
    module seeding the estate after another module's server (with no ``mock_aws`` between them, as
    happens when xdist hands a worker those two modules in a row) finds the roles already there.
    """
    import os
    import urllib.request

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    old = {k: os.environ.get(k) for k in ("MOTO_IAM_LOAD_MANAGED_POLICIES",)}
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
    try:
        yield url
    finally:
        server.stop()
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
