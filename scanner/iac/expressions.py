"""Evaluate HCL expressions (tree-sitter nodes) as far as can be done honestly without running Terraform.

We resolve literals, variables (defaults, tfvars, a caller's inputs), locals, ``jsonencode`` of
structures, heredocs and string templates whose parts resolve; a reference to another resource
becomes a :class:`Ref` (set, known after apply); anything else (functions, conditionals, ``for``,
splats, template directives) becomes :class:`Unknown`. Guessing is never allowed: an unresolvable
value must stay unknown so no policy passes on it. A variable or local that refers to itself is an
error entry, and its value is unknown.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.iac.hcl_syntax import node_text
from scanner.iac.literals import number, unescape, unescape_heredoc
from scanner.iac.values import Ref, Unknown
from scanner.model import ScanError

_NOT_RESOURCES = frozenset({"var", "local", "each", "count", "path", "terraform", "self"})
_RESOURCE_TYPE = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+$")
_HOLE = "\x00{}\x00"


@dataclass(frozen=True)
class Pending:
    """An expression not evaluated yet (a variable default, a tfvars value, a local)."""

    node: Any
    source: bytes
    where: str
    """``file:line`` of the declaration, for cycle errors."""
    label: str = ""
    """How provenance names it: ``default at f:3:13``, ``tfvars f:1:1``, ``local at f:12:3``."""


@dataclass(frozen=True)
class Provided:
    """A value already resolved elsewhere (a module input resolved in its caller's scope)."""

    value: Any
    label: str


@dataclass
class Scope:
    """The names visible in one Terraform module: variables and locals, resolved once on first use."""

    variables: dict[str, Any] = field(default_factory=dict)
    """Name → resolved value, or :class:`Pending`."""
    locals: dict[str, Pending] = field(default_factory=dict)
    errors: list[ScanError] = field(default_factory=list)
    """Where self-referencing variables and locals are reported."""
    trace: list[str] | None = None
    """When a list, every variable and local an evaluation reads is appended (``var.x = <label>``)."""
    _resolving: list[str] = field(default_factory=list)
    _resolved: dict[str, Any] = field(default_factory=dict)

    def variable(self, name: str) -> Any:
        """``var.<name>``: Unknown when it has no value."""
        if name not in self.variables:
            return Unknown(f"var.{name}")
        return self._value(f"var.{name}", self.variables[name])

    def local(self, name: str) -> Any:
        """``local.<name>``: Unknown when missing or cyclic."""
        if name not in self.locals:
            return Unknown(f"local.{name}")
        return self._value(f"local.{name}", self.locals[name])

    def _value(self, key: str, value: Any) -> Any:
        if isinstance(value, Provided):
            if self.trace is not None:
                self.trace.append(f"{key} = {value.label}")
            return value.value
        if not isinstance(value, Pending):
            return value
        if self.trace is not None:
            self.trace.append(f"{key} = {value.label}")
        if key in self._resolved:
            return self._resolved[key]
        if key in self._resolving:
            cycle = " -> ".join([*self._resolving[self._resolving.index(key) :], key])
            self.errors.append(
                ScanError(where=value.where, reason=f"{key} refers to itself ({cycle}); unknown")
            )
            self._resolved[key] = Unknown(key)
            return self._resolved[key]
        self._resolving.append(key)
        try:
            resolved = evaluate(value.node, value.source, self)
        finally:
            self._resolving.pop()
        return self._resolved.setdefault(key, resolved)


def evaluate(node: Any, source: bytes, scope: Scope) -> Any:
    """The value of one expression node: literal, structure, :class:`Ref` or :class:`Unknown`."""
    kind = node.type
    handler = _HANDLERS.get(kind)
    if handler is None:
        return Unknown(node_text(node, source))
    return handler(node, source, scope)


def references_in(node: Any, source: bytes) -> set[str]:
    """Addresses (``type.name``, ``data.type.name``, ``module.name``) referenced anywhere below ``node``."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "expression":
            children = current.named_children
            if children and children[0].type == "variable_expr":
                address = _address(children, source)
                if address:
                    found.add(address)
        stack.extend(current.named_children)
    return found


def _address(children: list[Any], source: bytes) -> str | None:
    head = node_text(children[0], source)
    names: list[str] = []
    for step in children[1:]:
        if step.type == "get_attr":
            names.append(node_text(step.named_children[0], source))
        elif step.type != "index":
            break
    if head in _NOT_RESOURCES:
        return None
    if head == "data":
        return f"data.{names[0]}.{names[1]}" if len(names) >= 2 and _RESOURCE_TYPE.match(names[0]) else None
    if head == "module":
        return f"module.{names[0]}" if names else None
    return f"{head}.{names[0]}" if names and _RESOURCE_TYPE.match(head) else None


def _expression(node: Any, source: bytes, scope: Scope) -> Any:
    children = node.named_children
    if not children:
        return Unknown(node_text(node, source))
    if children[0].type == "variable_expr":
        return _traversal(node, children, source, scope)
    value = evaluate(children[0], source, scope)
    if len(children) == 1:
        return value
    return _walk(value, children[1:], source, scope, node_text(node, source))


def _traversal(node: Any, children: list[Any], source: bytes, scope: Scope) -> Any:
    expr = node_text(node, source)
    head = node_text(children[0], source)
    steps = children[1:]
    if any(step.type == "splat" for step in steps):
        return Unknown(expr)
    first = steps[0] if steps else None
    if head in ("var", "local") and first is not None and first.type == "get_attr":
        name = node_text(first.named_children[0], source)
        value = scope.variable(name) if head == "var" else scope.local(name)
        if isinstance(value, Unknown):
            return Unknown(expr)
        return _walk(value, steps[1:], source, scope, expr)
    if head in _NOT_RESOURCES:
        return Unknown(expr)
    return _reference(head, steps, source, expr)


def _reference(head: str, steps: list[Any], source: bytes, expr: str) -> Any:
    """``aws_kms_key.k[0].arn`` → Ref("aws_kms_key.k.arn"); data and module references alike."""
    names = [node_text(s.named_children[0], source) for s in steps if s.type == "get_attr"]
    needed = 2 if head == "data" else 1
    if len(names) < needed or (head not in ("data", "module") and "_" not in head):
        return Unknown(expr)
    return Ref(".".join([head, *names]))


def _walk(value: Any, steps: list[Any], source: bytes, scope: Scope, expr: str) -> Any:
    for step in steps:
        if isinstance(value, Ref):
            return value
        if isinstance(value, Unknown):
            return Unknown(expr)
        key = _step_key(step, source, scope)
        if isinstance(key, str) and isinstance(value, Mapping) and key in value:
            value = value[key]
        elif isinstance(key, int) and not isinstance(key, bool) and isinstance(value, list):
            if not 0 <= key < len(value):
                return Unknown(expr)
            value = value[key]
        else:
            return Unknown(expr)
    return value


def _step_key(step: Any, source: bytes, scope: Scope) -> Any:
    if step.type == "get_attr":
        return node_text(step.named_children[0], source)
    if step.type != "index" or not step.named_children:
        return None
    inner = step.named_children[0]
    if inner.type == "legacy_index":
        digits = node_text(inner, source).lstrip(".")
        return int(digits) if digits.isdigit() else None
    expr = inner.named_children[0] if inner.named_children else None
    key = evaluate(expr, source, scope) if expr is not None else None
    if isinstance(key, float) and key.is_integer():
        return int(key)
    return key


def _literal(node: Any, source: bytes, scope: Scope) -> Any:
    child = node.named_children[0]
    text = node_text(child, source)
    if child.type == "numeric_lit":
        return number(text)
    if child.type == "bool_lit":
        return text == "true"
    if child.type == "null_lit":
        return None
    if child.type == "string_lit":
        return _quoted(child, source, scope)
    return Unknown(text)


def _template_expr(node: Any, source: bytes, scope: Scope) -> Any:
    child = node.named_children[0]
    if child.type == "heredoc_template":
        return _heredoc(child, source, scope)
    return _quoted(child, source, scope)


def _quoted(node: Any, source: bytes, scope: Scope) -> Any:
    """A quoted string or template: escapes decoded, interpolations resolved."""
    children = node.named_children
    start = children[0].end_byte if children else node.start_byte
    end = children[-1].start_byte if len(children) > 1 else node.end_byte
    parts = [c for c in children if c.type in ("template_interpolation", "template_directive")]
    return _template(source, start, end, parts, scope, unescape)


def _heredoc(node: Any, source: bytes, scope: Scope) -> Any:
    """``<<EOF`` keeps its text; ``<<-EOF`` strips the common indentation, as Terraform does."""
    children = node.named_children
    identifiers = [c for c in children if c.type == "heredoc_identifier"]
    if len(identifiers) < 2:
        return Unknown(node_text(node, source))
    opener, closer = identifiers[0], identifiers[-1]
    start = source.find(b"\n", opener.end_byte) + 1
    end = source.rfind(b"\n", start - 1, closer.start_byte)
    end = max(end, start)
    if end > start and source[end - 1 : end] == b"\r":
        end -= 1
    parts = [c for c in children if c.type in ("template_interpolation", "template_directive")]
    strip = node_text(children[0], source).endswith("-")
    return _template(source, start, end, parts, scope, unescape_heredoc, dedent=strip)


def _template(
    source: bytes,
    start: int,
    end: int,
    parts: list[Any],
    scope: Scope,
    unescape: Any,
    *,
    dedent: bool = False,
) -> Any:
    text = source[start:end].decode("utf-8", errors="replace")
    if not parts:
        return unescape(textwrap.dedent(text) if dedent else text)
    if any(p.type == "template_directive" for p in parts) or "\x00" in text:
        return Unknown(text)
    literal_around = source[start : parts[0].start_byte] + source[parts[-1].end_byte : end]
    if len(parts) == 1 and not (literal_around.strip(b" \t\r\n") if dedent else literal_around):
        return _interpolation(parts[0], source, scope)
    pieces: list[str] = []
    position = start
    for index, part in enumerate(parts):
        pieces.append(source[position : part.start_byte].decode("utf-8", errors="replace"))
        pieces.append(_HOLE.format(index))
        position = part.end_byte
    pieces.append(source[position:end].decode("utf-8", errors="replace"))
    joined = "".join(pieces)
    if dedent:
        joined = textwrap.dedent(joined)
    values: list[str] = []
    for part in parts:
        value = _interpolation(part, source, scope)
        if isinstance(value, bool):
            value = str(value).lower()
        if not isinstance(value, (str, int, float)):
            return Unknown(text)
        values.append(str(value))
    chunks = joined.split("\x00")
    result = [unescape(chunk) if i % 2 == 0 else values[int(chunk)] for i, chunk in enumerate(chunks)]
    return "".join(result)


def _interpolation(part: Any, source: bytes, scope: Scope) -> Any:
    expr = next((c for c in part.named_children if c.type == "expression"), None)
    return evaluate(expr, source, scope) if expr is not None else Unknown(node_text(part, source))


def _collection(node: Any, source: bytes, scope: Scope) -> Any:
    return evaluate(node.named_children[0], source, scope)


def _tuple(node: Any, source: bytes, scope: Scope) -> Any:
    return [evaluate(c, source, scope) for c in node.named_children if c.type == "expression"]


def _object(node: Any, source: bytes, scope: Scope) -> Any:
    result: dict[str, Any] = {}
    for element in node.named_children:
        if element.type != "object_elem":
            continue
        key_node, value_node = element.child_by_field_name("key"), element.child_by_field_name("val")
        if key_node is None or value_node is None:
            continue
        result[_object_key(key_node, source, scope)] = evaluate(value_node, source, scope)
    return result


def _object_key(node: Any, source: bytes, scope: Scope) -> str:
    """A bare identifier is the key itself (``{ team = ... }``); other keys are evaluated."""
    children = node.named_children
    if len(children) == 1 and children[0].type == "variable_expr":
        return node_text(children[0], source)
    key = evaluate(node, source, scope)
    if isinstance(key, bool):
        return str(key).lower()
    if isinstance(key, (str, int, float)):
        return str(key)
    return f"${{{node_text(node, source)}}}"


def _function(node: Any, source: bytes, scope: Scope) -> Any:
    """Only ``jsonencode(x)`` resolves (to ``x``'s structure: policy documents use it); others are Unknown."""
    name = node_text(node.named_children[0], source)
    arguments = next((c for c in node.named_children if c.type == "function_arguments"), None)
    args = [c for c in arguments.named_children if c.type == "expression"] if arguments is not None else []
    if name == "jsonencode" and len(args) == 1:
        return evaluate(args[0], source, scope)
    return Unknown(node_text(node, source))


def _operation(node: Any, source: bytes, scope: Scope) -> Any:
    """``-1`` and ``!true``: unary operators on resolved literals; anything else is Unknown."""
    inner = node.named_children[0] if node.named_children else None
    if inner is None or inner.type != "unary_operation" or not inner.named_children:
        return Unknown(node_text(node, source))
    operator = node_text(inner.children[0], source)
    value = evaluate(inner.named_children[-1], source, scope)
    if operator == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    if operator == "!" and isinstance(value, bool):
        return not value
    return Unknown(node_text(node, source))


_HANDLERS = {
    "expression": _expression,
    "literal_value": _literal,
    "template_expr": _template_expr,
    "collection_value": _collection,
    "tuple": _tuple,
    "object": _object,
    "function_call": _function,
    "operation": _operation,
}
