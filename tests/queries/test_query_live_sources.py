"""Live log sources, read-only: s3:// against moto, gs:// against the local GCS fake, Azure Blob against
Azurite. The same Data Capture tree is uploaded to each and must give what the local tree gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scanner.queries.run import run_queries
from scanner.sandbox.query_logs import write_sagemaker
from tests.aws.aws_helpers import fake_aws_credentials
from tests.queries.azurite import running_azurite
from tests.queries.traffic import population


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("capture")
    rng = np.random.default_rng(0)
    exchanges = population(rng, clients=8, per_client=30)
    write_sagemaker(root, "fraud-ep", exchanges[: len(exchanges) // 2])
    later = [
        e.__class__(e.client, e.time.replace("T10", "T11"), e.instances, e.response)
        for e in exchanges[len(exchanges) // 2 :]
    ]
    write_sagemaker(root, "fraud-ep", later)
    (root / "README.md").write_text("not a log")
    return root


@pytest.fixture(scope="module")
def local(tree):
    return run_queries([str(tree)]).to_dict()


def _objects(tree: Path) -> dict[str, bytes]:
    return {
        f"capture/{p.relative_to(tree).as_posix()}": p.read_bytes() for p in tree.rglob("*") if p.is_file()
    }


def _same(remote: dict, local: dict) -> None:
    assert remote["errors"] == []
    assert remote["endpoints"] == local["endpoints"]
    strip = lambda alerts: [{k: v for k, v in a.items() if k != "evidence"} for a in alerts]  # noqa: E731
    assert strip(remote["alerts"]) == strip(local["alerts"])


def test_s3_prefix_through_moto(tree, local, monkeypatch):
    from moto import mock_aws

    fake_aws_credentials(monkeypatch)
    with mock_aws():
        import boto3

        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="capture-bucket")
        for key, data in _objects(tree).items():
            s3.put_object(Bucket="capture-bucket", Key=key, Body=data)
        report = run_queries(["s3://capture-bucket/capture/"]).to_dict()
        missing = run_queries(["s3://no-such-bucket/x"]).to_dict()
    _same(report, local)
    assert all(
        a["evidence"]["location"].startswith("s3://capture-bucket/capture/fraud-ep/")
        for a in report["alerts"]
    )
    assert missing["errors"] and "NoSuchBucket" in missing["errors"][0]["reason"]


def test_gs_prefix_through_the_gcs_fake(tree, local, monkeypatch):
    from scanner.sandbox.gcs_fake import GcsFake

    with GcsFake({"logs": _objects(tree)}) as fake:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", fake.url)
        report = run_queries(["gs://logs/capture"]).to_dict()
    _same(report, local)
    assert {r.method for r in fake.requests} == {"GET"}  # read-only
    assert sum("pageToken" in r.query for r in fake.requests) >= 1  # paged listing followed


def test_azure_blob_through_azurite(tree, local, tmp_path, monkeypatch):
    from azure.storage.blob import BlobServiceClient

    with running_azurite(tmp_path) as connection:
        service = BlobServiceClient.from_connection_string(connection)
        container = service.create_container("insights-logs")
        for key, data in _objects(tree).items():
            container.upload_blob(key, data)
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection)
        by_scheme = run_queries(["az://insights-logs/capture"]).to_dict()
        blob_endpoint = connection.split("BlobEndpoint=")[1].rstrip(";")
        by_url = run_queries([f"{blob_endpoint}/insights-logs/capture/"]).to_dict()
    _same(by_scheme, local)
    _same(by_url, local)
