"""Fuzz family plan_json / plan_bytes: mutated `terraform show -json` plans never crash the loader.

A wrong JSON type at any structural path (a string, array, boolean, number or null where an
object or array belongs, or a key removed), or hostile bytes (UTF-16, invalid UTF-8, a
truncated file, a 5000-digit integer, 900-deep nesting) gives error entries; resources whose
part of the document was left alone are all still loaded.
"""

from __future__ import annotations

import codecs
import copy
import json
from typing import Any

from fuzz_harness import REPO, budget, count
from hypothesis import given
from hypothesis import strategies as st

from scanner.iac.plan_loader import load_plan

PLANS = sorted((REPO / "terraform" / "plans").glob("*.json")) + sorted(
    (REPO.parent / "shared" / "corpus" / "plans").rglob("*.json")
)
DOCUMENTS = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in PLANS}
WRONG_VALUES = st.one_of(
    st.just("text"),
    st.just(["x"]),
    st.just([]),
    st.booleans(),
    st.none(),
    st.integers(-3, 3),
    st.just({}),
    st.just({"address": 7}),
    st.just([None, "x", {"type": []}]),
)
Step = str | int


def structural_paths(value: Any, path: tuple[Step, ...] = ()) -> list[tuple[Step, ...]]:
    """Every path to an object or array below ``value`` (plus its keys' values): where types matter."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, (dict, list)) or key in ("address", "type", "name", "mode"):
                found += (
                    structural_paths(child, (*path, key))
                    if isinstance(child, (dict, list))
                    else [(*path, key)]
                )
    elif isinstance(value, list):
        for index, child in enumerate(value[:4]):
            found += structural_paths(child, (*path, index))
    return found


PATHS = {name: structural_paths(doc)[1:] for name, doc in DOCUMENTS.items()}


def _parent(document: Any, path: tuple[Step, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


def _planned_paths(document: Any) -> dict[str, tuple[Step, ...]]:
    """address → JSON path of each planned resource of an unmutated document."""
    found: dict[str, tuple[Step, ...]] = {}

    def walk(module: dict[str, Any], path: tuple[Step, ...]) -> None:
        for index, resource in enumerate(module.get("resources", []) or []):
            found[resource["address"]] = (*path, "resources", index)
        for index, child in enumerate(module.get("child_modules", []) or []):
            walk(child, (*path, "child_modules", index))

    walk(document["planned_values"]["root_module"], ("planned_values", "root_module"))
    return found


@st.composite
def mutated_plans(draw: st.DrawFn) -> tuple[str, tuple[Step, ...], Any, bool]:
    """(plan name, mutated path, document, whether the mutation made it invalid)."""
    name = draw(st.sampled_from(sorted(DOCUMENTS)))
    path = draw(st.sampled_from(PATHS[name]))
    document = copy.deepcopy(DOCUMENTS[name])
    parent = _parent(document, path)
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]  # optional keys may be absent: only identity keys are required
        return name, path, document, path[-1] in ("address", "type", "name") and "resources" in path
    original, value = parent[path[-1]], draw(WRONG_VALUES)
    parent[path[-1]] = value
    if value is None:  # null reads as absent
        return name, path, document, path[-1] in ("address", "type", "name") and "resources" in path
    same_shape = isinstance(value, type(original)) and (value == original or not isinstance(value, str))
    return name, path, document, not same_shape


@given(mutated_plans())
@budget(120)
def test_plan_json(tmp_path_factory, case: tuple[str, tuple[Step, ...], Any, bool]) -> None:
    count("plan_json")
    name, path, document, invalid = case
    target = tmp_path_factory.mktemp("plan") / name
    target.write_text(json.dumps(document), encoding="utf-8")
    resources, errors = load_plan(target)
    loaded = {r.address for r in resources}
    affected = path[:-1]
    for address, where in _planned_paths(DOCUMENTS[name]).items():
        if where[: len(affected)] != affected:
            assert address in loaded or errors, f"{address} vanished without an error ({path})"
    if invalid and len(loaded) < len(_planned_paths(DOCUMENTS[name])):
        assert errors, f"resources lost with no error entry after mutating {path}"
    for error in errors:
        assert str(target) in error.where and "\n" not in error.reason


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


HOSTILE = st.sampled_from(
    ["utf16", "utf16-nobom", "utf32", "bom8", "invalid-utf8", "truncate", "bigint", "deep", "empty", "html"]
)


@given(st.sampled_from(sorted(DOCUMENTS)), HOSTILE, st.integers(0, 10**6))
@budget(60)
def test_plan_bytes(tmp_path_factory, name: str, kind: str, offset: int) -> None:
    count("plan_bytes")
    text = json.dumps(DOCUMENTS[name], indent=1)
    position = offset % len(text)
    data = {
        "utf16": lambda: text.encode("utf-16"),
        "utf16-nobom": lambda: text.encode("utf-16-le"),
        "utf32": lambda: text.encode("utf-32"),
        "bom8": lambda: codecs.BOM_UTF8 + text.encode(),
        "invalid-utf8": lambda: text[:position].encode() + b"\xff\xfe\xc3(" + text[position:].encode(),
        "truncate": lambda: text[: max(1, position)].encode(),
        "bigint": lambda: text.replace(
            '"format_version": "1.2"', '"format_version": "1.2", "n": ' + "9" * 5000
        ).encode(),
        "deep": lambda: text.replace(
            '"format_version": "1.2"', '"format_version": "1.2", "n": ' + _deep(900)
        ).encode(),
        "empty": lambda: b"",
        "html": lambda: b"<html><body>502 Bad Gateway</body></html>",
    }[kind]()
    target = tmp_path_factory.mktemp("bytes") / name
    target.write_bytes(data)
    resources, errors = load_plan(target)
    expected = {r.address for r in load_plan(PLANS[[p.name for p in PLANS].index(name)])[0]}
    if kind in ("utf16", "utf32", "bom8"):
        assert {r.address for r in resources} == expected and not errors
    elif {r.address for r in resources} != expected:
        assert errors, f"{kind}: resources lost with no error entry"
    for error in errors:
        assert "\n" not in error.reason
