"""Resolve HCL expressions as far as can be done honestly without running Terraform.

python-hcl2 gives expressions as ``${...}`` strings. We resolve variable defaults
(and tfvars), locals, ``jsonencode`` of literal structures, and string templates
whose parts resolve; a reference to another resource becomes a :class:`Ref`
(set, known after apply); anything else becomes :class:`Unknown`. Guessing is
never allowed: an unresolvable value must stay unknown so no policy passes on it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.iac.values import Ref, Unknown

_HEREDOC = re.compile(r"^<<(-?)([A-Za-z_][\w-]*)\r?\n(.*?)\r?\n?[ \t]*\2[ \t]*$", re.S)
"""A heredoc as python-hcl2 preserves it; ``<<-`` strips the common indentation, as Terraform does."""
_WHOLE = re.compile(r"^\$\{(.*)\}$", re.S)
_TEMPLATE_PART = re.compile(r"\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_TRAVERSAL = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\[\]]*\])*$")
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[([^\[\]]*)\]")
_RESOURCE_REF = re.compile(
    r"(?<![\w.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*|module\.[A-Za-z_][\w-]*)"
)
_NOT_RESOURCES = ("var.", "local.", "each.", "count.", "path.", "terraform.", "self.")

META_KEYS = frozenset(
    {"__is_block__", "__comments__", "__inline_comments__", "__start_line__", "__end_line__"}
)


@dataclass
class Scope:
    """The names visible in one Terraform module: variables (defaults and tfvars) and locals."""

    variables: dict[str, Any] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    _resolving: set[str] = field(default_factory=set)
    _resolved_locals: dict[str, Any] = field(default_factory=dict)

    def local(self, name: str) -> Any:
        """A local's resolved value (cycles and missing names are Unknown)."""
        if name in self._resolved_locals:
            return self._resolved_locals[name]
        if name not in self.locals or name in self._resolving:
            return Unknown(f"local.{name}")
        self._resolving.add(name)
        try:
            value = resolve(self.locals[name], self)
        finally:
            self._resolving.discard(name)
        self._resolved_locals[name] = value
        return value


def resolve(value: Any, scope: Scope) -> Any:
    """Resolve every expression inside ``value`` (dicts and lists recursively)."""
    if isinstance(value, str):
        return _resolve_string(value, scope)
    if isinstance(value, Mapping):
        return {k: resolve(v, scope) for k, v in value.items() if k not in META_KEYS}
    if isinstance(value, list):
        return [resolve(v, scope) for v in value]
    return value


def references_in(value: Any) -> set[str]:
    """Addresses (``type.name``, ``data.type.name``, ``module.name``) referenced anywhere in a raw value."""
    found: set[str] = set()
    if isinstance(value, str):
        if "${" in value:
            for match in _RESOURCE_REF.finditer(value):
                candidate = match.group(1)
                if not candidate.startswith(_NOT_RESOURCES):
                    found.add(candidate)
    elif isinstance(value, Mapping):
        for item in value.values():
            found |= references_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= references_in(item)
    return found


def _resolve_string(text: str, scope: Scope) -> Any:
    heredoc = _HEREDOC.match(text)
    if heredoc:
        body = heredoc.group(3)
        text = textwrap.dedent(body) if heredoc.group(1) else body
    if "${" not in text:
        return text
    whole = _WHOLE.match(text)
    if whole and _balanced(whole.group(1)):
        return _resolve_expression(whole.group(1).strip(), scope)
    return _resolve_template(text, scope)


def _resolve_template(text: str, scope: Scope) -> Any:
    """``"${var.name}-config"``: a string when every part resolves to a scalar, else Unknown."""
    parts: list[str] = []
    position = 0
    for match in _TEMPLATE_PART.finditer(text):
        parts.append(text[position : match.start()])
        value = _resolve_expression(match.group(1).strip(), scope)
        if isinstance(value, bool):
            value = str(value).lower()
        if not isinstance(value, (str, int, float)):
            return Unknown(text)
        parts.append(str(value))
        position = match.end()
    parts.append(text[position:])
    joined = "".join(parts)
    return Unknown(text) if "${" in joined else joined


def _resolve_expression(expr: str, scope: Scope) -> Any:
    if expr.startswith("jsonencode(") and expr.endswith(")"):
        return _jsonencode(expr[len("jsonencode(") : -1], scope)
    if not _TRAVERSAL.match(expr):
        return Unknown(expr)
    head, _, _ = expr.partition(".")
    steps = [(m.group(1), m.group(2)) for m in _STEP.finditer(expr[len(head) :])]
    if head == "var" and steps and steps[0][0]:
        name = steps[0][0]
        if name not in scope.variables:
            return Unknown(expr)
        return _walk(resolve(scope.variables[name], scope), steps[1:], expr)
    if head == "local" and steps and steps[0][0]:
        return _walk(scope.local(steps[0][0]), steps[1:], expr)
    if head in ("each", "count", "path", "terraform", "self"):
        return Unknown(expr)
    return _reference(head, steps, expr)


def _reference(head: str, steps: list[tuple[str | None, str | None]], expr: str) -> Any:
    """``aws_kms_key.k[0].arn`` → Ref("aws_kms_key.k.arn"); data and module references alike."""
    names = [attr for attr, _index in steps if attr]
    needed = 2 if head == "data" else 1
    if len(names) < needed or (head != "data" and head != "module" and "_" not in head):
        return Unknown(expr)
    return Ref(".".join([head, *names]))


def _walk(value: Any, steps: list[tuple[str | None, str | None]], expr: str) -> Any:
    for attr, index in steps:
        if isinstance(value, (Unknown, Ref)):
            return value if isinstance(value, Ref) else Unknown(expr)
        if attr is not None and isinstance(value, Mapping) and attr in value:
            value = value[attr]
        elif index is not None and isinstance(value, list) and index.strip().isdigit():
            position = int(index)
            if position >= len(value):
                return Unknown(expr)
            value = value[position]
        elif index is not None and isinstance(value, Mapping) and index.strip('"') in value:
            value = value[index.strip('"')]
        else:
            return Unknown(expr)
    return value


def _jsonencode(inner: str, scope: Scope) -> Any:
    """``jsonencode(<literal structure>)`` resolves to that structure (policy documents use this)."""
    import hcl2
    from hcl2.utils import SerializationOptions

    try:
        parsed = hcl2.loads(
            f"x = {inner}\n", serialization_options=SerializationOptions(strip_string_quotes=True)
        )
    except Exception:  # noqa: BLE001 - any parse failure simply means "cannot resolve"
        return Unknown(f"jsonencode({inner})")
    return resolve(parsed.get("x"), scope)


def _balanced(inner: str) -> bool:
    """True when ``${...}`` spans the whole string rather than two interpolations."""
    depth = 0
    for index, char in enumerate(inner):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
        elif char == "$" and inner[index + 1 : index + 2] == "{" and depth == 0:
            return False
    return depth == 0
