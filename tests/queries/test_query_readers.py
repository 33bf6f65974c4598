"""The log readers: three clouds' formats, encodings, joins, client identity, exposure and errors."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from scanner.queries.identity import ClientIdentity, dotted
from scanner.queries.payload import parse_response
from scanner.queries.reader import QueryReader, local_files
from scanner.queries.records import Query, ReadError
from scanner.queries.run import run_queries
from scanner.sandbox.query_logs import write_azureml, write_sagemaker, write_vertex
from tests.queries.traffic import benign_rows, exchanges


def _read(paths, identity=None, traffic=None):
    identity = identity or ClientIdentity()
    files, errors = local_files(paths)
    items = list(QueryReader(identity, traffic).read(files))
    return [i for i in items if isinstance(i, Query)], errors + [i for i in items if isinstance(i, ReadError)]


@pytest.mark.parametrize("encoding", ["JSON", "CSV", "BASE64"])
def test_sagemaker_capture_in_every_encoding_gives_the_same_queries(tmp_path, encoding):
    rng = np.random.default_rng(1)
    rows = benign_rows(rng, 7)
    write_sagemaker(tmp_path / "capture", "churn-ep", exchanges(rng, "caller-a", rows), encoding=encoding)
    queries, errors = _read([tmp_path])
    assert errors == []
    assert [q.endpoint for q in queries] == ["churn-ep"] * len(rows)
    assert {q.client for q in queries} == {"caller-a"}
    np.testing.assert_allclose([q.features for q in queries], rows)
    assert all(q.exposure.scores == "probabilities" and q.exposure.decimals == 4 for q in queries)
    assert all(re.search(r"churn-ep/AllTraffic/2026/12/01/10/.+\.jsonl:\d+$", q.location) for q in queries)


def test_sagemaker_client_pattern_takes_the_first_group(tmp_path):
    rng = np.random.default_rng(2)
    write_sagemaker(tmp_path, "ep", exchanges(rng, "tenant-42/req-9", benign_rows(rng, 3)))
    queries, _ = _read([tmp_path], ClientIdentity(pattern=re.compile(r"^(tenant-\d+)/")))
    assert {q.client for q in queries} == {"tenant-42"}


def test_azure_collector_joins_inputs_outputs_and_the_traffic_log_identity(tmp_path):
    rng = np.random.default_rng(3)
    rows = benign_rows(rng, 5)
    _, traffic_path = write_azureml(tmp_path, "scoring", exchanges(rng, "oid-1234", rows, exposure="label"))
    report = run_queries([str(tmp_path)])
    assert report.errors == ()
    (endpoint,) = report.endpoints
    assert (endpoint.endpoint, endpoint.source_format, endpoint.queries) == ("scoring", "azureml", len(rows))
    assert endpoint.clients == 1 and endpoint.exposure.scores == "label"
    # without the traffic log there is no identity
    traffic_path.unlink()
    queries, errors = _read([tmp_path])
    assert errors == [] and {q.client for q in queries} == {None}


def test_azure_traffic_log_as_csv_given_with_the_option(tmp_path):
    rng = np.random.default_rng(4)
    data = tmp_path / "blob"
    _, traffic_path = write_azureml(
        data, "scoring", exchanges(rng, "oid-9", benign_rows(rng, 4)), csv_traffic=True
    )
    moved = tmp_path / "traffic.csv"
    traffic_path.rename(moved)
    report = run_queries([str(data)], traffic_logs=[str(moved)])
    assert report.errors == () and report.endpoints[0].clients == 1


def test_azure_output_without_input_is_an_error_not_a_silent_drop(tmp_path):
    rng = np.random.default_rng(5)
    base, _ = write_azureml(tmp_path, "ep", exchanges(rng, "x", benign_rows(rng, 2)))
    inputs = next((base / "model_inputs").rglob("*.jsonl"))
    lines = inputs.read_text().splitlines()
    inputs.write_text(lines[0] + "\n")
    queries, errors = _read([tmp_path])
    assert len(queries) == 1
    assert len(errors) == 1 and "no matching input" in errors[0].reason


def test_vertex_rows_with_the_client_inside_the_payload(tmp_path):
    rng = np.random.default_rng(6)
    rows = benign_rows(rng, 4)
    write_vertex(tmp_path, "123", exchanges(rng, "svc@p.iam", rows, exposure="top_k", decimals=3))
    queries, errors = _read([tmp_path], ClientIdentity(field="request_payload.0.caller"))
    assert errors == []
    assert {q.endpoint for q in queries} == {"projects/p/locations/us-central1/endpoints/123"}
    assert {q.client for q in queries} == {"svc@p.iam"}
    np.testing.assert_allclose([q.features for q in queries], rows)
    assert {(q.exposure.scores, q.exposure.decimals) for q in queries} == {("top_k", 3)}


@pytest.mark.parametrize(
    ("body", "scores", "decimals", "label"),
    [
        ('{"predictions": [1]}', "label", 0, "1"),
        ('{"predictions": ["cat"]}', "label", 0, "cat"),
        ('{"predictions": [[0.125, 0.875]]}', "probabilities", 3, "1"),
        ('{"predictions": [{"labels": [2, 0], "scores": [0.61, 0.3]}]}', "top_k", 2, "2"),
        ('{"predictions": [0.93]}', "probabilities", 2, "1"),
        ('[{"predicted_label": 0, "probabilities": [0.9, 0.1]}]', "probabilities", 1, "0"),
    ],
)
def test_exposure_is_measured_from_the_response(body, scores, decimals, label):
    (answer,) = parse_response(body, "JSON")
    assert (answer.exposure.scores, answer.exposure.decimals, answer.label) == (scores, decimals, label)


def test_unreadable_lines_name_file_and_line_and_the_rest_is_read(tmp_path):
    rng = np.random.default_rng(7)
    path = write_sagemaker(tmp_path, "ep", exchanges(rng, "a", benign_rows(rng, 3)))
    lines = path.read_text().splitlines()
    broken = json.loads(lines[1])
    broken["captureData"]["endpointInput"]["encoding"] = "BASE64"
    broken["captureData"]["endpointInput"]["data"] = base64.b64encode(b"\xff\xfe").decode()
    path.write_text("\n".join([lines[0], "{not json", json.dumps(broken), lines[2], '{"x": 1}']) + "\n")
    queries, errors = _read([tmp_path])
    assert len(queries) == 2
    assert [e.location.rsplit(":", 1)[1] for e in errors] == ["2", "3", "5"]
    assert all(e.location.startswith(str(path)) for e in errors)


def test_dotted_paths_descend_into_json_text_and_lists():
    record = {"a": {"b": '[{"c": "x"}]'}}
    assert dotted(record, "a.b.0.c") == "x"
    assert dotted(record, "a.missing") is None


def test_a_url_that_is_no_log_store_is_an_error_not_an_empty_result(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    report = run_queries(["https://example.invalid/capture/"])
    assert report.endpoints == ()
    (error,) = report.errors
    assert error.location == "https://example.invalid/capture/" and "not an s3://" in error.reason


def test_response_decimals_count_numbers_only_not_digits_inside_strings():
    from scanner.queries.payload import parse_response

    body = '{"model": "v1.12345", "note": "say \\"0.123456\\"", "predictions": [{"probabilities": [0.125, 0.875]}]}'
    (answer,) = parse_response(body, "JSON")
    assert answer.exposure.decimals == 3 and answer.exposure.scores == "probabilities"
    (small,) = parse_response(
        '{"predictions": [{"scores": [1.5e-05, 0.99998], "classes": ["a", "b"]}]}', "JSON"
    )
    assert small.exposure.decimals == 6 and small.label == "b"
