"""Consume EventBridge events from an SQS queue: long polling, delete only after the verdict is stored.

A message is deleted when every change it names has its verdict in the store (or it was a duplicate),
or when it is not an event mlscan reads (it would never succeed; it is logged). A message whose
resource could not be read or whose verdict could not be stored is left alone: SQS redelivers it after
the queue's visibility timeout (give the queue a redrive policy so a resource that stays unreadable
ends in a dead-letter queue). ``ReceiveMessage`` / ``DeleteMessageBatch`` are calls on the user's own
event queue, never on a scanned resource.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scanner.watch.events import NotAnEvent, from_eventbridge
from scanner.watch.rescan import Verdict, Watcher, all_stored

WAIT_SECONDS = 20
"""SQS long polling: the longest ReceiveMessage may wait for a message (the API's maximum)."""
BATCH = 10


def region_of_queue(url: str) -> str | None:
    """``us-east-1`` from ``https://sqs.us-east-1.amazonaws.com/123/q`` (None for a local endpoint)."""
    host = url.split("://", 1)[-1].split("/", 1)[0]
    parts = host.split(".")
    return parts[1] if len(parts) > 3 and parts[0] == "sqs" else None


def poll_once(
    sqs: Any, queue_url: str, watcher: Watcher, log: Callable[[str], None], wait: int = WAIT_SECONDS
) -> list[Verdict]:
    """One ReceiveMessage (long poll) and the handling of what it returned."""
    answer = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=wait, AttributeNames=["All"]
    )
    verdicts: list[Verdict] = []
    done: list[dict[str, str]] = []
    for message in answer.get("Messages") or ():
        try:
            changes = from_eventbridge(json.loads(message.get("Body") or ""))
        except (NotAnEvent, ValueError) as exc:
            log(f"watch: sqs message {message.get('MessageId')}: ignored ({exc}); deleted")
            done.append({"Id": str(len(done)), "ReceiptHandle": message["ReceiptHandle"]})
            continue
        handled = watcher.handle(changes)
        for verdict in handled:
            log(verdict.describe())
        verdicts.extend(handled)
        if all_stored(handled):
            done.append({"Id": str(len(done)), "ReceiptHandle": message["ReceiptHandle"]})
    if done:
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=done)
    return verdicts


def run(
    sqs: Any,
    queue_url: str,
    watcher: Watcher,
    log: Callable[[str], None],
    *,
    max_events: int | None = None,
    stop: Callable[[], bool] = lambda: False,
    wait: int = WAIT_SECONDS,
) -> int:
    """Poll until ``stop()`` or ``max_events`` verdicts; returns how many verdicts were produced."""
    count = 0
    while not stop() and (max_events is None or count < max_events):
        try:
            count += len(poll_once(sqs, queue_url, watcher, log, wait))
        except Exception as exc:  # noqa: BLE001 - a failed poll is logged and retried, never fatal
            log(f"watch: sqs: {type(exc).__name__}: {exc}")
            if stop():
                break
    return count
