"""SageMaker answers that are truncated JSON, HTML or empty (issue 11), through the real botocore client.

botocore reads a 200 answer whose body is not JSON as ``{"message": body}``: without a check a broken
ListEndpoints would read as "no endpoints" and a broken DescribeNotebookInstance as a resource with
nothing known. Each is :class:`MalformedAnswer`, which the live scan turns into an error entry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest

from scanner.clouds.aws.policy_grants import RoleVerdict
from scanner.clouds.aws.sagemaker import MalformedAnswer, RegionContext, RegionReader

BODIES = {
    "truncated": b'{"Endpoints": [{"EndpointName": "ep"',
    "html": b"<html>502 Bad Gateway</html>",
    "empty": b"",
}


@pytest.fixture
def broken_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    answer: dict[str, bytes] = {"body": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - stdlib naming
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(answer["body"])))
            self.end_headers()
            self.wfile.write(answer["body"])

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", answer
    server.shutdown()


def _reader(url: str) -> RegionReader:
    client = boto3.client(
        "sagemaker",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - local fake
    )
    ctx = RegionContext(
        account="111122223333",
        region="us-east-1",
        keys=lambda k: False,
        roles=lambda r: RoleVerdict(r, False),
    )
    return RegionReader(client, ctx)


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_broken_list_endpoints_is_an_error_not_an_empty_region(broken_server, kind: str) -> None:
    url, answer = broken_server
    answer["body"] = BODIES[kind]
    with pytest.raises(MalformedAnswer, match="list_endpoints answer has no Endpoints"):
        _reader(url).list_names("endpoint")


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_broken_describe_notebook_is_an_error_not_an_unknown_resource(broken_server, kind: str) -> None:
    url, answer = broken_server
    answer["body"] = BODIES[kind]
    with pytest.raises(MalformedAnswer, match="describe_notebook_instance answer has no NotebookInstanceArn"):
        _reader(url).read("notebook", "nb")
