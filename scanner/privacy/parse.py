"""Reading DP parameters out of every place a training job's configuration can hold them.

SageMaker passes hyperparameters as a string map (the SageMaker Python SDK
JSON-encodes each value, so ``1.1`` arrives as ``"\\"1.1\\""``), and again as
``SM_HP_*`` / ``SM_HPS`` environment variables; Vertex puts them in worker-pool
``args``; Azure ML writes them into a ``command`` string with ``${{inputs.x}}``
placeholders. This module turns all of them into :class:`Observation` records
so the classifier never needs to know where a value came from, while the
evidence still says exactly where it was read.

Only recognized DP names are kept: other environment variables (which may be
secrets) are never read into an observation.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.privacy.names import (
    BOOLEAN_PARAMS,
    FALSE_WORDS,
    TRUE_WORDS,
    Name,
    Param,
    libraries_in,
    recognize,
)
from scanner.privacy.training import TrainingInputs

_PLACEHOLDER = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_.-]+)\s*\}\}")


@dataclass(frozen=True)
class Observation:
    """One DP parameter as read from one place."""

    param: Param
    generic: bool
    """Read under a generic name (``epsilon``, ``delta``, ``c``, ``n``, ``sigma``)."""
    key: str
    """The key exactly as written (``--noise-multiplier``, ``SM_HP_NOISE_MULTIPLIER``)."""
    value: str | None
    """The value as a string with JSON quoting removed; None for a bare flag."""
    origin: str
    """Where it was read: ``hyperparameters``, ``args``, ``env``, ``command``, ``inputs``, ``tags``."""

    @property
    def line(self) -> str:
        """The evidence line ``origin.key=value`` (a bare flag has no ``=value``)."""
        key = self.key.lstrip("-")
        return f"{self.origin}.{key}" if self.value is None else f"{self.origin}.{key}={self.value}"


@dataclass(frozen=True)
class Reading:
    """Everything read from one job: DP observations, DP libraries seen, and problems met."""

    observations: tuple[Observation, ...]
    libraries: tuple[str, ...]
    """DP libraries named in the image, command or arguments (weak evidence)."""
    notes: tuple[str, ...]
    """Things that could not be read, e.g. an unresolved ``${{inputs.x}}`` placeholder."""


def unquote(value: Any) -> str | None:
    """A scalar as a plain string, undoing the SageMaker SDK's JSON encoding (``"\\"1.1\\""`` → ``1.1``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    for _ in range(2):
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            try:
                decoded = json.loads(text) if text[0] == '"' else text[1:-1]
            except ValueError:
                decoded = text[1:-1]
            text = str(decoded).strip()
    return text


def _observe(key: str, value: Any, origin: str) -> Observation | None:
    name: Name | None = recognize(key)
    if name is None:
        return None
    return Observation(name.param, name.generic, key, unquote(value), origin)


def from_mapping(values: Mapping[str, Any], origin: str) -> list[Observation]:
    """Observations from a key/value map (hyperparameters, tags, job inputs)."""
    found = []
    for key, value in values.items():
        if isinstance(value, Mapping):
            # Azure ML job inputs: {"jobInputType": "literal", "value": "1.1"}
            value = value.get("value", value.get("default"))
        if isinstance(value, (Mapping, list)):
            continue
        observation = _observe(str(key), value, origin)
        if observation is not None:
            found.append(observation)
    return found


def _tokens(arguments: Iterable[str]) -> list[str]:
    tokens: list[str] = []
    for argument in arguments:
        text = str(argument)
        if any(ch.isspace() for ch in text.strip()):
            try:
                tokens.extend(shlex.split(text))
            except ValueError:
                tokens.extend(text.split())
        else:
            tokens.append(text)
    return tokens


def _is_option(token: str) -> bool:
    if not token.startswith("-") or token in ("-", "--"):
        return False
    try:
        float(token)
    except ValueError:
        return True
    return False


def from_arguments(arguments: Sequence[str], origin: str) -> list[Observation]:
    """Observations from command-line arguments: ``--k=v``, ``--k v`` and bare ``--flag``."""
    tokens = _tokens(arguments)
    found = []
    for index, token in enumerate(tokens):
        if not _is_option(token):
            continue
        if "=" in token:
            key, value = token.split("=", 1)
        else:
            key = token
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            value = following if following is not None and not _is_option(following) else None
            name = recognize(key)
            is_switch = name is not None and name.param in BOOLEAN_PARAMS
            if is_switch and value is not None and value.strip().lower() not in TRUE_WORDS | FALSE_WORDS:
                value = None  # "--dp train.py": a bare flag followed by a positional argument
        observation = _observe(key, value, origin)
        if observation is not None:
            found.append(observation)
    return found


def from_environment(environment: Mapping[str, str]) -> list[Observation]:
    """Observations from environment variables: DP names, ``SM_HP_*``, ``SM_HPS`` and ``SM_USER_ARGS``.

    Values of other variables are never looked at beyond their name.
    """
    found = from_mapping(environment, "env")
    hps = environment.get("SM_HPS")
    if hps:
        try:
            decoded = json.loads(hps)
        except ValueError:
            decoded = None
        if isinstance(decoded, Mapping):
            found.extend(from_mapping(decoded, "env.SM_HPS"))
    user_args = environment.get("SM_USER_ARGS")
    if user_args:
        try:
            decoded_args = json.loads(user_args)
        except ValueError:
            decoded_args = None
        if isinstance(decoded_args, list):
            found.extend(from_arguments([str(a) for a in decoded_args], "env.SM_USER_ARGS"))
    return found


def resolve_placeholders(command: str, inputs: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Replace Azure ML ``${{inputs.x}}`` placeholders by the job's input values.

    Returns the command and the names that could not be resolved (left in place, so their
    option reads as having no value rather than a wrong one).
    """
    unresolved: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = inputs.get(name)
        if isinstance(value, Mapping):
            value = value.get("value", value.get("default"))
        text = unquote(value) if value is not None and not isinstance(value, (Mapping, list)) else None
        if text is None:
            unresolved.append(name)
            return match.group(0)
        return shlex.quote(text)

    return _PLACEHOLDER.sub(substitute, command), unresolved


def read(inputs: TrainingInputs) -> Reading:
    """All DP observations of a job, in precedence order: arguments and command first (what actually
    runs), then hyperparameters, environment, job inputs and tags."""
    observations: list[Observation] = []
    notes: list[str] = []
    library_texts: list[str] = [inputs.image or ""]

    observations.extend(from_arguments(inputs.arguments, "args"))
    library_texts.extend(str(a) for a in inputs.arguments)
    if inputs.command:
        command, unresolved = resolve_placeholders(inputs.command, inputs.inputs)
        observations.extend(o for o in from_arguments([command], "command") if not _unresolved(o))
        notes.extend(
            f"command placeholder ${{{{inputs.{name}}}}} has no value in the job inputs"
            for name in unresolved
        )
        library_texts.append(inputs.command)
    observations.extend(from_mapping(inputs.hyperparameters, inputs.origin or "hyperparameters"))
    observations.extend(from_environment(inputs.environment))
    observations.extend(from_mapping(inputs.inputs, "inputs"))
    observations.extend(from_mapping(inputs.tags, "tags"))

    libraries: list[str] = []
    for text in library_texts:
        for library in libraries_in(text):
            if library not in libraries:
                libraries.append(library)
    return Reading(tuple(observations), tuple(libraries), tuple(notes))


def _unresolved(observation: Observation) -> bool:
    return observation.value is not None and _PLACEHOLDER.search(observation.value) is not None


def iter_values(observations: Iterable[Observation], param: Param) -> Iterator[Observation]:
    """The observations of one parameter, in precedence order."""
    return (o for o in observations if o.param is param)
