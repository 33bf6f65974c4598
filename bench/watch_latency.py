"""Measure `mlscan watch`: event -> stored verdict -> notification, per event, here on loopback.

AWS: a rule on moto's EventBridge sends ``aws.sagemaker`` state changes to an SQS queue; the real
watcher long-polls it (WaitTimeSeconds=20) in a thread, re-reads the endpoint, stores the verdict in an
SQLite store and POSTs the new failures to a local webhook. Each event names a different endpoint, so
every one notifies. Azure: Event Grid deliveries POSTed to the receiver (ARM emulator behind it).
Times are from just before ``PutEvents`` / the POST to the webhook receiving its POST and to the end of
the event's handling (verdict committed, alert sent; for Azure, the receiver's 200 answer). Goal: under 5 s.

    .venv/bin/python bench/watch_latency.py --events 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from scanner.alerts.model import AlertOptions
from scanner.clouds.base import LiveOptions
from scanner.policy.loader import load_policies
from scanner.watch import sqs as sqs_loop
from scanner.watch.rescan import Verdict, WatchConfig, Watcher


class Hook:
    """A local webhook that stamps the arrival time of each POST by the resource it names."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                for alert in body.get("alerts", ()):
                    hook.arrived.setdefault(str(alert["resource_id"]).lower(), time.perf_counter())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


def summary(name: str, stored: list[float], notified: list[float]) -> None:
    def row(label: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
        return f"| {name} | {label} | {len(values)} | {statistics.median(values):.3f} | {p95:.3f} | {max(values):.3f} |"

    print(row("event -> stored verdict", stored))
    print(row("event -> notification received", notified))


def bench_aws(events: int, store: str) -> None:
    import boto3
    from moto import mock_aws

    from scanner.sandbox.aws_estate import seed_aws

    with mock_aws():
        seed_aws(
            None,
            regions=("us-east-1",),
            per_region={"endpoints": events, "training_jobs": 1, "notebooks": 0, "domains": 0},
        )
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue = sqs.create_queue(QueueName="mlscan-bench")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        bridge = boto3.client("events", region_name="us-east-1")
        bridge.put_rule(Name="sm", EventPattern=json.dumps({"source": ["aws.sagemaker"]}))
        bridge.put_targets(Rule="sm", Targets=[{"Id": "q", "Arn": arn}])
        names = [
            e["EndpointName"]
            for e in boto3.client("sagemaker", region_name="us-east-1").list_endpoints(MaxResults=100)[
                "Endpoints"
            ]
        ]
        hook = Hook()
        stored_at: dict[str, float] = {}

        def on_verdict(verdict: Verdict) -> None:
            stored_at[verdict.change.key.split("/", 1)[1].lower()] = time.perf_counter()

        config = WatchConfig(store, load_policies(), LiveOptions(), AlertOptions(webhooks=(hook.url,)))
        watcher = Watcher(config, on_verdict=on_verdict)
        stop = threading.Event()
        worker = threading.Thread(
            target=sqs_loop.run,
            args=(sqs, queue, watcher, lambda line: None),
            kwargs={"stop": stop.is_set},
            daemon=True,
        )
        worker.start()
        sent: dict[str, float] = {}
        for name in names[:events]:
            time.sleep(0.5)  # one event at a time: latency, not throughput
            sent[name.lower()] = time.perf_counter()
            bridge.put_events(
                Entries=[
                    {
                        "Source": "aws.sagemaker",
                        "DetailType": "SageMaker Endpoint State Change",
                        "Detail": json.dumps({"EndpointName": name}),
                    }
                ]
            )
            deadline = time.perf_counter() + 30
            while time.perf_counter() < deadline and (
                name.lower() not in stored_at or not any(k.endswith(name.lower()) for k in hook.arrived)
            ):
                time.sleep(0.01)
        stop.set()
        notified = {
            name: next(t for k, t in hook.arrived.items() if k.endswith(name))
            for name in sent
            if any(k.endswith(name) for k in hook.arrived)
        }
        summary(
            "aws (EventBridge -> SQS long poll)",
            [stored_at[n] - sent[n] for n in sent if n in stored_at],
            [notified[n] - sent[n] for n in notified],
        )
        worker.join(timeout=25)


def bench_azure(events: int, store: str) -> None:
    from scanner.sandbox.arm_emulator import start_arm_emulator
    from scanner.watch.receiver import make_server, serve_in_thread

    workspace = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-ml-dev/providers/Microsoft.MachineLearningServices/workspaces/mlw-dev-open"
    target = f"{workspace}/onlineEndpoints/ep-churn"
    with start_arm_emulator() as arm:
        hook = Hook()
        stored: list[float] = []
        notified: list[float] = []
        for i in range(events):
            # a fresh store each time, so every event's failures are new and notify
            url = f"sqlite:///{Path(store.removeprefix('sqlite:///')).with_name(f'azure-{i}.db')}"
            config = WatchConfig(
                url, load_policies(), LiveOptions(azure_endpoint=arm.url), AlertOptions(webhooks=(hook.url,))
            )
            server = make_server("127.0.0.1", 0, "bench", Watcher(config), lambda line: None)
            serve_in_thread(server)
            hook.arrived.clear()
            body = json.dumps(
                [
                    {
                        "id": f"e{i}",
                        "eventType": "Microsoft.Resources.ResourceWriteSuccess",
                        "data": {"resourceUri": target},
                    }
                ]
            ).encode()
            start = time.perf_counter()
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.server_address[1]}/azure?token=bench",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
            stored.append(time.perf_counter() - start)  # answered 200 only after the verdict is stored
            notified.append(hook.arrived[target.lower()] - start)
            server.shutdown()
            server.server_close()
        summary("azure (Event Grid -> receiver)", stored, notified)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    print("| source | measured | events | median s | p95 s | max s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        bench_aws(args.events, f"sqlite:///{tmp}/aws.db")
        bench_azure(args.events, f"sqlite:///{tmp}/azure.db")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
