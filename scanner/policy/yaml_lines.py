"""Map a JSON path inside a YAML document back to its line, so errors can name file:line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml


def compose(text: str) -> yaml.Node | None:
    """The YAML node tree (with source marks) of a document."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def line_of(node: yaml.Node | None, path: Sequence[Any]) -> int | None:
    """1-based line of the node at ``path`` (keys and list indexes), or of its deepest existing parent."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if getattr(key, "value", None) == step:
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line
