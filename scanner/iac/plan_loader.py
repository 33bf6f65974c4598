"""Load ``terraform show -json`` plan files into TfResources.

A plan says three things HCL does not: values resolved from variables, values
"known after apply" (``after_unknown``: the attribute will be set, e.g. a key
created in the same plan), and resources being deleted (in ``resource_changes``
but absent from ``planned_values``, so they are not scanned).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from scanner.iac.types import TfResource
from scanner.iac.values import Ref
from scanner.jsondoc import InputFileError, read_json
from scanner.model import ScanError, Source

KNOWN_AFTER_APPLY = "(known after apply)"


def looks_like_plan(data: Any) -> bool:
    """True for a document with the top-level keys of ``terraform show -json``."""
    return (
        isinstance(data, Mapping)
        and "format_version" in data
        and ("planned_values" in data or "resource_changes" in data)
    )


def load_plan(path: Path) -> tuple[list[TfResource], list[ScanError]]:
    """Every planned resource of a plan file, with unknown-after-apply values as :class:`Ref`.

    Never raises for bad input: unreadable bytes, wrong JSON types at any structural path
    (a string where a module object belongs, a list where ``values`` belongs) are errors
    naming the file and the JSON path, and every well-formed resource beside them still loads.
    """
    try:
        data = read_json(path)
    except InputFileError as exc:
        return [], [ScanError(where=exc.where, reason=exc.reason)]
    if not looks_like_plan(data):
        return [], [
            ScanError(where=str(path), reason="not a Terraform plan (no format_version / planned_values)")
        ]
    errors: list[ScanError] = []

    def wrong(json_path: str, expected: str, value: Any) -> None:
        errors.append(
            ScanError(where=f"{path} ({json_path})", reason=f"expected {expected}, found {_kind(value)}")
        )

    changes = _changes(data.get("resource_changes"), wrong)
    configuration = _mapping(data.get("configuration"), "configuration", wrong)
    expressions = _config_expressions(
        _mapping(configuration.get("root_module"), "configuration.root_module", wrong),
        "",
        "configuration.root_module",
        wrong,
    )
    planned_values = _mapping(data.get("planned_values"), "planned_values", wrong)
    root = _mapping(planned_values.get("root_module"), "planned_values.root_module", wrong)
    resources: list[TfResource] = []
    for module_path, json_path, planned in _planned(root, "planned_values.root_module", wrong):
        built = _build(path, module_path, json_path, planned, changes, expressions, wrong)
        if built is not None:
            resources.append(built)
    return resources, errors


Wrong = Callable[[str, str, Any], None]
"""Records one structural type error: (JSON path, expected type, value found)."""


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _mapping(value: Any, json_path: str, wrong: Wrong) -> Mapping[str, Any]:
    """``value`` when it is an object; {} for an absent (null) one; {} and an error for anything else."""
    if isinstance(value, Mapping):
        return value
    if value is not None:
        wrong(json_path, "an object", value)
    return {}


def _sequence(value: Any, json_path: str, wrong: Wrong) -> list[Any]:
    """``value`` when it is an array; [] for null; [] and an error for anything else."""
    if isinstance(value, list):
        return value
    if value is not None:
        wrong(json_path, "an array", value)
    return []


def _changes(value: Any, wrong: Wrong) -> dict[str, Mapping[str, Any]]:
    """address → change of every well-formed entry of ``resource_changes``."""
    found: dict[str, Mapping[str, Any]] = {}
    for index, entry in enumerate(_sequence(value, "resource_changes", wrong)):
        where = f"resource_changes[{index}]"
        entry = _mapping(entry, where, wrong)
        address = entry.get("address")
        if isinstance(address, str):
            found[address] = _mapping(entry.get("change"), f"{where}.change", wrong)
        elif entry:
            wrong(f"{where}.address", "a string", address)
    return found


def _planned(
    module: Mapping[str, Any], json_path: str, wrong: Wrong
) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    """(module address, JSON path, planned resource object) of a module and its children, depth first."""
    path = module.get("address", "") or ""
    if not isinstance(path, str):
        wrong(f"{json_path}.address", "a string", path)
        return
    for index, resource in enumerate(_sequence(module.get("resources"), f"{json_path}.resources", wrong)):
        where = f"{json_path}.resources[{index}]"
        if isinstance(resource, Mapping):
            yield path, where, resource
        else:
            wrong(where, "an object", resource)
    children = _sequence(module.get("child_modules"), f"{json_path}.child_modules", wrong)
    for index, child in enumerate(children):
        where = f"{json_path}.child_modules[{index}]"
        if isinstance(child, Mapping):
            yield from _planned(child, where, wrong)
        else:
            wrong(where, "an object", child)


def _build(
    path: Path,
    module_path: str,
    json_path: str,
    planned: Mapping[str, Any],
    changes: Mapping[str, Mapping[str, Any]],
    expressions: Mapping[str, Mapping[str, Any]],
    wrong: Wrong,
) -> TfResource | None:
    """One TfResource, or None (with an error) when its identity fields are not strings."""
    identity = {key: planned.get(key) for key in ("address", "type", "name")}
    mode = planned.get("mode", "managed")
    for key, value in {**identity, "mode": mode}.items():
        if not isinstance(value, str):
            wrong(f"{json_path}.{key} of {identity['address']!s}", "a string", value)
            return None
    address, rtype, name = identity["address"], identity["type"], identity["name"]
    local = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
    config = expressions.get(f"{module_path}.{local}" if module_path else local, {})
    values = _mapping(planned.get("values"), f"{json_path}.values of {address}", wrong)
    after_unknown = (changes.get(address) or {}).get("after_unknown") or {}
    attrs = _overlay(values, after_unknown, config)
    return TfResource(
        type=rtype,
        name=name,
        address=address,
        attrs=attrs,
        source=Source(kind="plan", file=str(path), address=address),
        mode=mode,
        module=module_path,
        references=tuple(sorted(_addresses(config))),
    )


def _overlay(values: Any, unknown: Any, config: Any) -> Any:
    """Merge planned values with after_unknown markers; unknown-but-set becomes Ref(reference).

    Most of a plan has no unknown marker below a given attribute; there ``values`` is returned as
    parsed (the same result as rebuilding it, without walking it: the hot path of a large plan).
    """
    if unknown is True:
        refs = config.get("references") if isinstance(config, dict) else None
        first = refs[0] if isinstance(refs, list) and refs else None
        return Ref(_strip_index(first) if isinstance(first, str) else KNOWN_AFTER_APPLY)
    unknown_type = type(unknown)
    if unknown_type is not dict and unknown_type is not list:
        return values  # no marker here (None, False, or a value no plan writes)
    if not unknown:  # {} or []: nothing unknown below, but the shape of the marker wins
        if isinstance(values, dict) or (unknown_type is list and isinstance(values, list)):
            return values
        return {} if unknown_type is dict else []
    if isinstance(values, dict) or unknown_type is dict:
        values = values if isinstance(values, dict) else {}
        unknown = unknown if unknown_type is dict else {}
        config = config if isinstance(config, dict) else {}
        keys = list(values) + [k for k in unknown if k not in values]
        return {k: _overlay(values.get(k), unknown.get(k), _config_child(config, k)) for k in keys}
    values = values if isinstance(values, list) else []
    length = max(len(values), len(unknown))
    return [
        _overlay(
            values[i] if i < len(values) else None,
            unknown[i] if i < len(unknown) else None,
            _config_child(config, i),
        )
        for i in range(length)
    ]


def _config_child(config: Any, key: Any) -> Any:
    if isinstance(key, int):
        return (
            config[key]
            if isinstance(config, list) and key < len(config)
            else (config if isinstance(config, dict) else {})
        )
    if isinstance(config, list):
        config = config[0] if config else {}
    return config.get(key, {}) if isinstance(config, dict) else {}


def _config_expressions(
    module: Mapping[str, Any], prefix: str, json_path: str, wrong: Wrong
) -> dict[str, Mapping[str, Any]]:
    """Configuration expressions by ``module.x.type.name``, following module_calls."""
    found: dict[str, Mapping[str, Any]] = {}
    for index, resource in enumerate(_sequence(module.get("resources"), f"{json_path}.resources", wrong)):
        resource = _mapping(resource, f"{json_path}.resources[{index}]", wrong)
        address = resource.get("address", "")
        if not isinstance(address, str):
            wrong(f"{json_path}.resources[{index}].address", "a string", address)
            continue
        where = f"{json_path}.resources[{index}].expressions"
        found[f"{prefix}.{address}" if prefix else address] = _mapping(
            resource.get("expressions"), where, wrong
        )
    calls = _mapping(module.get("module_calls"), f"{json_path}.module_calls", wrong)
    for call, spec in calls.items():
        child_prefix = f"{prefix}.module.{call}" if prefix else f"module.{call}"
        where = f"{json_path}.module_calls.{call}"
        child = _mapping(_mapping(spec, where, wrong).get("module"), f"{where}.module", wrong)
        found.update(_config_expressions(child, child_prefix, f"{where}.module", wrong))
    return found


def _addresses(config: Any) -> set[str]:
    """Resource addresses the configuration expressions reference (variables, locals, each, count left out)."""
    found: set[str] = set()
    stack = [config]
    while stack:  # iterative: a plan's expressions can nest deep, and this runs once per resource
        node = stack.pop()
        if isinstance(node, dict):
            references = node.get("references")
            if isinstance(references, list):
                found.update(_reference_address(ref) for ref in references if isinstance(ref, str))
            stack.extend(value for key, value in node.items() if key != "references")
        elif isinstance(node, list):
            stack.extend(node)
    return {a for a in found if not a.startswith(("var.", "local.", "each.", "count."))}


@lru_cache(maxsize=65536)
def _reference_address(reference: str) -> str:
    return Ref(_strip_index(reference)).address


@lru_cache(maxsize=65536)
def _strip_index(reference: str) -> str:
    out, depth = [], 0
    for char in reference:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)
