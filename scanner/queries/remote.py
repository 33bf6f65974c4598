"""Live log locations, read-only: ``s3://bucket/prefix``, ``gs://bucket/prefix`` and Azure Blob.

Each lister only lists and gets objects (S3 ``ListObjectsV2`` / ``GetObject``, GCS ``objects.list`` /
media download, Blob ``List Blobs`` / ``Get Blob``) and hands back :class:`LogFile` objects that read
their text when the reader reaches them, so memory holds one object at a time (the traffic-log check
reads only an object's first bytes). The SDKs are imported
here only: a missing one is an error entry naming the extra to install.

- ``s3://`` uses boto3's default credential chain (``AWS_ENDPOINT_URL`` points it at moto or another
  S3-compatible store).
- ``gs://`` uses ``google-cloud-storage`` (Application Default Credentials; with
  ``STORAGE_EMULATOR_HOST`` set the SDK talks to that emulator anonymously).
- Azure Blob: ``https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX`` (``DefaultAzureCredential``,
  or the account key of ``AZURE_STORAGE_CONNECTION_STRING`` when it names that account), or
  ``az://CONTAINER/PREFIX`` with the account of ``AZURE_STORAGE_CONNECTION_STRING`` (Azurite's
  well-known development connection string works).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from scanner.queries.reader import LOG_SUFFIXES, LogFile
from scanner.queries.records import ReadError

MAX_OBJECT = 512 * 1024 * 1024
"""An object larger than this is an error entry, not read (hostile input is bounded)."""
HEAD = 4096
"""Bytes read to tell a traffic-log export from a payload log without reading the whole object."""
SCHEMES = ("s3://", "gs://", "az://", "https://", "http://")


def is_remote(location: str) -> bool:
    """Whether ``location`` names a live store rather than a local path."""
    return location.lower().startswith(SCHEMES)


def remote_files(location: str) -> tuple[list[LogFile], list[ReadError]]:
    """The log objects under one live location, sorted by key, and the errors met listing them."""
    lower = location.lower()
    try:
        if lower.startswith("s3://"):
            return _s3(location), []
        if lower.startswith("gs://"):
            return _gcs(location), []
        if lower.startswith("az://") or ".blob." in lower or _is_connection_account(location):
            return _azure(location), []
    except ImportError as exc:
        return [], [ReadError(location, f"{exc.name or 'an SDK'} is not installed ({_EXTRA[lower[:2]]})")]
    except Exception as exc:  # noqa: BLE001 - a denied or missing bucket is an error entry
        return [], [ReadError(location, f"cannot list: {type(exc).__name__}: {str(exc)[:200]}")]
    return [], [ReadError(location, "not an s3://, gs:// or Azure Blob location")]


_EXTRA = {"s3": "pip install 'mlscan[aws]'", "gs": "pip install 'mlscan[gcp]'"}
_EXTRA.update({k: "pip install 'mlscan[azure]'" for k in ("az", "ht")})


def _is_log(key: str) -> bool:
    name = key.rsplit("/", 1)[-1]
    return not name.startswith(".") and name.lower().endswith(LOG_SUFFIXES)


def _split(location: str) -> tuple[str, str]:
    rest = location.split("://", 1)[1]
    bucket, _, prefix = rest.partition("/")
    return bucket, prefix


def _checked(read: Callable[[], bytes], size: int | None, where: str) -> Callable[[], str]:
    def text() -> str:
        if size is not None and size > MAX_OBJECT:
            raise OSError(f"{where} is {size} bytes, more than {MAX_OBJECT}")
        return read().decode("utf-8-sig")

    return text


def _s3(location: str) -> list[LogFile]:
    import boto3

    bucket, prefix = _split(location)
    client = boto3.client("s3")
    files: list[LogFile] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents") or ():
            key = item["Key"]
            if _is_log(key):
                where = f"s3://{bucket}/{key}"
                read = _s3_reader(client, bucket, key)
                head = _s3_head(client, bucket, key)
                files.append(LogFile(where, _checked(read, item.get("Size"), where), _text(head)))
    return sorted(files, key=lambda f: f.location)


def _s3_reader(client: Any, bucket: str, key: str) -> Callable[[], bytes]:
    return lambda: client.get_object(Bucket=bucket, Key=key)["Body"].read()


def _s3_head(client: Any, bucket: str, key: str) -> Callable[[], bytes]:
    return lambda: client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{HEAD - 1}")["Body"].read()


def _text(read: Callable[[], bytes]) -> Callable[[], str]:
    """The first bytes as text (a multi-byte character cut at the end is dropped)."""
    return lambda: read()[:HEAD].decode("utf-8-sig", errors="ignore")


def _gcs(location: str) -> list[LogFile]:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    bucket, prefix = _split(location)
    if os.environ.get("STORAGE_EMULATOR_HOST"):
        client = storage.Client(project="emulator", credentials=AnonymousCredentials())
    else:
        client = storage.Client()
    files = [
        LogFile(
            f"gs://{bucket}/{blob.name}",
            _checked(blob.download_as_bytes, blob.size, f"gs://{bucket}/{blob.name}"),
            _text(_gcs_head(blob)),
        )
        for blob in client.list_blobs(bucket, prefix=prefix or None)
        if _is_log(blob.name)
    ]
    return sorted(files, key=lambda f: f.location)


def _gcs_head(blob: Any) -> Callable[[], bytes]:
    return lambda: blob.download_as_bytes(start=0, end=HEAD - 1)


def _connection_string() -> str | None:
    return os.environ.get("AZURE_STORAGE_CONNECTION_STRING")


def _is_connection_account(location: str) -> bool:
    """An http(s) URL under the BlobEndpoint of the connection string (Azurite's path-style URLs)."""
    blob_endpoint = _connection_field("BlobEndpoint")
    return bool(blob_endpoint) and location.rstrip("/").startswith(blob_endpoint.rstrip("/"))


def _connection_field(name: str) -> str | None:
    for part in (_connection_string() or "").split(";"):
        key, _, value = part.partition("=")
        if key.strip() == name:
            return value.strip()
    return None


def _azure(location: str) -> list[LogFile]:
    from azure.storage.blob import BlobServiceClient

    container, prefix, service = _azure_service(location, BlobServiceClient)
    client = service.get_container_client(container)
    files = []
    for blob in client.list_blobs(name_starts_with=prefix or None):
        if _is_log(blob.name):
            where = f"{location.split('://', 1)[0]}://{_azure_display(location, container)}/{blob.name}"
            read = _azure_reader(client, blob.name)
            head = _azure_head(client, blob.name)
            files.append(LogFile(where, _checked(read, blob.size, where), _text(head)))
    return sorted(files, key=lambda f: f.location)


def _azure_display(location: str, container: str) -> str:
    head = location.split("://", 1)[1]
    return head[: head.index(container) + len(container)] if container in head else container


def _azure_reader(client: Any, name: str) -> Callable[[], bytes]:
    return lambda: client.download_blob(name).readall()


def _azure_head(client: Any, name: str) -> Callable[[], bytes]:
    return lambda: client.download_blob(name, offset=0, length=HEAD).readall()


def _azure_service(location: str, service_type: Any) -> tuple[str, str, Any]:
    """(container, prefix, BlobServiceClient) for an ``az://`` or blob URL."""
    connection = _connection_string()
    if location.lower().startswith("az://"):
        if not connection:
            raise ValueError("az:// needs AZURE_STORAGE_CONNECTION_STRING (or use the https:// blob URL)")
        container, prefix = _split(location)
        return container, prefix, service_type.from_connection_string(connection)
    url = urlsplit(location)
    blob_endpoint = _connection_field("BlobEndpoint")
    if connection and blob_endpoint and location.startswith(blob_endpoint.rstrip("/")):
        rest = location[len(blob_endpoint.rstrip("/")) :].strip("/")
        container, _, prefix = rest.partition("/")
        return container, prefix, service_type.from_connection_string(connection)
    container, _, prefix = url.path.strip("/").partition("/")
    account_url = f"{url.scheme}://{url.netloc}"
    account = url.netloc.split(".", 1)[0]
    if connection and _connection_field("AccountName") == account:
        return container, prefix, service_type.from_connection_string(connection)
    from azure.identity import DefaultAzureCredential

    return container, prefix, service_type(account_url, credential=DefaultAzureCredential())
