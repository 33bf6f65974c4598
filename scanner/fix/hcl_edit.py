"""Collect byte-range edits to one HCL file and render them so ``terraform fmt`` stays clean.

New attributes of one block are gathered first and written as one aligned group after
a blank line at the end of the block (so no existing line is re-aligned); new nested
blocks follow. Existing values are replaced in their exact byte range; nothing else
in the file changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from scanner.fix.hcl_tree import (
    HclFile,
    attribute_value,
    block_body,
    block_end,
    body_items,
    child_attribute,
    child_blocks,
    element_value,
    hcl_key,
    object_element,
    object_elements,
    object_node,
    variable_reference,
)
from scanner.fix.metadata import Setting


class ManualFix(Exception):
    """The fix cannot be written mechanically here (a dynamic block, a computed value...)."""


@dataclass(frozen=True)
class VariableInput:
    """The attribute's value comes from ``var.<name>``: the fix belongs in its default or tfvars."""

    name: str


@dataclass
class Pending:
    """New items for one container: attributes, object-valued attributes and nested blocks."""

    is_object: bool = False
    attributes: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Pending] = field(default_factory=dict)
    blocks: dict[str, Pending] = field(default_factory=dict)

    def child(self, name: str) -> Pending:
        """The new nested container ``name`` (an object inside objects, else a block)."""
        table = self.objects if self.is_object else self.blocks
        return table.setdefault(name, Pending(is_object=self.is_object))


@dataclass
class _Container:
    kind: str  # "block" | "object" | "new"
    node: Any = None
    pending: Pending | None = None


class FileEditor:
    """Every edit planned for one file; :meth:`render` returns the new bytes."""

    def __init__(self, hcl: HclFile) -> None:
        self.hcl = hcl
        self._replace: dict[tuple[int, int], str] = {}
        self._add: dict[tuple[int, str], Pending] = {}
        self._nodes: dict[tuple[int, str], Any] = {}
        self._append: list[str] = []

    # -- transactions: one finding's fix applies whole or not at all --------------------------
    def checkpoint(self) -> tuple[Any, ...]:
        """A snapshot to return to if a later step of the same fix turns out to be manual."""
        return copy.deepcopy((self._replace, self._add, self._append))

    def rollback(self, state: tuple[Any, ...]) -> None:
        """Return to a :meth:`checkpoint`."""
        self._replace, self._add, self._append = copy.deepcopy(state)

    @property
    def changed(self) -> bool:
        """Whether any edit is planned."""
        return bool(self._replace or self._add or self._append)

    # -- planning -------------------------------------------------------------------------------
    def set(self, block: Any, setting: Setting) -> str | VariableInput | None:
        """Plan ``setting`` inside ``block``: "set", "already" or a VariableInput to follow."""
        results = [self._set_leaf(c, setting) for c in self._walk(block, setting.path[:-1])]
        inputs = [r for r in results if isinstance(r, VariableInput)]
        if inputs:
            return inputs[0]
        return "set" if "set" in results else "already"

    def replace_value(self, expression: Any, setting: Setting) -> str:
        """Replace one existing expression (a variable default, a tfvars value)."""
        if setting.satisfied_by(self.hcl.text(expression)):
            return "already"
        self._replace_range(expression, setting.rendered())
        return "set"

    def remove(self, block: Any, path: tuple[str, ...]) -> str:
        """Delete the nested blocks or the attribute at ``path`` (whole lines)."""
        removed = False
        for container in self._walk(block, path[:-1], create=False):
            if container.kind != "block":
                continue
            body = block_body(container.node)
            for node in [*child_blocks(self.hcl, body, path[-1]), child_attribute(self.hcl, body, path[-1])]:
                if node is not None:
                    self._replace[self._lines_of(node)] = ""
                    removed = True
        return "set" if removed else "already"

    def _lines_of(self, node: Any) -> tuple[int, int]:
        """The byte range of the lines ``node`` spans, with the comment lines right above it and
        one of the blank lines around it (so no double blank line is left behind)."""
        source = self.hcl.source
        start = source.rfind(b"\n", 0, node.start_byte) + 1
        while start > 0:
            previous = source.rfind(b"\n", 0, start - 1) + 1
            if not source[previous:start].strip().startswith((b"#", b"//")):
                break
            start = previous
        end = source.find(b"\n", node.end_byte)
        end = len(source) if end < 0 else end + 1
        before_blank = start > 0 and not source[source.rfind(b"\n", 0, start - 1) + 1 : start].strip()
        after = source.find(b"\n", end)
        if before_blank and after >= 0 and not source[end:after].strip():
            end = after + 1
        return start, end

    def append(self, text: str) -> None:
        """Add top-level text (a ``variable`` block) at the end of the file."""
        if text not in self._append:
            self._append.append(text)

    def _walk(self, block: Any, segments: tuple[str, ...], *, create: bool = True) -> list[_Container]:
        containers = [_Container("block", block)]
        for segment in segments:
            containers = [child for c in containers for child in self._descend(c, segment, create)]
        return containers

    def _descend(self, container: _Container, name: str, create: bool) -> list[_Container]:
        if container.kind == "new":
            return [_Container("new", pending=container.pending.child(name))] if create else []
        if container.kind == "object":
            element = object_element(self.hcl, container.node, name)
            if element is None:
                return (
                    [_Container("new", pending=self._pending(container.node, "object").child(name))]
                    if create
                    else []
                )
            return [self._object_of(element_value(element), name)]
        body = block_body(container.node)
        blocks = child_blocks(self.hcl, body, name)
        if blocks:
            return [_Container("block", b) for b in blocks]
        attribute = child_attribute(self.hcl, body, name)
        if attribute is not None:
            return [self._object_of(attribute_value(attribute), name)]
        if any(n.type == "block" and self.hcl.text(n.children[0]) == "dynamic" for n in body_items(body)):
            raise ManualFix(f"{name} may come from a dynamic block; edit it by hand")
        return (
            [_Container("new", pending=self._pending(container.node, "block").child(name))] if create else []
        )

    def _object_attribute(self, container: _Container, name: str) -> _Container:
        """The object-valued attribute ``name`` (``metadata = {...}``), created when absent."""
        if container.kind == "block" and child_attribute(self.hcl, block_body(container.node), name) is None:
            pending = self._pending(container.node, "block")
            return _Container("new", pending=pending.objects.setdefault(name, Pending(is_object=True)))
        if container.kind == "new":
            return _Container(
                "new", pending=container.pending.objects.setdefault(name, Pending(is_object=True))
            )
        return self._descend(container, name, True)[0]

    def _object_of(self, expression: Any, name: str) -> _Container:
        obj = object_node(expression)
        if obj is None:
            raise ManualFix(f"{name} = {self.hcl.text(expression)[:60]} is not a literal object")
        return _Container("object", obj)

    def _set_leaf(self, container: _Container, setting: Setting) -> str | VariableInput:
        name, rendered = setting.path[-1], setting.rendered()
        if setting.key is not None:
            inner = Setting((setting.key,), None, setting.value, setting.minimum, setting.variable)
            return self._set_leaf(self._object_attribute(container, name), inner)
        if container.kind == "new":
            container.pending.attributes.setdefault(name, rendered)
            return "set"
        if container.kind == "object":
            element = object_element(self.hcl, container.node, name)
            existing = element_value(element) if element is not None else None
        else:
            attribute = child_attribute(self.hcl, block_body(container.node), name)
            existing = attribute_value(attribute) if attribute is not None else None
        if existing is None:
            self._pending(container.node, container.kind).attributes.setdefault(name, rendered)
            return "set"
        text = self.hcl.text(existing)
        if setting.satisfied_by(text):
            return "already"
        variable = variable_reference(text)
        if variable is not None and setting.variable is None:
            return VariableInput(variable)
        self._replace_range(existing, rendered)
        return "set"

    def _replace_range(self, node: Any, text: str) -> None:
        key = (node.start_byte, node.end_byte)
        if self._replace.get(key, text) != text:
            raise ManualFix(f"two fixes disagree on {self.hcl.text(node)[:60]}")
        self._replace[key] = text

    def _pending(self, node: Any, kind: str) -> Pending:
        key = (node.start_byte, kind)
        self._nodes[key] = node
        return self._add.setdefault(key, Pending(is_object=kind == "object"))

    # -- rendering ------------------------------------------------------------------------------
    def render(self) -> bytes:
        """The file with every planned edit applied (edits never overlap)."""
        edits = [(start, end, text) for (start, end), text in self._replace.items()]
        edits += [self._insertion(self._nodes[key], pending) for key, pending in self._add.items()]
        source = self.hcl.source
        if self._append:
            tail = "" if source.endswith(b"\n") or not source else "\n"
            edits.append((len(source), len(source), tail + "".join("\n" + t for t in self._append)))
        out = source
        last_start = len(source) + 1
        for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            if end > last_start:
                raise ManualFix(f"{self.hcl.path}: overlapping edits at byte {start}")
            out = out[:start] + text.encode("utf-8") + out[end:]
            last_start = start
        return out

    def _insertion(self, node: Any, pending: Pending) -> tuple[int, int, str]:
        hcl = self.hcl
        indent = hcl.indent_of(node)
        inner = indent + "  "
        if node.type == "object":
            items, opener, closer = object_elements(node), node.children[0], node.children[-1]
        else:
            items = list(body_items(block_body(node)))
            opener = next(c for c in node.children if c.type == "block_start")
            closer = block_end(node)
        new_lines = render_pending(pending, inner)
        if opener.start_point[0] == closer.start_point[0]:  # one line: rewrite it over several
            old = [inner + hcl.text(i) for i in items]
            lines = [*old, *([""] if old else []), *new_lines]
            return opener.start_byte, closer.end_byte, "{\n" + "\n".join(lines) + "\n" + indent + "}"
        line_start = hcl.source.rfind(b"\n", 0, closer.start_byte) + 1
        before = hcl.source[line_start : closer.start_byte]
        text = "\n".join(([""] if items else []) + new_lines) + "\n"
        if before.strip():
            return closer.start_byte, closer.start_byte, "\n" + text + indent
        return line_start, line_start, text


def render_pending(pending: Pending, indent: str) -> list[str]:
    """New attributes (aligned as ``terraform fmt`` aligns them), then objects and blocks."""
    lines: list[str] = []
    width = max((len(hcl_key(n)) for n in pending.attributes), default=0)
    lines += [f"{indent}{hcl_key(n).ljust(width)} = {v}" for n, v in pending.attributes.items()]
    for table, opener in ((pending.objects, " = {"), (pending.blocks, " {")):
        for name, child in table.items():
            lines += [*([""] if lines else []), f"{indent}{hcl_key(name)}{opener}"]
            lines += render_pending(child, indent + "  ")
            lines.append(f"{indent}}}")
    return lines
