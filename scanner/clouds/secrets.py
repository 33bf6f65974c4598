"""Hard-coded secrets in a training job's configuration, by the one redactor's definition of a secret.

Environment variables, hyperparameters, container / worker-pool arguments and Azure ML command strings are
visible to everyone who can describe the job, land in logs and are copied into every clone of it. A value
counts as hard-coded when its name says it is secret (:func:`scanner.redact.is_secret_key`) and it is a
literal — not empty, not a ``$VAR`` / ``${{...}}`` reference — or when a known token shape appears anywhere
(:func:`scanner.redact.secret_names`). Only names are reported, never values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.privacy.parse import unquote
from scanner.privacy.training import TrainingInputs
from scanner.redact import is_secret_key, secret_names


def _literal(value: Any) -> bool:
    text = unquote(value) if value is not None else None
    return bool(text) and not text.startswith(
        ("$", "{{", "arn:aws:secretsmanager", "arn:aws:ssm", "projects/")
    )


def _named(values: Mapping[str, Any], origin: str) -> list[str]:
    found = []
    for key, value in values.items():
        if isinstance(value, Mapping):
            value = value.get("value", value.get("default"))
        if isinstance(value, (Mapping, list)):
            continue
        if is_secret_key(str(key)) and _literal(value):
            found.append(f"{origin}.{key}")
        elif isinstance(value, str):
            found.extend(f"{origin}.{key}:{name}" for name in secret_names(value) if not is_secret_key(name))
    return found


def _arguments(arguments: Iterable[str], origin: str) -> list[str]:
    tokens = [str(a) for a in arguments]
    found = []
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            flag, _, inline = token.partition("=")
            value = inline or (
                tokens[index + 1] if index + 1 < len(tokens) and not tokens[index + 1].startswith("-") else ""
            )
            if is_secret_key(flag.lstrip("-")) and _literal(value):
                found.append(f"{origin}.{flag.lstrip('-')}")
    found += [f"{origin}:{name}" for name in secret_names(" ".join(tokens))]
    return found


def secret_facts(inputs: TrainingInputs) -> dict[str, Any]:
    """``training.hardcoded_secrets`` and ``training.secret_names`` of one job (None when unreadable)."""
    if not inputs.readable:
        return {"training.hardcoded_secrets": None, "training.secret_names": None}
    found = [
        *_named(inputs.environment, "env"),
        *_named(inputs.hyperparameters, inputs.origin or "hyperparameters"),
        *_named(inputs.inputs, "inputs"),
        *_arguments(inputs.arguments, "args"),
        *([f"command:{name}" for name in secret_names(inputs.command)] if inputs.command else []),
    ]
    names = list(dict.fromkeys(found))
    return {"training.hardcoded_secrets": bool(names), "training.secret_names": names}
