"""Three-valued logic over facts: ``True``, ``False`` and ``None`` (unknown, "could not be read").

The one definition every fact builder and the policy engine use, so an unknown can never turn into a
pass by a hand-written ``and``: AND is false if any part is false, else unknown if any part is unknown;
OR is true if any part is true, else unknown if any part is unknown; NOT keeps unknown unknown.
Only ``True`` / ``False`` themselves count (``is``), never truthy values.
"""

from __future__ import annotations

from collections.abc import Iterable

Tri = bool | None
"""A fact's truth: True, False, or None when it could not be read."""


def all_of(values: Iterable[Tri], *, empty: Tri = True) -> Tri:
    """Tri-state AND: False wins, then unknown, then True; ``empty`` when there are no values."""
    seen = list(values)
    if not seen:
        return empty
    if any(v is False for v in seen):
        return False
    return None if any(v is None for v in seen) else True


def any_of(values: Iterable[Tri], *, empty: Tri = False) -> Tri:
    """Tri-state OR: True wins, then unknown, then False; ``empty`` when there are no values."""
    seen = list(values)
    if not seen:
        return empty
    if any(v is True for v in seen):
        return True
    return None if any(v is None for v in seen) else False


def negate(value: Tri) -> Tri:
    """Tri-state NOT: ``not value`` that keeps unknown unknown."""
    return None if value is None else not value
