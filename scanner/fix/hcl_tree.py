"""Locate Terraform blocks, attributes and object keys by byte range, in the tree the iac parser builds.

Fixes are exact byte-range edits: everything outside the edited ranges (comments,
order, alignment, blank lines) stays as the author wrote it. This module only
reads: it parses a file and answers "where is this block / attribute / key".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.iac.hcl_syntax import syntax_tree

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_VAR_REF = re.compile(r"^var\.([A-Za-z_][A-Za-z0-9_-]*)$")
_RESOURCE_REF = re.compile(r"^(?:module\.[A-Za-z0-9_-]+\.)*([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)\b")


@dataclass(frozen=True)
class HclFile:
    """One parsed .tf or .tfvars file: its bytes and its concrete syntax tree."""

    path: Path
    source: bytes
    tree: Any

    @classmethod
    def parse(cls, path: Path, source: bytes | None = None) -> HclFile:
        """Parse ``path`` (or ``source`` given for it); never raises for bad HCL (see ``broken``)."""
        data = path.read_bytes() if source is None else source
        return cls(path, data, syntax_tree(data))

    @property
    def broken(self) -> bool:
        """True when tree-sitter found a syntax error anywhere in the file."""
        return bool(self.tree.root_node.has_error)

    @property
    def body(self) -> Any:
        """The top-level body node (None for an empty file)."""
        return next((c for c in self.tree.root_node.children if c.type == "body"), None)

    def text(self, node: Any) -> str:
        """The source text of ``node``."""
        return self.source[node.start_byte : node.end_byte].decode("utf-8")

    def indent_of(self, node: Any) -> str:
        """The whitespace that starts the line ``node`` begins on."""
        line_start = self.source.rfind(b"\n", 0, node.start_byte) + 1
        line = self.source[line_start : node.start_byte]
        return line[: len(line) - len(line.lstrip())].decode("utf-8")

    def blocks(self, type_name: str, *labels: str) -> list[Any]:
        """Top-level blocks such as ``resource "aws_x" "name"`` (labels match a prefix)."""
        return [
            node
            for node in body_items(self.body)
            if node.type == "block"
            and block_name(self, node) == type_name
            and block_labels(self, node)[: len(labels)] == list(labels)
        ]


def body_items(body: Any) -> Iterator[Any]:
    """The attribute and block nodes directly inside a body (comments skipped)."""
    if body is None:
        return
    for child in body.children:
        if child.type in ("attribute", "block"):
            yield child


def block_body(block: Any) -> Any:
    """The body node of a block, or None for ``name {}``."""
    return next((c for c in block.children if c.type == "body"), None)


def block_name(hcl: HclFile, block: Any) -> str:
    """The block's type identifier (``resource``, ``gce_setup``...)."""
    return hcl.text(block.children[0])


def block_labels(hcl: HclFile, block: Any) -> list[str]:
    """The block's labels without quotes."""
    labels = []
    for child in block.children[1:]:
        if child.type == "string_lit":
            labels.append(hcl.text(child)[1:-1])
        elif child.type == "identifier":
            labels.append(hcl.text(child))
        elif child.type == "block_start":
            break
    return labels


def block_end(block: Any) -> Any:
    """The closing ``block_end`` node."""
    return next(c for c in block.children if c.type == "block_end")


def attribute_value(attribute: Any) -> Any:
    """The expression node of ``name = expression``."""
    return next(c for c in attribute.children if c.type == "expression")


def child_attribute(hcl: HclFile, body: Any, name: str) -> Any:
    """The attribute ``name`` directly in ``body``, or None."""
    return next(
        (n for n in body_items(body) if n.type == "attribute" and hcl.text(n.children[0]) == name), None
    )


def child_blocks(hcl: HclFile, body: Any, name: str) -> list[Any]:
    """Every nested block called ``name`` directly in ``body`` (a dynamic block does not count)."""
    return [n for n in body_items(body) if n.type == "block" and block_name(hcl, n) == name]


def object_node(expression: Any) -> Any:
    """The object literal an expression is, or None (a reference, a function call...)."""
    node = expression
    while node is not None and node.type in ("expression", "collection_value"):
        named = [c for c in node.children if c.is_named]
        node = named[0] if len(named) == 1 else None
    return node if node is not None and node.type == "object" else None


def object_elements(obj: Any) -> list[Any]:
    """The ``key = value`` elements of an object literal."""
    return [c for c in obj.children if c.type == "object_elem"]


def object_element(hcl: HclFile, obj: Any, key: str) -> Any:
    """The element of ``obj`` whose key (bare or quoted) is ``key``, or None."""
    for element in object_elements(obj):
        if element_key(hcl, element) == key:
            return element
    return None


def element_key(hcl: HclFile, element: Any) -> str:
    """An object element's key without quotes."""
    key = hcl.text(element.children[0]).strip()
    return key[1:-1] if key.startswith('"') and key.endswith('"') else key


def element_value(element: Any) -> Any:
    """The value expression of an object element."""
    return [c for c in element.children if c.type == "expression"][-1]


def variable_reference(text: str) -> str | None:
    """``X`` when an expression is exactly ``var.X``."""
    match = _VAR_REF.match(text.strip())
    return match.group(1) if match else None


def resource_reference(text: str) -> tuple[str, str] | None:
    """``(type, name)`` of the resource an expression such as ``aws_x.y.name`` points at."""
    stripped = text.strip()
    if stripped.startswith(("var.", "local.", "data.", "module.", "each.", "count.", "path.", '"')):
        return None
    match = _RESOURCE_REF.match(stripped)
    return (match.group(1), match.group(2)) if match else None


def hcl_key(key: str) -> str:
    """An object key as HCL writes it: bare when it is an identifier, quoted otherwise."""
    return key if _IDENTIFIER.match(key) else '"' + key.replace('"', '\\"') + '"'
