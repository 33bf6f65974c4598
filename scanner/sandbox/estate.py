"""The whole local sandbox for ``mlscan demo``: moto for AWS, the ARM and Vertex emulators, seeded.

Everything listens on 127.0.0.1 and needs no credentials and no network. The AWS
credentials are forced to moto's dummy values while the sandbox runs, so a user's
real keys are never sent anywhere, not even to the local fake.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from scanner.clouds.base import LiveOptions

_DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}
_CLEARED_AWS = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SAGEMAKER")


@dataclass(frozen=True)
class Sandbox:
    """Where each fake listens and what was seeded, as scan options."""

    aws_url: str
    aws_regions: tuple[str, ...]
    azure_url: str
    azure_subscriptions: tuple[str, ...]
    gcp_url: str
    gcp_projects: tuple[str, ...]
    gcp_locations: tuple[str, ...]
    seeded: dict[str, Any] = field(default_factory=dict)

    def live_options(self, max_workers: int = 16) -> LiveOptions:
        """Scan options that point every cloud at its local fake."""
        return LiveOptions(
            regions=self.aws_regions,
            endpoint_url=self.aws_url,
            subscriptions=self.azure_subscriptions,
            azure_endpoint=self.azure_url,
            projects=self.gcp_projects,
            locations=self.gcp_locations,
            gcp_endpoint=self.gcp_url,
            max_workers=max_workers,
        )


@contextmanager
def running_sandbox() -> Iterator[Sandbox]:
    """Start and seed every fake; stop them all (and restore the environment) on exit."""
    import json

    from moto.server import ThreadedMotoServer

    from scanner.sandbox.arm_emulator import start_arm_emulator
    from scanner.sandbox.aws_estate import seed_aws
    from scanner.sandbox.moto_sagemaker import install
    from scanner.sandbox.vertex_emulator import default_estate_path, start_vertex_emulator

    install()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with ExitStack() as stack, _environment(_DUMMY_AWS, _CLEARED_AWS):
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        stack.callback(moto.stop)
        host, port = moto.get_host_and_port()
        aws_url = f"http://{host}:{port}"
        seeded = seed_aws(aws_url, scale="demo")
        arm = stack.enter_context(start_arm_emulator())
        vertex = stack.enter_context(start_vertex_emulator())
        vertex_estate = json.loads(default_estate_path().read_text(encoding="utf-8"))
        projects = tuple(vertex_estate["projects"])
        locations = tuple(
            dict.fromkeys(loc for p in vertex_estate["projects"].values() for loc in p["locations"])
        )
        yield Sandbox(
            aws_url=aws_url,
            aws_regions=tuple(seeded["regions"]),
            azure_url=arm.url,
            azure_subscriptions=arm.subscriptions,
            gcp_url=vertex.url,
            gcp_projects=projects,
            gcp_locations=locations,
            seeded={"aws": {k: v for k, v in seeded.items() if k != "roles"}},
        )


@contextmanager
def _environment(values: dict[str, str], cleared: tuple[str, ...]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in (*values, *cleared)}
    os.environ.update(values)
    for name in cleared:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
