"""Regular expressions in policies (``op: matches``): checked when the policy loads, bounded when run.

A policy file is data someone else may have written; its pattern must not hang or crash a
scan. At load time a pattern is refused (a located policy error) when it does not compile,
is longer than :data:`MAX_PATTERN`, repeats more than :data:`MAX_REPEAT` times (``a{99999999}``
overflows the engine) or nests unbounded quantifiers (``(a+)+``, the classic catastrophic
backtracking shape). At run time the third-party ``regex`` engine matches with a timeout, so
a shape the static check cannot see (``(a|aa)*b``) yields unknown, never a hang.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MAX_PATTERN = 1000
MAX_REPEAT = 1000
MATCH_TIMEOUT = 0.5
"""Seconds one match may take before the leaf is unknown."""
_UNBOUNDED = getattr(getattr(re, "_constants", None), "MAXREPEAT", 4294967295)
MAX_SUBJECT = 100_000
"""Characters of a value a pattern is matched against (a longer value is unknown)."""


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used in a policy, or None when it can."""
    if len(pattern) > MAX_PATTERN:
        return f"regular expression longer than {MAX_PATTERN} characters"
    try:
        parsed = _parse(pattern)
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        return f"invalid regular expression: {exc}"
    if parsed is None:
        return None
    return _shape_problem(parsed, inside_repeat=False)


def search(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``text``; None when that cannot be decided in bounds."""
    import regex

    if len(text) > MAX_SUBJECT:
        return None
    try:
        return _compiled(pattern).search(text, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError:
        return None
    except (regex.error, OverflowError, RecursionError, ValueError):
        return None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    import regex

    return regex.compile(pattern, regex.VERSION0)


def _parse(pattern: str) -> Any:
    """The stdlib parse tree of ``pattern`` (None when this Python does not expose its parser)."""
    re.compile(pattern)
    parser = getattr(re, "_parser", None)
    return parser.parse(pattern) if parser is not None else None


def _shape_problem(tree: Any, *, inside_repeat: bool) -> str | None:
    for op, argument in tree:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, sub = argument
            bounded_high = high if high != _UNBOUNDED else low
            if max(low, bounded_high) > MAX_REPEAT:
                return f"repetition count {max(low, bounded_high)} above {MAX_REPEAT}"
            repeats = high == _UNBOUNDED or high > 1
            if high == _UNBOUNDED and inside_repeat:
                return "nested quantifiers (e.g. (a+)+) can backtrack catastrophically"
            problem = _shape_problem(sub, inside_repeat=inside_repeat or repeats)
        elif name == "POSSESSIVE_REPEAT":
            low, high, sub = argument
            problem = _shape_problem(sub, inside_repeat=False)
        elif name == "SUBPATTERN":
            problem = _shape_problem(argument[-1], inside_repeat=inside_repeat)
        elif name == "BRANCH":
            problem = next(
                (p for b in argument[1] if (p := _shape_problem(b, inside_repeat=inside_repeat))), None
            )
        elif name in ("ASSERT", "ASSERT_NOT"):
            problem = _shape_problem(argument[1], inside_repeat=inside_repeat)
        elif name == "GROUPREF_EXISTS":
            branches = [b for b in argument[1:] if b is not None]
            problem = next(
                (p for b in branches if (p := _shape_problem(b, inside_repeat=inside_repeat))), None
            )
        else:
            problem = None
        if problem:
            return problem
    return None
