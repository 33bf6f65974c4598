"""The Training steps of a SageMaker pipeline definition, as the CreateTrainingJob requests they are.

Shared by the live face (DescribePipeline's ``PipelineDefinition`` JSON) and the Terraform face
(``pipeline_definition``, JSON text or ``jsonencode``). ``{"Get": "Parameters.X"}`` resolves to the pipeline
parameter's ``DefaultValue``; any other expression (step properties, ``Std:Join``) is unknown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scanner.iac.values import Unknown


def definition(value: Any) -> Mapping[str, Any] | None:
    """A pipeline definition as a mapping (JSON text or a decoded mapping); None when it cannot be read."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, Mapping) else None


def _resolve(value: Any, parameters: Mapping[str, Any]) -> Any:
    """Pipeline parameter references replaced by their defaults; other expressions become Unknown."""
    if isinstance(value, Mapping):
        if set(value) == {"Get"} and isinstance(value["Get"], str):
            name = value["Get"].removeprefix("Parameters.")
            if value["Get"].startswith("Parameters.") and name in parameters:
                return parameters[name]
            return Unknown(value["Get"])
        if len(value) == 1 and str(next(iter(value))).startswith("Std:"):
            return Unknown(next(iter(value)))
        return {k: _resolve(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, parameters) for v in value]
    return value


def training_steps(value: Any) -> list[tuple[str, Mapping[str, Any]]] | None:
    """(step name, resolved CreateTrainingJob arguments) of every Training step; None when unreadable."""
    parsed = definition(value)
    if parsed is None:
        return None
    parameters = {
        p["Name"]: p.get("DefaultValue")
        for p in parsed.get("Parameters") or []
        if isinstance(p, Mapping) and isinstance(p.get("Name"), str) and "DefaultValue" in p
    }
    steps: list[tuple[str, Mapping[str, Any]]] = []
    for step in parsed.get("Steps") or []:
        if not isinstance(step, Mapping) or step.get("Type") != "Training":
            continue
        job = _resolve(step.get("Arguments") or {}, parameters)
        steps.append((str(step.get("Name") or len(steps)), job if isinstance(job, Mapping) else {}))
    return steps
