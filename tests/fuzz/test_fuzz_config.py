"""Fuzz family config_yaml: policy, framework, waiver and accounts files that are hostile or mistyped.

Mutations: a wrong type at any structural path (as for plans), and hostile text (alias
bombs, self-referring aliases, code-constructing tags, deep nesting, invalid UTF-8,
regexes with huge repetition counts or nested quantifiers). Each loader gives its
located error (or loads the file); a policy it accepts evaluates without an error finding.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from fuzz_harness import REPO, budget, count
from hypothesis import given
from hypothesis import strategies as st

from scanner.clouds.aws.accounts import AccountsFileError, load_accounts_file
from scanner.compliance.frameworks import load_framework_file
from scanner.gate import WaiverFileError, apply_waivers, load_waivers
from scanner.model import Status
from scanner.policy.evaluate import evaluate_all
from scanner.policy.loader import load_policy_file

WAIVERS = {
    "waivers": [
        {
            "policy": "TST-ENC-*",
            "resource": "aws_*",
            "reason": "tracked in SEC-1",
            "owner": "a",
            "expires": "2030-01-01",
        }
    ]
}
ACCOUNTS = {
    "accounts": [
        {
            "account_id": "123456789012",
            "role_arn": "arn:aws:iam::123456789012:role/r",
            "regions": ["us-east-1"],
        }
    ]
}
SEEDS = {
    "policy": [yaml.safe_load(p.read_text()) for p in sorted((REPO / "policies").glob("MLS-*.yaml"))[::6]],
    "framework": [yaml.safe_load((REPO / "policies" / "frameworks" / "owasp-ml-top-10.yaml").read_text())],
    "waivers": [WAIVERS],
    "accounts": [ACCOUNTS],
}
WRONG = st.sampled_from(["text", ["x"], [], True, None, 7, {}, {"key": 1}, "2030-13-45", "a" * 300])
BOMB = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 9)
)
HOSTILE_TEXT = [
    BOMB,
    "a: &a [*a]\n",
    "!!python/object/apply:os.system ['echo pwned']\n",
    "x: !!python/name:os.system\n",
    "x: !!binary AAAA\n",
    "[" * 3000 + "]" * 3000,
    "{a: " * 500 + "1" + "}" * 500,
    "\ufeffid: X\n",
    "",
    "---\n---\n",
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            found += _paths(child, (*path, index))
    return found


REGEXES = ["a{99999999999}", "(a+)+$", "(x*)*y", "a{5000}", "[", "(?P<n>", "(a|aa)*b", "^ml\\.", "\\"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(SEEDS)))
    if draw(st.integers(0, 4)) == 0:
        text = draw(st.sampled_from(HOSTILE_TEXT))
        return kind, (text.encode() if draw(st.booleans()) else b"\xff\xfe" + text.encode("utf-8") + b"\xc3(")
    document = copy.deepcopy(draw(st.sampled_from(SEEDS[kind])))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)[1:] or [("x",)]))
        parent = document
        for step in path[:-1]:
            parent = parent[step] if isinstance(parent, (dict, list)) else {}
        if not isinstance(parent, (dict, list)):
            continue
        if isinstance(parent, dict) and draw(st.booleans()):
            parent.pop(path[-1], None)
        elif path[-1] == "value" and draw(st.booleans()):
            parent[path[-1]] = draw(st.sampled_from(REGEXES))
            parent["op"] = "matches"
        else:
            parent[path[-1]] = copy.deepcopy(draw(WRONG))
    return kind, yaml.safe_dump(document, allow_unicode=True).encode()


def _sample_resources() -> Any:
    from report.sample import sample_result

    return sample_result()


@given(documents())
@budget(120)
def test_config_yaml(tmp_path_factory, case: tuple[str, bytes]) -> None:
    count("config_yaml")
    kind, data = case
    path: Path = tmp_path_factory.mktemp("config") / f"{kind}.yaml"
    path.write_bytes(data)
    sample = _sample_resources()
    if kind == "policy":
        policy, errors = load_policy_file(path)
        assert (policy is None) == bool(errors)
        if policy is not None:
            findings = evaluate_all([policy], sample.resources)
            assert not [f for f in findings if f.status is Status.ERROR], findings
    elif kind == "framework":
        errors = []
        load_framework_file(path, errors)
    elif kind == "waivers":
        try:
            waivers = load_waivers(path)
        except WaiverFileError as exc:
            errors = [exc]
        else:
            apply_waivers(sample, waivers)
            errors = []
    else:
        try:
            load_accounts_file(str(path))
            errors = []
        except AccountsFileError as exc:
            errors = [exc]
    for error in errors:
        assert "\n" not in str(error), str(error)
        assert str(path) in str(error)
