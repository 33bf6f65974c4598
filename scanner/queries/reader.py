"""Read captured inference logs into :class:`Query` objects, the format recognized per record.

Every line that cannot be read becomes a :class:`ReadError` naming file and line; nothing is dropped
silently. Lines longer than :data:`MAX_LINE` are refused (hostile input is bounded). Azure inputs and
outputs are joined on ``correlationid`` and named by the traffic log's ``IdentityData``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from scanner.queries import azureml, sagemaker, vertex
from scanner.queries.identity import ClientIdentity
from scanner.queries.payload import Answer, PayloadError, parse_request, parse_request_value, parse_response
from scanner.queries.records import Exposure, Query, ReadError

MAX_LINE = 8 * 1024 * 1024
MAX_PENDING_JOINS = 1_000_000
_NO_ANSWER = Answer(None, Exposure(None, 0))
LOG_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv", ".log", ".txt")


@dataclass(frozen=True)
class LogFile:
    """One log object: where it is (for evidence and the key layout) and how to read its text."""

    location: str
    read_text: Callable[[], str]
    read_head: Callable[[], str] | None = None
    """The first few KiB only (live objects: a ranged get), for telling a traffic-log export apart."""


def local_files(paths: Iterable[str | Path]) -> tuple[list[LogFile], list[ReadError]]:
    """Log files under ``paths`` (files or directory trees, hidden folders skipped), sorted by path."""
    files: list[LogFile] = []
    errors: list[ReadError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            candidates = [path]
        elif path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in LOG_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            errors.append(ReadError(str(raw), "no such file or directory"))
            continue
        files.extend(LogFile(str(p), _reader(p)) for p in candidates)
    return files, errors


def _reader(path: Path) -> Callable[[], str]:
    return lambda: path.read_text(encoding="utf-8-sig")


def load_traffic_logs(files: Iterable[LogFile]) -> tuple[dict[str, Any], list[ReadError]]:
    """``XRequestId`` → identity value from every traffic-log export among ``files``."""
    identities: dict[str, Any] = {}
    errors: list[ReadError] = []
    for log in files:
        try:
            rows = azureml.traffic_rows_from_text(log.read_text(), log.location)
        except (OSError, ValueError) as exc:
            errors.append(ReadError(log.location, f"unreadable traffic log ({exc})"))
            continue
        for row in rows:
            request = row.get("XRequestId")
            if request:
                identities[str(request)] = azureml.identity_of(row)
    return identities, errors


def is_traffic_log(log: LogFile) -> bool:
    """An ``AmlOnlineEndpointTrafficLog`` export (checked on the file's first bytes)."""
    try:
        head = (log.read_head or log.read_text)()[:4096]
    except Exception:  # noqa: BLE001 - an unreadable object is reported when the reader opens it
        return False
    return azureml.head_is_traffic_log(head)


class QueryReader:
    """Turns log files into queries; one instance per scan (it holds the Azure join state)."""

    def __init__(self, identity: ClientIdentity, traffic: dict[str, Any] | None = None) -> None:
        self.identity = identity
        self.traffic = traffic or {}
        self._inputs: dict[str, tuple[dict[str, Any], str]] = {}
        self._outputs: dict[str, tuple[dict[str, Any], str]] = {}

    def read(self, files: Iterable[LogFile]) -> Iterator[Query | ReadError]:
        """Queries and errors in file order, then the Azure records that never found their other half."""
        self._inputs.clear()
        self._outputs.clear()
        for log in files:
            yield from self._read_file(log)
        for record, location in self._inputs.values():
            yield from self._azure_queries(record, None, location)
        for _, location in self._outputs.values():
            yield ReadError(location, "model output with no matching input (correlationid)")

    def _read_file(self, log: LogFile) -> Iterator[Query | ReadError]:
        try:
            text = log.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            yield ReadError(log.location, f"unreadable ({exc})")
            return
        if azureml.head_is_traffic_log(text[:4096]):
            return
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            location = f"{log.location}:{number}"
            if len(line) > MAX_LINE:
                yield ReadError(location, f"line longer than {MAX_LINE} bytes")
                continue
            try:
                record = _parse(line)
            except ValueError as exc:
                yield ReadError(location, f"not JSON ({exc.args[0][:60]})")
                continue
            if not isinstance(record, dict):
                yield ReadError(location, "not a JSON object")
                continue
            yield from self._record(record, log.location, location)

    def _record(self, record: dict[str, Any], key: str, location: str) -> Iterator[Query | ReadError]:
        try:
            if sagemaker.matches(record):
                yield from self._sagemaker(record, key, location)
            elif vertex.matches(record):
                yield from self._vertex(record, location)
            elif azureml.matches(record):
                yield from self._azure(record, location)
            else:
                yield ReadError(location, "not a SageMaker, Azure ML or Vertex inference log record")
        except PayloadError as exc:
            yield ReadError(location, str(exc))

    def _sagemaker(self, record: dict[str, Any], key: str, location: str) -> Iterator[Query]:
        capture = record["captureData"]
        endpoint, _variant = sagemaker.endpoint_from_key(key)
        text, encoding = sagemaker.body(capture.get("endpointInput"))
        answers = self._answers(capture.get("endpointOutput"), sagemaker.body)
        yield from _queries(
            parse_request(text, encoding),
            answers,
            endpoint=endpoint or Path(key).parent.name or "unknown",
            source_format=sagemaker.FORMAT,
            client=self.identity.client(record, sagemaker.DEFAULT_CLIENT_FIELD),
            time=sagemaker.time_of(record),
            location=location,
            request_id=sagemaker.request_id(record),
        )

    def _vertex(self, record: dict[str, Any], location: str) -> Iterator[Query]:
        text = vertex.payload_text(record.get("request_payload"), "request_payload")
        response = record.get("response_payload")
        answers = [] if response is None else parse_response(vertex.payload_text(response, "x"), "JSON")
        yield from _queries(
            parse_request(text, "JSON"),
            answers,
            endpoint=vertex.endpoint_of(record) or "unknown",
            source_format=vertex.FORMAT,
            client=self.identity.client(record, vertex.DEFAULT_CLIENT_FIELD),
            time=_text(record.get("logging_time")),
            location=location,
            request_id=_text(record.get("request_id")),
        )

    def _azure(self, record: dict[str, Any], location: str) -> Iterator[Query | ReadError]:
        side = azureml.direction(record)
        key = str(record.get("correlationid") or record.get("xrequestid") or "")
        if side is None:
            yield ReadError(
                location, f"Azure collector record of type {record.get('type')!r} is not a payload"
            )
            return
        if not key:
            if side == "input":
                yield from self._azure_queries(record, None, location)
            else:
                yield ReadError(location, "model output without correlationid")
            return
        mine, theirs = (self._inputs, self._outputs) if side == "input" else (self._outputs, self._inputs)
        other = theirs.pop(key, None)
        if other is None:
            if len(mine) >= MAX_PENDING_JOINS:
                yield ReadError(location, f"more than {MAX_PENDING_JOINS} unjoined records; not joined")
                return
            mine[key] = (record, location)
            return
        if side == "input":
            yield from self._azure_queries(record, other[0], location)
        else:
            yield from self._azure_queries(other[0], record, other[1])

    def _azure_queries(
        self, inputs: dict[str, Any], outputs: dict[str, Any] | None, location: str
    ) -> Iterator[Query | ReadError]:
        try:
            answers = [] if outputs is None else parse_response(azureml.data_text(outputs), "JSON")
            data = inputs.get("data")
            instances = parse_request(data, "JSON") if isinstance(data, str) else parse_request_value(data)
        except PayloadError as exc:
            yield ReadError(location, str(exc))
            return
        if self.identity.field:
            client = self.identity.client(inputs, None)
        else:
            request = inputs.get("xrequestid") or (outputs or {}).get("xrequestid")
            client = self.identity.name(self.traffic.get(str(request))) if request else None
        yield from _queries(
            instances,
            answers,
            endpoint=azureml.endpoint_of(inputs, location) or "unknown",
            source_format=azureml.FORMAT,
            client=client,
            time=_text(inputs.get("time")),
            location=location,
            request_id=_text(inputs.get("xrequestid") or inputs.get("correlationid")),
        )

    @staticmethod
    def _answers(channel: Any, body: Callable[[Any], tuple[str, str]]) -> list[Answer]:
        if channel is None:
            return []
        text, encoding = body(channel)
        return parse_response(text, encoding)


def _queries(instances: list[tuple[float, ...]], answers: list[Answer], **common: Any) -> Iterator[Query]:
    for index, features in enumerate(instances):
        answer = answers[index] if index < len(answers) else _NO_ANSWER
        yield Query(features=features, label=answer.label, exposure=answer.exposure, **common)


def _parse(line: str) -> Any:
    """orjson for speed; the standard parser for what orjson refuses but JSON readers accept (NaN)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
