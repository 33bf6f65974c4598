"""Write inference logs exactly as the three clouds do, for tests, the demo and the benchmark.

One :class:`Exchange` is one request and its response; the writers lay them out as SageMaker Data
Capture (``<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl``, JSON / CSV / BASE64 encodings), the Azure ML
data collector (model_inputs and model_outputs collections joined on ``correlationid``, plus an
``AmlOnlineEndpointTrafficLog`` export naming each caller) and Vertex request-response rows exported
from BigQuery as JSONL.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Exchange:
    """One logged request: who sent it, when, the instances, and the response body (JSON text)."""

    client: str | None
    time: str
    instances: Sequence[Sequence[float]]
    response: str


def response_body(scores: Sequence[Sequence[float]], exposure: str, decimals: int = 4, k: int = 2) -> str:
    """A response in the given exposure (``label``, ``top_k``, ``probabilities``) for per-class scores."""
    predictions: list[object] = []
    for row in scores:
        best = max(range(len(row)), key=row.__getitem__)
        if exposure == "label":
            predictions.append(best)
        elif exposure == "top_k":
            top = sorted(range(len(row)), key=lambda i: -row[i])[:k]
            predictions.append({"labels": top, "scores": [round(row[i], decimals) for i in top]})
        else:
            predictions.append([round(v, decimals) for v in row])
    return json.dumps({"predictions": predictions})


def write_sagemaker(
    root: Path,
    endpoint: str,
    exchanges: Iterable[Exchange],
    variant: str = "AllTraffic",
    encoding: str = "JSON",
) -> Path:
    """Data Capture JSONL under ``root/<endpoint>/<variant>/yyyy/mm/dd/hh/``; the client is the InferenceId."""
    exchanges = list(exchanges)
    stamp = exchanges[0].time if exchanges else "2026-12-01T00:00:00Z"
    folder = root / endpoint / variant / stamp[0:4] / stamp[5:7] / stamp[8:10] / stamp[11:13]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid5(uuid.NAMESPACE_URL, endpoint + stamp)}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number, exchange in enumerate(exchanges):
            handle.write(json.dumps(_sagemaker_record(exchange, encoding, number)) + "\n")
    return path


def _sagemaker_record(exchange: Exchange, encoding: str, number: int) -> dict[str, object]:
    if encoding == "CSV":
        request = "\n".join(",".join(repr(float(v)) for v in row) for row in exchange.instances)
        content_type = "text/csv"
    else:
        request = json.dumps({"instances": [list(row) for row in exchange.instances]})
        content_type = "application/json"
    data, response = request, exchange.response
    if encoding == "BASE64":
        data = base64.b64encode(request.encode()).decode()
        response = base64.b64encode(exchange.response.encode()).decode()
    meta: dict[str, object] = {"eventId": str(uuid.uuid5(uuid.NAMESPACE_OID, f"{exchange.time}{number}"))}
    meta["inferenceTime"] = exchange.time
    if exchange.client is not None:
        meta["inferenceId"] = exchange.client
    out_encoding = "BASE64" if encoding == "BASE64" else "JSON"
    return {
        "captureData": {
            "endpointInput": {
                "observedContentType": content_type,
                "mode": "INPUT",
                "data": data,
                "encoding": encoding,
            },
            "endpointOutput": {
                "observedContentType": "application/json",
                "mode": "OUTPUT",
                "data": response,
                "encoding": out_encoding,
            },
        },
        "eventMetadata": meta,
        "eventVersion": "0",
    }


def write_azureml(
    root: Path,
    endpoint: str,
    exchanges: Iterable[Exchange],
    deployment: str = "blue",
    csv_traffic: bool = False,
) -> tuple[Path, Path]:
    """Collector JSONL (inputs and outputs in their own collections) and a traffic-log export."""
    exchanges = list(exchanges)
    stamp = exchanges[0].time if exchanges else "2026-12-01T00:00:00Z"
    hour = Path(stamp[0:4], stamp[5:7], stamp[8:10], stamp[11:13])
    base = root / "modelDataCollector" / endpoint / deployment
    source = f"/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/{endpoint}/deployments/{deployment}"
    traffic = []
    paths = {}
    for collection in ("model_inputs", "model_outputs"):
        folder = base / collection / hour
        folder.mkdir(parents=True, exist_ok=True)
        paths[collection] = (folder / "0.jsonl").open("w", encoding="utf-8")
    for number, exchange in enumerate(exchanges):
        request_id = str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{endpoint}{number}{exchange.time}"))
        common = {"specversion": "1.0", "source": source, "time": exchange.time, "correlationid": request_id}
        common["xrequestid"] = request_id
        inputs = {**common, "id": f"{request_id}-i", "type": "azureml.inference.model_inputs"}
        inputs["data"] = [
            dict(zip((f"f{i}" for i in range(len(row))), row, strict=False)) for row in exchange.instances
        ]
        outputs = {**common, "id": f"{request_id}-o", "type": "azureml.inference.model_outputs"}
        outputs["data"] = exchange.response
        paths["model_inputs"].write(json.dumps(inputs) + "\n")
        paths["model_outputs"].write(json.dumps(outputs) + "\n")
        identity = None if exchange.client is None else json.dumps({"oid": exchange.client, "tid": "t"})
        traffic.append(
            {
                "TimeGenerated": exchange.time,
                "EndpointName": endpoint,
                "DeploymentName": deployment,
                "AuthType": "AADToken" if identity else "Key",
                "IdentityData": identity or "",
                "Method": "POST",
                "Path": "/score",
                "ResponseCode": 200,
                "XRequestId": request_id,
            }
        )
    for handle in paths.values():
        handle.close()
    suffix = "csv" if csv_traffic else "json"
    traffic_path = root / f"AmlOnlineEndpointTrafficLog-{endpoint}-{stamp[:13].replace(':', '')}.{suffix}"
    if csv_traffic:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(traffic[0]))
        writer.writeheader()
        writer.writerows(traffic)
        traffic_path.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        traffic_path.write_text(json.dumps(traffic), encoding="utf-8")
    return base, traffic_path


def write_vertex(
    root: Path, endpoint: str, exchanges: Iterable[Exchange], name: str = "export.jsonl"
) -> Path:
    """Request-response logging rows as ``bq extract --destination_format NEWLINE_DELIMITED_JSON`` writes them."""
    resource = f"projects/p/locations/us-central1/endpoints/{endpoint}"
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    with path.open("w", encoding="utf-8") as handle:
        for number, exchange in enumerate(exchanges):
            row = {
                "endpoint": resource,
                "deployed_model_id": "1",
                "logging_time": exchange.time,
                "request_id": str(number),
                "request_payload": [json.dumps(list(row)) for row in exchange.instances],
                "response_payload": [exchange.response],
            }
            if exchange.client is not None:
                row["request_payload"] = [
                    json.dumps({"features": list(r), "caller": exchange.client}) for r in exchange.instances
                ]
            handle.write(json.dumps(row) + "\n")
    return path
