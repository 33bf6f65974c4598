"""Payloads as the clouds log them → numeric feature vectors, predicted labels and exposure.

A request may carry one instance or many (``{"instances": [...]}``, ``{"input_data": {"data": ...}}``,
CSV lines, a list of named-feature objects); each instance is one query. A response may carry a label,
the top-k classes with scores, or a full probability vector per instance, and the number of decimals
the scores were written with is part of what it reveals.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from math import isfinite
from typing import Any

import orjson

from scanner.queries.records import Exposure

_REQUEST_KEYS = ("instances", "inputs", "input_data", "data", "features", "rows")
_RESPONSE_KEYS = ("predictions", "outputs", "output", "results", "result", "data")
_SCORE_KEYS = ("probabilities", "probability", "scores", "score", "confidences", "confidence")
_LABEL_KEYS = ("predicted_label", "label", "labels", "class", "classes", "displayNames", "prediction")
MAX_FEATURES = 100_000
_JSON_FLOATS = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.(\d+))?(?:[eE]([-+]?\d+))?')
"""In JSON text: strings and integers are matched whole with both groups empty; a float token's
groups are its fraction digits and its exponent (decimal places = len(fraction) − exponent)."""
"""A hostile payload cannot make one query hold more numbers than this."""


class PayloadError(ValueError):
    """A payload that holds no numeric input (or no readable response)."""


@dataclass(frozen=True)
class Answer:
    """What the model answered for one instance."""

    label: str | None
    exposure: Exposure


def parse_request(text: str, encoding: str) -> list[tuple[float, ...]]:
    """The instances of a request body; ``encoding`` is ``JSON`` or ``CSV``."""
    if encoding == "CSV":
        rows = [_numbers_from_csv_row(row) for row in _csv_rows(text)]
        instances = [row for row in rows if row]
    else:
        instances = _instances(_loads(text))
    if not instances:
        raise PayloadError("no numeric input in the request")
    return instances


def parse_request_value(value: Any) -> list[tuple[float, ...]]:
    """The instances of a request already parsed from JSON (an Azure collector's ``data`` object):
    what :func:`parse_request` gives for its JSON text, without writing and parsing it again."""
    instances = _instances(value)
    if not instances:
        raise PayloadError("no numeric input in the request")
    return instances


def _csv_rows(text: str) -> list[list[str]]:
    """The non-empty rows of CSV text. Text without quotes, carriage returns or NUL is split on
    newlines and commas, which is what the csv module reads from it (and ~5x faster)."""
    if '"' in text or "\r" in text or "\x00" in text:
        return [row for row in csv.reader(io.StringIO(text)) if row]
    return [line.split(",") for line in text.split("\n") if line]


def parse_response(text: str, encoding: str) -> list[Answer]:
    """One :class:`Answer` per instance of a response body."""
    if encoding == "CSV":
        answers = []
        for row in csv.reader(io.StringIO(text)):
            if row:
                answers.append(_answer_from_value(_csv_value(row), _decimals_of(",".join(row))))
        return answers
    value = _loads(text)
    decimals = max(
        (
            len(fraction) - int(exponent or 0)
            for fraction, exponent in _JSON_FLOATS.findall(text)
            if fraction or exponent
        ),
        default=0,
    )
    return [_answer_from_value(item, decimals) for item in _response_items(value)]


def _loads(text: str, on_float: Callable[[int], None] | None = None) -> Any:
    if on_float is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # NaN / Infinity and other lenient JSON: the standard parser below decides

    def parse_float(token: str) -> float:
        if on_float is not None:
            on_float(_decimals_of(token))
        return float(token)

    try:
        return json.loads(text, parse_float=parse_float)
    except ValueError as exc:
        raise PayloadError(f"not JSON ({exc.args[0][:60]})") from exc


def _decimals_of(token: str) -> int:
    """Decimal places a number was written with: '0.125' → 3, '1.5e-05' → 6, '7' → 0."""
    best = 0
    for part in token.split(","):
        part = part.strip().lower()
        mantissa, _, exponent = part.partition("e")
        places = len(mantissa.partition(".")[2]) if "." in mantissa else 0
        try:
            places -= int(exponent) if exponent else 0
        except ValueError:
            continue
        best = max(best, places)
    return best


def _instances(value: Any) -> list[tuple[float, ...]]:
    if isinstance(value, dict):
        for key in _REQUEST_KEYS:
            if key in value:
                inner = value[key]
                if isinstance(inner, dict) and "data" in inner:  # {"input_data": {"columns":..,"data":..}}
                    inner = inner["data"]
                return _instances(inner)
        vector = _flatten(value)
        return [vector] if vector else []
    if isinstance(value, list):
        if value and all(isinstance(item, (list, dict)) for item in value):
            return [vector for vector in (_flatten(item) for item in value) if vector]
        vector = _flatten(value)
        return [vector] if vector else []
    if isinstance(value, str):
        nested = value.strip()
        if nested[:1] in "[{":
            return _instances(_loads(nested))
        row = _numbers_from_csv_row(nested.split(","))
        return [row] if row else []
    vector = _flatten(value)
    return [vector] if vector else []


def _flatten(value: Any) -> tuple[float, ...]:
    """The numbers of one instance in document order (bools as 0/1, non-finite as 0).

    A list (or a dict's values) made only of numbers is converted by ``array('d', ...)`` in one C
    loop, which accepts exactly int, float and bool among JSON values and converts them as
    ``float()`` does; anything else (strings, nesting) falls back to the walk.
    """
    out: array[float] | list[float]
    if isinstance(value, list) and len(value) <= MAX_FEATURES:
        try:
            out = array("d", value)
        except TypeError:
            out = _walk(value)
    else:
        out = _walk(value)
    if isfinite(sum(out)):
        return tuple(out)
    return tuple(x if isfinite(x) else 0.0 for x in out)


def _walk(value: Any) -> list[float]:
    out: list[float] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, dict)):
            items = item if isinstance(item, list) else item.values()
            try:
                out.extend(array("d", items))
            except TypeError:
                stack.extend(reversed(list(items)))
        elif isinstance(item, (bool, int, float)):
            out.append(float(item))
        if len(out) > MAX_FEATURES:
            raise PayloadError(f"more than {MAX_FEATURES} numbers in one instance")
    return out


def _numbers_from_csv_row(row: list[str]) -> tuple[float, ...]:
    out = []
    for cell in row:
        try:
            number = float(cell)
        except ValueError:
            continue
        out.append(number if math.isfinite(number) else 0.0)
    return tuple(out)


def _csv_value(row: list[str]) -> Any:
    numbers = _numbers_from_csv_row(row)
    if len(numbers) == len(row) and len(numbers) > 1:
        return list(numbers)
    if len(row) == 1:
        try:
            return int(row[0])
        except ValueError:
            return float(row[0]) if numbers else row[0]
    return list(numbers) if numbers else row[0]


def _response_items(value: Any) -> list[Any]:
    if isinstance(value, dict):
        for key in _RESPONSE_KEYS:
            if key in value and isinstance(value[key], list):
                return value[key]
        return [value]
    if isinstance(value, list):
        if value and all(isinstance(item, (int, float)) for item in value) and not _looks_like_scores(value):
            return value  # a list of labels, one per instance
        if value and all(isinstance(item, (list, dict, str)) for item in value):
            return value
        return [value]
    return [value]


def _looks_like_scores(values: list[Any]) -> bool:
    floats = [v for v in values if isinstance(v, float)]
    return len(floats) == len(values) and len(values) > 1 and abs(sum(values) - 1.0) < 0.02


def _answer_from_value(item: Any, decimals: int) -> Answer:
    if isinstance(item, dict):
        scores = next((item[k] for k in _SCORE_KEYS if k in item), None)
        labels = next((item[k] for k in _LABEL_KEYS if k in item), None)
        if isinstance(scores, list) and scores:
            is_top_k = isinstance(labels, list) and len(labels) == len(scores) and "probabilities" not in item
            label = (
                labels[_argmax(scores)] if is_top_k else (labels if labels is not None else _argmax(scores))
            )
            level = "top_k" if is_top_k else "probabilities"
            return Answer(_text(label), Exposure(level, decimals))
        if isinstance(scores, (int, float)):
            return Answer(_text(labels), Exposure("probabilities", decimals))
        return Answer(_text(labels), Exposure("label", 0))
    if isinstance(item, list):
        if item and all(isinstance(v, list) and len(v) == 2 for v in item):  # [[label, score], ...]
            best = max(item, key=lambda pair: _number(pair[1]))
            return Answer(_text(best[0]), Exposure("top_k", decimals))
        numbers = [v for v in item if isinstance(v, (int, float))]
        if numbers and len(numbers) == len(item):
            if len(numbers) == 1:
                return _answer_from_value(numbers[0], decimals)
            return Answer(str(_argmax(numbers)), Exposure("probabilities", decimals))
        return Answer(_text(item[0]) if item else None, Exposure("label", 0))
    if isinstance(item, float) and not float(item).is_integer() and 0.0 <= item <= 1.0:
        return Answer("1" if item >= 0.5 else "0", Exposure("probabilities", decimals))
    return Answer(_text(item), Exposure("label", 0))


def _argmax(values: list[Any]) -> int:
    """The first index of the largest value read as a number (unreadable values and NaN never win)."""
    try:
        numbers = array("d", values)  # numbers only: converted as float() does
    except TypeError:
        numbers = None
    if numbers is not None and not math.isnan(sum(numbers)):
        return max(range(len(numbers)), key=numbers.__getitem__) if numbers else 0
    best, best_value = 0, -math.inf
    for i, v in enumerate(values):
        if _number(v) > best_value:
            best, best_value = i, _number(v)
    return best


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return -math.inf


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
