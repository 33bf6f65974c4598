"""Read a YAML data file once, fast, and find the line of any part of it only when an error needs one.

Policies, frameworks and waivers are all YAML validated by JSON Schema, and every error must
name file:line. Parsing uses libyaml when present (an order of magnitude faster than the
pure-Python loader); the node tree that carries line numbers is composed lazily.

Hostile files are bounded: only safe loaders run (no tag constructs an object, let alone
code); a file over :data:`MAX_BYTES` is refused; aliases may share a node but the document
they expand to stays under :data:`MAX_NODES` nodes (a "billion laughs" file is refused
before anything walks it) and may not refer to themselves; nesting deeper than
:data:`MAX_DEPTH` is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 16 << 20
"""16 MiB: the largest framework shipped is ~100 KB."""
MAX_NODES = 200_000
"""Nodes of the document once every alias is expanded (what a schema validator or a renderer walks)."""
MAX_DEPTH = 100


def fast_loader() -> type:
    """libyaml's safe loader when PyYAML was built with it, else the pure-Python one."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """A YAML file that cannot be read or parsed; ``where`` is ``file:line``."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


class YamlDocument:
    """One parsed YAML document: ``data`` for the program, :meth:`line` for error messages."""

    def __init__(self, text: str, path: str | Path = "<string>", loader: type | None = None) -> None:
        self.text, self.path = text, str(path)
        if len(text) > MAX_BYTES:
            raise YamlFileError(self.path, f"larger than {MAX_BYTES >> 20} MiB")
        import yaml  # here, not at import: a scan whose data all comes from the cache never loads it

        loader = loader or fast_loader()
        if not issubclass(loader, (yaml.SafeLoader, fast_loader())):
            raise TypeError(f"{loader.__name__} is not a safe YAML loader")
        try:
            self.data: Any = yaml.load(text, Loader=loader)  # noqa: S506 - safe loaders only (checked above)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{self.path}:{mark.line + 1}" if mark else self.path
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise YamlFileError(where, f"invalid YAML: {problem}") from exc
        except RecursionError as exc:
            raise YamlFileError(self.path, f"invalid YAML: nested deeper than {MAX_DEPTH} levels") from exc
        problem = _unbounded(self.data)
        if problem:
            raise YamlFileError(self.path, f"invalid YAML: {problem}")

    @classmethod
    def read(cls, path: str | Path, loader: type | None = None) -> YamlDocument:
        """Read and parse a file; unreadable or invalid files raise :class:`YamlFileError`."""
        if not Path(path).is_file():  # a FIFO would block, a directory is not a document
            reason = "no such file" if not Path(path).exists() else "not a regular file"
            raise YamlFileError(str(path), f"cannot read: {reason}")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise YamlFileError(str(path), f"cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
        return cls(text, path, loader)

    @cached_property
    def _tree(self) -> yaml.Node | None:
        import yaml

        return yaml.compose(self.text, Loader=fast_loader())

    def line(self, path: Sequence[Any]) -> int:
        """1-based line of the node at ``path`` (keys and list indexes), or of its deepest existing parent."""
        import yaml

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


def _unbounded(data: Any) -> str | None:
    """Why ``data`` is not a bounded tree (a self-referring alias, too many nodes, too deep), or None.

    Shared (aliased) objects are counted once per use, as a consumer walking the tree would
    meet them, but computed once each, so the check is linear in the objects really built.
    """
    expanded: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if not isinstance(node, (dict, list)):
            continue
        children = [
            c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, (dict, list))
        ]
        keys = [k for k in node if isinstance(k, (dict, list))] if isinstance(node, dict) else []
        children += keys
        if children_done:
            on_path.discard(key)
            expanded[key] = len(node) + 1 + sum(expanded[id(c)] for c in children)
            depth_of[key] = 1 + max((depth_of[id(c)] for c in children), default=0)
            if expanded[key] > MAX_NODES:
                return f"aliases expand to more than {MAX_NODES} nodes"
            if depth_of[key] > MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            continue
        if key in expanded:
            continue
        if key in on_path:
            return "an alias refers to itself"
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in expanded)
    return None
