"""The package graph of ``scanner/`` is a DAG in the documented order (docs/architecture.md).

Every import in every module counts, including imports inside functions and under
``TYPE_CHECKING``: a lazy import is still a dependency. A package may import only
packages on a lower layer; packages on one layer do not import each other. A new
package must be given a layer here and in docs/architecture.md before it can land.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SCANNER = Path(__file__).resolve().parents[1] / "scanner"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("scanner", "paths", "yamldoc", "jsondoc", "tristate", "datacache"),
    ("model",),
    ("redact",),
    ("iac", "policy", "privacy", "compliance", "drift"),
    ("clouds",),
    ("pipeline", "queries", "fix", "history", "sandbox"),
    ("report", "gate"),
    ("evidence", "alerts"),
    ("app",),
    ("watch",),
    ("cli",),
    ("__main__",),
)
"""Lowest first. ``scanner`` is the package's own ``__init__`` (the version). The first three
layers are the "model level" of docs/architecture.md: every other layer may use them."""

LAYER = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}
ONLY_IMPORTED_BY = {"sandbox": {"cli", "sandbox"}}
"""The sandbox (local emulators) is for ``mlscan demo`` and the tests, never for a real scan."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SCANNER.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package(module: str) -> str:
    """``scanner.clouds.aws.live`` → ``clouds``; ``scanner.app`` → ``app``; ``scanner`` → ``scanner``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "scanner"


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported scanner module, line) for every import statement in the file."""
    module = _module_name(path)
    is_package = path.name == "__init__.py"
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names if target == "scanner"]
    return [(name, line) for name, line in found if name == "scanner" or name.startswith("scanner.")]


def package_edges() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) → the ``file:line`` sites, over all of ``scanner/``."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(SCANNER.rglob("*.py")):
        source = _package(_module_name(path))
        for target, line in _imports(path):
            imported = _package(target)
            if imported != source and target != "scanner":
                edges[(source, imported)].append(f"{path.relative_to(SCANNER.parent)}:{line}")
    return edges


def _cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_the_walk_sees_the_imports_it_judges() -> None:
    edges = package_edges()
    assert ("cli", "app") in edges and ("app", "pipeline") in edges and ("clouds", "iac") in edges


def test_every_package_has_a_documented_layer() -> None:
    packages = {_package(_module_name(p)) for p in SCANNER.rglob("*.py")}
    missing = sorted(packages - LAYER.keys())
    assert not missing, (
        f"give these packages a layer in tests/test_import_order.py and docs/architecture.md: {missing}"
    )
    documented = (SCANNER.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert all(f"`{p}`" in documented for p in packages - {"scanner", "__main__"})


def test_no_cycle_between_packages() -> None:
    assert _cycles(package_edges()) == []


def test_every_import_follows_the_documented_order() -> None:
    against = [
        f"{source} (layer {LAYER[source]}) imports {target} (layer {LAYER[target]}) at {', '.join(sites)}"
        for (source, target), sites in sorted(package_edges().items())
        if source in LAYER and target in LAYER and LAYER[target] >= LAYER[source]
    ]
    assert not against, "\n".join(against)


@pytest.mark.parametrize("package", sorted(ONLY_IMPORTED_BY))
def test_restricted_packages_have_only_their_importers(package: str) -> None:
    allowed = ONLY_IMPORTED_BY[package]
    against = [
        f"{s} at {sites}" for (s, t), sites in package_edges().items() if t == package and s not in allowed
    ]
    assert not against, against


def test_a_cycle_is_found_when_one_exists() -> None:
    edges = {("a", "b"): ["x"], ("b", "c"): ["y"], ("c", "a"): ["z"], ("c", "d"): ["w"]}
    assert _cycles(edges) == [["a", "b", "c", "a"]]
