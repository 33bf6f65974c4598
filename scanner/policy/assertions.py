"""Evaluate a policy assertion tree over one resource with three-valued logic.

``True`` passes, ``False`` fails, ``None`` is unknown. An unknown fact makes its
leaf unknown; ``all`` fails if any child fails, else is unknown if any child is;
``any`` passes if any child passes, else is unknown if any child is; ``not``
keeps unknown unknown. So a policy can never pass on a fact nobody could read.

Keys: ``facts.<dotted fact>`` (None = unknown), ``raw.<path>``, ``tags.<key>``,
``item[.<path>]`` inside ``each`` / ``any_item``, and ``provider`` / ``kind`` /
``type`` / ``name``. A missing raw field or tag is a known absence, not unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.policy.patterns import search
from scanner.tristate import all_of, any_of, negate

_MISSING = object()


@dataclass(frozen=True)
class Subject:
    """What an assertion can read: one resource's facts, raw JSON, tags and identity."""

    facts: Mapping[str, Any]
    raw: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, Any] = field(default_factory=dict)
    provider: str = ""
    kind: str = ""
    type: str = ""
    name: str = ""


@dataclass(frozen=True)
class Outcome:
    """The tri-state result of an assertion, why, and what was read."""

    value: bool | None
    reason: str
    evidence: Mapping[str, Any]


def evaluate(
    node: Mapping[str, Any], subject: Subject, parameters: Mapping[str, Any], item: Any = _MISSING
) -> Outcome:
    """Evaluate one assertion node (``all`` / ``any`` / ``not`` / leaf)."""
    if "all" in node:
        return _conjunction([evaluate(child, subject, parameters, item) for child in node["all"]])
    if "any" in node:
        return _disjunction([evaluate(child, subject, parameters, item) for child in node["any"]])
    if "not" in node:
        inner = evaluate(node["not"], subject, parameters, item)
        value = negate(inner.value)
        reason = inner.reason if inner.value is None else f"not expected: {inner.reason}"
        return Outcome(value, reason, inner.evidence)
    return _leaf(node, subject, parameters, item)


def _conjunction(outcomes: list[Outcome]) -> Outcome:
    """``all``: the failed children explain a failure, the unknown ones an unknown, all of them a pass."""
    value = all_of(o.value for o in outcomes)
    chosen = outcomes if value is True else [o for o in outcomes if o.value is value]
    return Outcome(value, "; ".join(o.reason for o in chosen), _merge(outcomes))


def _disjunction(outcomes: list[Outcome]) -> Outcome:
    """``any``: the first passing child explains a pass, the unknown ones an unknown, all of them a failure."""
    value = any_of(o.value for o in outcomes)
    if value is True:
        reason = next(o.reason for o in outcomes if o.value is True)
    elif value is None:
        reason = "; ".join(o.reason for o in outcomes if o.value is None)
    else:
        reason = " and ".join(o.reason for o in outcomes)
    return Outcome(value, reason, _merge(outcomes))


def _merge(outcomes: list[Outcome]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for outcome in outcomes:
        merged.update(outcome.evidence)
    return merged


def _leaf(node: Mapping[str, Any], subject: Subject, parameters: Mapping[str, Any], item: Any) -> Outcome:
    key, op = node["key"], node["op"]
    actual, is_fact = _lookup(key, subject, item)
    shown = None if actual is _MISSING else actual
    evidence = {key: shown} if not key.startswith("item") else {}
    if is_fact and (actual is _MISSING or actual is None):
        return Outcome(None, f"{key} is unknown", evidence)
    if op in ("each", "any_item"):
        return _over_items(node, key, actual, subject, parameters, evidence)
    expected = _param(node.get("value"), parameters)
    value = _compare(op, None if actual is _MISSING else actual, expected, present=actual is not _MISSING)
    if value is None:
        return Outcome(None, f"{key} = {_show(shown)} cannot be compared ({op} {_show(expected)})", evidence)
    if value:
        return Outcome(True, f"{key} = {_show(shown)}", evidence)
    wanted = "" if op in ("present", "absent") else f" {_show(expected)}"
    return Outcome(False, f"{key} is {_show(shown)}, expected {op.replace('_', ' ')}{wanted}", evidence)


def _over_items(
    node: Mapping[str, Any],
    key: str,
    actual: Any,
    subject: Subject,
    parameters: Mapping[str, Any],
    evidence: dict[str, Any],
) -> Outcome:
    if actual is _MISSING or actual is None:
        actual = []
    if isinstance(actual, Mapping):
        actual = list(actual.values())
    if not isinstance(actual, (list, tuple)):
        return Outcome(False, f"{key} is not a list", evidence)
    outcomes = [evaluate(node["assert"], subject, parameters, entry) for entry in actual]
    combined = _conjunction(outcomes) if node["op"] == "each" else _disjunction(outcomes)
    if not outcomes:
        vacuous = node["op"] == "each"
        return Outcome(vacuous, f"{key} is empty", evidence)
    return Outcome(combined.value, f"{key}: {combined.reason}", {**evidence, **combined.evidence})


def _lookup(key: str, subject: Subject, item: Any) -> tuple[Any, bool]:
    """The value at ``key`` and whether it is a fact (facts are tri-state; the rest are known)."""
    head, _, rest = key.partition(".")
    if head == "facts":
        return subject.facts.get(rest, _MISSING), True
    if head == "raw":
        return _path(subject.raw, rest), False
    if head == "tags":
        return subject.tags.get(rest, _MISSING), False
    if head == "item":
        return (item if not rest else _path(item, rest)), False
    return getattr(subject, head, _MISSING), False


def _path(value: Any, path: str) -> Any:
    for step in path.split(".") if path else []:
        if isinstance(value, Mapping) and step in value:
            value = value[step]
        elif isinstance(value, (list, tuple)) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return _MISSING
    return value


def _param(value: Any, parameters: Mapping[str, Any]) -> Any:
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return parameters.get(value["param"])
    return value


def _compare(op: str, actual: Any, expected: Any, *, present: bool) -> bool | None:
    if op == "present":
        return present and actual is not None and actual != [] and actual != {}
    if op == "absent":
        return not present or actual is None or actual == [] or actual == {}
    if op == "equals":
        return actual == expected
    if op == "not_equals":
        return actual != expected
    if op == "in":
        return actual in (expected or [])
    if op == "not_in":
        return actual not in (expected or [])
    if op in ("contains", "not_contains"):
        found = _contains(actual, expected)
        return found if op == "contains" else not found
    if op == "matches":
        return False if actual is None else search(str(expected), str(actual))
    return _ordered(op, actual, expected)


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return str(expected) in actual
    if isinstance(actual, (list, tuple, set, Mapping)):
        return expected in actual
    return False


def _ordered(op: str, actual: Any, expected: Any) -> bool | None:
    if actual is None:
        return False
    try:
        left, right = float(actual), float(expected)
    except (TypeError, ValueError):
        return None
    return {"lt": left < right, "lte": left <= right, "gt": left > right, "gte": left >= right}[op]


def _show(value: Any) -> str:
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
