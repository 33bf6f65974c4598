"""boto3 sessions of the live scan: an answer botocore cannot read is one clean error, never a crash.

botocore's response parsers raise ``ResponseParserError`` for a body that is not XML or JSON, but
a body that parses and has the wrong shape (an HTML page that is well-formed XML, a JSON answer
whose fields have the wrong type) ends in a ``KeyError`` or ``TypeError`` from inside the parser
— ``KeyError: 'GetCallerIdentityResult'`` reads like a bug in mlscan, and ``ResponseParserError``
is not a ``BotoCoreError``, so handlers written for botocore's errors let it through. Every session
made here parses with a factory whose parsers turn any failure into one ``ResponseParserError``
naming the HTTP status, content type and expected shape (never the body, which may hold secrets).

The sessions also share one botocore data loader, so the service models (the SageMaker one is
megabytes of JSON) are read once per process, not once per assumed-role account.
"""

from __future__ import annotations

import functools
from typing import Any


def new_session(profile: str | None = None, **credentials: Any) -> Any:
    """A ``boto3.Session`` (``profile_name`` / ``aws_access_key_id`` / ... as boto3 takes them)."""
    import boto3
    import botocore.session

    core = botocore.session.Session()
    core.register_component("data_loader", _loader())
    core.register_component("response_parser_factory", _parser_factory())
    if profile:
        credentials["profile_name"] = profile
    return boto3.Session(botocore_session=core, **credentials)


@functools.cache
def _loader() -> Any:
    """One botocore loader (with its model cache) for every session of the process."""
    from botocore.loaders import create_loader

    return create_loader()


@functools.cache
def _parser_factory() -> Any:
    from botocore.parsers import ResponseParserError, ResponseParserFactory

    class CheckedParser:
        """A botocore parser whose every failure is a ``ResponseParserError`` with a one-line reason."""

        def __init__(self, parser: Any) -> None:
            self._parser = parser

        def parse(self, response: dict[str, Any], shape: Any) -> Any:
            try:
                return self._parser.parse(response, shape)
            except Exception as exc:  # noqa: BLE001 - any parser failure means the answer is unreadable
                raise ResponseParserError(unreadable(response, shape, exc)) from exc

        def __getattr__(self, name: str) -> Any:
            return getattr(self._parser, name)

    class CheckedParsers(ResponseParserFactory):
        def create_parser(self, protocol_name: str) -> Any:
            return CheckedParser(super().create_parser(protocol_name))

    return CheckedParsers()


def unreadable(response: dict[str, Any], shape: Any, exc: BaseException) -> str:
    """``unreadable answer: HTTP 200 text/html (52 bytes) is not a GetCallerIdentityResponse (...)``."""
    headers = response.get("headers") or {}
    kind = headers.get("content-type") or headers.get("Content-Type") or "no content type"
    body = response.get("body")
    size = f"{len(body)} bytes" if isinstance(body, (bytes, str)) else "streamed"
    expected = getattr(shape, "name", None) or "answer"
    detail = str(exc).split(", invalid")[0].split("Further retries")[0].split(": b'")[0].strip(" .,")
    detail = f"{type(exc).__name__} {detail}" if not detail.startswith("Unable") else detail
    text = f"unreadable answer: HTTP {response.get('status_code')} {kind} ({size}) is not a {expected} ({detail})"
    return " ".join(text.split())[:300]
