"""Read a YAML data file once, fast, and find the line of any part of it only when an error needs one.

Policies, frameworks and waivers are all YAML validated by JSON Schema, and every error must
name file:line. Parsing uses libyaml when present (an order of magnitude faster than the
pure-Python loader); the node tree that carries line numbers is composed lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """A YAML file that cannot be read or parsed; ``where`` is ``file:line``."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


class YamlDocument:
    """One parsed YAML document: ``data`` for the program, :meth:`line` for error messages."""

    def __init__(self, text: str, path: str | Path = "<string>", loader: type | None = None) -> None:
        self.text, self.path = text, str(path)
        try:
            self.data: Any = yaml.load(text, Loader=loader or _FAST_LOADER)  # noqa: S506 - safe loaders only
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{self.path}:{mark.line + 1}" if mark else self.path
            raise YamlFileError(where, f"invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc

    @classmethod
    def read(cls, path: str | Path, loader: type | None = None) -> YamlDocument:
        """Read and parse a file; unreadable or invalid files raise :class:`YamlFileError`."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise YamlFileError(str(path), f"cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
        return cls(text, path, loader)

    @cached_property
    def _tree(self) -> yaml.Node | None:
        return yaml.compose(self.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    def line(self, path: Sequence[Any]) -> int:
        """1-based line of the node at ``path`` (keys and list indexes), or of its deepest existing parent."""
        node = self._tree
        if node is None:
            return 1
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next(
                    (value for key, value in node.value if getattr(key, "value", None) == step), None
                )
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                child = node.value[step]
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def where(self, path: Sequence[Any]) -> str:
        """``file:line`` of the node at ``path``."""
        return f"{self.path}:{self.line(path)}"
