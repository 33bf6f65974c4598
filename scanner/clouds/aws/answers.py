"""Reject an AWS answer that is not one: a 200 whose body is HTML, empty, or not the protocol's JSON.

botocore parses a JSON-protocol body it cannot read as ``{"message": <body>}`` and an empty one as
``{}``, so a proxy's HTML error page or a truncated answer would reach mlscan as "no resources",
"no usage plans", "no encryption rules": a silent, wrong verdict. Every client mlscan creates runs
:func:`reject_malformed` after each call; it raises :class:`UnreadableAnswer`, a ``BotoCoreError``,
which every reader already turns into an error entry and an unknown fact.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError

_JSON_PROTOCOLS = frozenset({"json", "rest-json"})


class UnreadableAnswer(BotoCoreError):
    """An answer with status 2xx that is not a readable response of the operation."""

    fmt = "{operation}: the answer is {problem} (truncated, empty or not from the API); not read"


def reject_malformed(http_response: Any = None, model: Any = None, **_: Any) -> None:
    """``after-call`` handler: raise :class:`UnreadableAnswer` for a 2xx answer that cannot be the API's."""
    status = getattr(http_response, "status_code", None)
    if http_response is None or model is None or status is None or not 200 <= status < 300:
        return  # error statuses are botocore's (ClientError), bodies of streamed outputs are not read here
    if getattr(model, "has_streaming_output", False):
        return
    problem = _problem(http_response.content or b"", model.service_model.protocol)
    if problem is not None:
        raise UnreadableAnswer(operation=model.name, problem=problem)


def _problem(body: bytes, protocol: str) -> str | None:
    """What is wrong with a 2xx body, or None. The body is sniffed, not the Content-Type header:
    moto (and some real endpoints) label JSON answers ``text/html``."""
    if body.lstrip()[:15].lower().startswith((b"<html", b"<!doctype")):
        return "HTML"
    if protocol in _JSON_PROTOCOLS:
        if not body.strip():
            return "empty"
        import orjson

        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return "not JSON"
        if not isinstance(document, dict):
            return "not a JSON object"
    return None
