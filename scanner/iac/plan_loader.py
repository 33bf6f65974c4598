"""Load ``terraform show -json`` plan files into TfResources.

A plan says three things HCL does not: values resolved from variables, values
"known after apply" (``after_unknown``: the attribute will be set, e.g. a key
created in the same plan), and resources being deleted (in ``resource_changes``
but absent from ``planned_values``, so they are not scanned).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scanner.iac.types import TfResource
from scanner.iac.values import Ref
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
    """Every planned resource of a plan file, with unknown-after-apply values as :class:`Ref`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [], [ScanError(where=f"{path}:{exc.lineno}", reason=f"invalid JSON: {exc.msg}")]
    except OSError as exc:
        return [], [ScanError(where=str(path), reason=f"cannot read: {exc.strerror}")]
    if not looks_like_plan(data):
        return [], [
            ScanError(where=str(path), reason="not a Terraform plan (no format_version / planned_values)")
        ]
    changes = {
        c.get("address"): c.get("change", {})
        for c in data.get("resource_changes", []) or []
        if isinstance(c, Mapping)
    }
    expressions = _config_expressions(data.get("configuration", {}).get("root_module", {}), "")
    resources: list[TfResource] = []
    errors: list[ScanError] = []
    root = (data.get("planned_values") or {}).get("root_module") or {}
    for module_path, planned in _planned(root):
        try:
            resources.append(_build(path, module_path, planned, changes, expressions))
        except (KeyError, TypeError, AttributeError) as exc:
            address = planned.get("address", "?") if isinstance(planned, Mapping) else "?"
            errors.append(ScanError(where=f"{path} ({address})", reason=f"malformed planned resource: {exc}"))
    return resources, errors


def _planned(module: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    path = module.get("address", "") or ""
    for resource in module.get("resources", []) or []:
        yield path, resource
    for child in module.get("child_modules", []) or []:
        yield from _planned(child)


def _build(
    path: Path,
    module_path: str,
    planned: Mapping[str, Any],
    changes: Mapping[str, Mapping[str, Any]],
    expressions: Mapping[str, Mapping[str, Any]],
) -> TfResource:
    address = planned["address"]
    rtype, name = planned["type"], planned["name"]
    mode = planned.get("mode", "managed")
    local = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
    config = expressions.get(f"{module_path}.{local}" if module_path else local, {})
    values = planned.get("values") or {}
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
    """Merge planned values with after_unknown markers; unknown-but-set becomes Ref(reference)."""
    if isinstance(values, Mapping) or isinstance(unknown, Mapping):
        values = values if isinstance(values, Mapping) else {}
        unknown = unknown if isinstance(unknown, Mapping) else {}
        config = config if isinstance(config, Mapping) else {}
        keys = list(values) + [k for k in unknown if k not in values]
        return {k: _overlay(values.get(k), unknown.get(k), _config_child(config, k)) for k in keys}
    if isinstance(values, list) or isinstance(unknown, list):
        values = values if isinstance(values, list) else []
        unknown = unknown if isinstance(unknown, list) else []
        length = max(len(values), len(unknown))
        return [
            _overlay(
                values[i] if i < len(values) else None,
                unknown[i] if i < len(unknown) else None,
                _config_child(config, i),
            )
            for i in range(length)
        ]
    if unknown is True:
        refs = config.get("references", []) if isinstance(config, Mapping) else []
        return Ref(_strip_index(refs[0]) if refs else KNOWN_AFTER_APPLY)
    return values


def _config_child(config: Any, key: Any) -> Any:
    if isinstance(key, int):
        return (
            config[key]
            if isinstance(config, list) and key < len(config)
            else (config if isinstance(config, Mapping) else {})
        )
    if isinstance(config, list):
        config = config[0] if config else {}
    return config.get(key, {}) if isinstance(config, Mapping) else {}


def _config_expressions(module: Mapping[str, Any], prefix: str) -> dict[str, Mapping[str, Any]]:
    """Configuration expressions by ``module.x.type.name``, following module_calls."""
    found: dict[str, Mapping[str, Any]] = {}
    for resource in module.get("resources", []) or []:
        address = resource.get("address", "")
        found[f"{prefix}.{address}" if prefix else address] = resource.get("expressions", {}) or {}
    for call, spec in (module.get("module_calls") or {}).items():
        child_prefix = f"{prefix}.module.{call}" if prefix else f"module.{call}"
        found.update(_config_expressions(spec.get("module", {}) or {}, child_prefix))
    return found


def _addresses(config: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(config, Mapping):
        for ref in config.get("references", []) or []:
            found.add(Ref(_strip_index(ref)).address)
        for key, value in config.items():
            if key != "references":
                found |= _addresses(value)
    elif isinstance(config, list):
        for item in config:
            found |= _addresses(item)
    return {a for a in found if not a.startswith(("var.", "local.", "each.", "count."))}


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
