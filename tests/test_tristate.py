"""The one tri-state logic (scanner/tristate.py): AND / OR / NOT over True, False and unknown (None)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scanner.tristate import all_of, any_of, negate

T, F, U = True, False, None

TABLE = [
    # values, AND, OR
    ([T, T], T, T),
    ([T, F], F, T),
    ([T, U], U, T),
    ([F, U], F, U),
    ([U, U], U, U),
    ([F, F], F, F),
]


@pytest.mark.parametrize(("values", "conjunction", "disjunction"), TABLE)
def test_and_or_over_unknowns(
    values: list[bool | None], conjunction: bool | None, disjunction: bool | None
) -> None:
    assert all_of(values) is conjunction and all_of(reversed(values)) is conjunction
    assert any_of(values) is disjunction and any_of(reversed(values)) is disjunction


def test_not_keeps_unknown_unknown_and_empty_is_the_callers_choice() -> None:
    assert (negate(T), negate(F), negate(U)) == (F, T, U)
    assert all_of([]) is T and any_of([]) is F
    assert all_of([], empty=U) is U and any_of([], empty=U) is U


SCANNER = Path(__file__).resolve().parents[1] / "scanner"


def test_no_other_module_defines_its_own_tri_state_helpers() -> None:
    """A hand-written copy (``None if x is None else not x``, ``False if False in ...``) is what drifted."""
    copies = []
    for path in SCANNER.rglob("*.py"):
        if path.name == "tristate.py":
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name in {
                "all_of",
                "any_of",
                "negate",
                "any_true",
                "_any",
                "_all",
            }:
                copies.append(f"{path.relative_to(SCANNER)}: def {node.name}")
        for marker in ("is None else not ", "False if False in ", "True if True in "):
            if marker in text:
                copies.append(f"{path.relative_to(SCANNER)}: {marker.strip()}")
    assert not copies, copies
