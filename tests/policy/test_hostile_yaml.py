"""Hostile YAML and regexes (issue 11 examples): bounded, located errors; never a hang or a constructed object."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.clouds.aws.accounts import AccountsFileError, load_accounts_file
from scanner.compliance.frameworks import load_framework_file
from scanner.gate import WaiverFileError, load_waivers
from scanner.policy.loader import load_policy_file
from scanner.policy.patterns import pattern_problem, search

REPO = Path(__file__).resolve().parents[2]
BOMB = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)
HOSTILE = {
    "alias bomb": (BOMB, "aliases expand to more than"),
    "self alias": ("a: &a [*a]\n", "alias refers to itself"),
    "code tag": (
        "!!python/object/apply:os.system ['touch /tmp/mlscan-pwned']\n",
        "could not determine a constructor",
    ),
    "deep": ("[" * 5000 + "]" * 5000, "nest"),
}


def _errors_of(kind: str, path: Path) -> list[str]:
    if kind == "policy":
        return [str(e) for e in load_policy_file(path)[1]]
    if kind == "framework":
        errors: list = []
        load_framework_file(path, errors)
        return [str(e) for e in errors]
    try:
        load_waivers(path) if kind == "waivers" else load_accounts_file(str(path))
    except (WaiverFileError, AccountsFileError) as exc:
        return [str(exc)]
    return []


@pytest.mark.parametrize("kind", ["policy", "framework", "waivers", "accounts"])
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_yaml_is_a_located_error(tmp_path: Path, kind: str, case: str) -> None:
    text, reason = HOSTILE[case]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    errors = _errors_of(kind, path)
    assert len(errors) == 1 and reason in errors[0] and str(path) in errors[0], errors
    assert not Path("/tmp/mlscan-pwned").exists()


def _policy_with(pattern: str) -> str:
    text = (REPO / "policies" / "MLS-NET-001.yaml").read_text(encoding="utf-8")
    return text.replace("assert:", f"when:\n  key: name\n  op: matches\n  value: '{pattern}'\nassert:", 1)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("a{99999999999}", "repetition number is too large"),
        ("a{5000}", "repetition count 5000 above 1000"),
        ("(a+)+$", "nested quantifiers"),
        ("(x*)*y", "nested quantifiers"),
        ("[unclosed", "invalid regular expression"),
    ],
)
def test_policy_regex_that_could_crash_or_hang_is_refused_at_load(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    path = tmp_path / "MLS-NET-001.yaml"
    path.write_text(_policy_with(pattern), encoding="utf-8")
    policy, errors = load_policy_file(path)
    assert policy is None and len(errors) == 1 and reason in errors[0].reason
    assert errors[0].where.startswith(f"{path}:")


def test_regex_shapes_the_static_check_misses_are_bounded_at_run_time() -> None:
    assert pattern_problem("(a|aa)*b") is None
    assert search("(a|aa)*b", "a" * 5000) is False or search("(a|aa)*b", "a" * 5000) is None
    assert search("^ml\\.", "ml.t3") is True
    assert search("x", "y" * 200_000) is None  # too long to judge: unknown, not a pass
