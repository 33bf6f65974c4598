"""Fuzz family cloud_aws: ``mlscan scan --cloud aws`` against moto through the fault proxy.

Any request of the scan (STS, SageMaker List/Describe/ListTags, IAM, KMS, S3, the front-door
reads) may answer 500/503, 429 or a ``ThrottlingException`` as HTTP 400 (with or without
``Retry-After``), AccessDenied, a truncated, HTML or empty body, a field of the wrong type,
the same ``NextToken`` forever, or stall past the read timeout. The invariants are
:func:`cloud_harness.check`'s; an ``aws/credentials`` or account-level error covers every
resource of the account, a failed listing its type in the region, a failed read its resource.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from cloud_harness import EXTRAS, Estate, check, faults, run_scan
from fault_proxy import FaultProxy
from fuzz_harness import budget, count
from hypothesis import given
from hypothesis import strategies as st

from scanner.clouds.aws.types import LIVE_TYPES
from tests.aws.aws_helpers import reset_moto
from tests.test_no_secret_in_outputs import SEEDED

REGION = "us-east-1"
SECRETS = SEEDED["aws_estate.py"]
TYPES = {t.provider_type: t for t in LIVE_TYPES}
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}


def _args(url: str) -> list[str]:
    return ["--cloud", "aws", "--endpoint-url", url, "--regions", REGION, "--max-workers", "4", "-q"]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """A small seeded estate in a moto server (every seeded secret in it), and its clean scan."""
    from moto.server import ThreadedMotoServer

    from scanner.sandbox.aws_estate import seed_aws

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with pytest.MonkeyPatch.context() as env:
        for name, value in {**ENV, "MOTO_IAM_LOAD_MANAGED_POLICIES": "false"}.items():
            env.setenv(name, value)
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_PROFILE"):
            env.delenv(name, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            url = f"http://{host}:{port}"
            reset_moto(url)  # moto's backends are per process: another module's estate may be in them
            seed_aws(url, per_region={"endpoints": 2, "training_jobs": 4, "notebooks": 2, "domains": 1})
            with FaultProxy(url, record_fields=True) as proxy:
                baseline = run_scan(
                    _args(proxy.url), tmp_path_factory.mktemp("aws-baseline"), ENV, baseline=True
                )
            assert baseline.resources and not baseline.errors, baseline.errors
            fields = sorted(f for f in proxy.fields or () if f[:1].isupper())
            yield Estate(url, baseline, tuple(dict.fromkeys(proxy.seen)), tuple(fields))
        finally:
            server.stop()


def _matches(key: str) -> list[str]:
    """The operation (``SageMaker.DescribeEndpoint``, ``GetRole``), the path, or the whole request."""
    method, path, *rest = key.split(" ")
    target = rest[0] if rest and "=" not in rest[0] else ""
    return [part for part in (target, f"{method} {path.split('?')[0]} ", key) if part.strip()]


def covers(error: dict[str, Any], resource: dict[str, Any]) -> bool:
    """Whether an error entry accounts for ``resource`` being absent."""
    where, reason = error["where"], error["reason"]
    account, region = resource.get("account"), resource.get("region")
    if where in ("aws", "aws/credentials", f"aws/{account}"):
        return True
    if where != f"aws/{account}/{region}/sagemaker":
        return False
    kind = TYPES.get(resource.get("type") or "")
    if kind is None:
        return False
    subject = reason.split(":", 1)[0]
    if subject == kind.listing:
        return True
    name, _, named = subject.partition(" ")
    return name == kind.name and named in (resource.get("name"), resource["id"].rsplit("/", 1)[-1])


@given(data=st.data())
@budget(4, shrink=False)
def test_cloud_aws(estate: Estate, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    count("cloud_aws")
    drawn = data.draw(faults(estate.keys, estate.fields, _matches, aws=True), label="faults")
    with FaultProxy(estate.url, drawn) as proxy:
        outcome = run_scan(_args(proxy.url), tmp_path_factory.mktemp("aws"), ENV)
    check(outcome, estate.baseline, proxy, covers, SECRETS, retries=EXTRAS["max_attempts"])
