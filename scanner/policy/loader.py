"""Load policy YAML files, validate them against the shipped JSON Schema, and report errors by file:line.

An invalid policy file is an error naming the file, line and reason; the other
policies still load and run. A policy that reads a fact not in the vocabulary
(scanner/data/facts.yaml) is invalid too: a typo must not silently yield `unknown`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from scanner.datacache import cached_outcomes
from scanner.model import ScanError, Severity
from scanner.paths import data_file, policies_dir
from scanner.policy.model import Policy, PolicySet
from scanner.policy.patterns import pattern_problem
from scanner.yamldoc import YamlDocument, YamlFileError

_SCHEMA_PATH = Path(__file__).with_name("policy.schema.json")


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(_SCHEMA_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def fact_vocabulary() -> Mapping[str, Mapping[str, Any]]:
    """Every known fact name and its definition."""
    return YamlDocument.read(data_file("facts.yaml")).data


def policy_files(directories: Iterable[Path]) -> list[Path]:
    """The .yaml / .yml files directly inside each directory (frameworks/ and other subdirs excluded)."""
    files: list[Path] = []
    for directory in directories:
        if directory.is_file():
            files.append(directory)
        elif directory.is_dir():
            files.extend(
                sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            )
    return files


def load_policies(extra_dirs: Sequence[str | Path] = (), *, builtin: bool = True) -> PolicySet:
    """Built-in policies (unless ``builtin`` is False) plus every user directory given."""
    directories = ([policies_dir()] if builtin else []) + [Path(d) for d in extra_dirs]
    policies: list[Policy] = []
    errors: list[ScanError] = []
    seen: dict[str, str] = {}
    builtin_files = policy_files(directories[:1]) if builtin else []
    outcomes = cached_outcomes("policies", builtin_files, _judged_by(), _outcome)
    user_files = policy_files(directories[1:] if builtin else directories)
    outcomes += [_outcome(path) for path in user_files]
    for path, outcome in zip([*builtin_files, *user_files], outcomes, strict=True):
        policy, problems = _from_outcome(outcome, path)
        errors.extend(problems)
        if policy is None:
            continue
        if policy.id in seen:
            errors.append(
                ScanError(
                    where=f"{path}:1",
                    reason=f"duplicate policy id {policy.id} (also in {seen[policy.id]})",
                    stage="policy",
                )
            )
            continue
        seen[policy.id] = str(path)
        policies.append(policy)
    for directory in directories:
        if not directory.exists():
            errors.append(
                ScanError(where=str(directory), reason="policy directory does not exist", stage="policy")
            )
    return PolicySet(tuple(sorted(policies, key=lambda p: p.id)), tuple(errors))


def load_policy_file(path: Path) -> tuple[Policy | None, list[ScanError]]:
    """One policy, or None with the errors that make it invalid (each naming file:line and reason)."""
    return _from_outcome(_outcome(path), path)


def _judged_by() -> list[Path]:
    """What decides whether a policy file is valid besides its own bytes (the cache key includes them)."""
    here = Path(__file__).parent
    return [_SCHEMA_PATH, data_file("facts.yaml"), Path(__file__), here / "patterns.py"]


def _outcome(path: Path) -> dict[str, Any]:
    """``{"data": document}`` for a valid policy file, else ``{"errors": [[where, reason], ...]}``:
    plain JSON, so that the verdict on a bundled file can be cached (scanner/datacache.py)."""
    try:
        doc = YamlDocument.read(path)
    except YamlFileError as exc:
        return {"errors": [[exc.where, exc.reason]]}
    problems = [[doc.where(list(err.absolute_path)), _schema_reason(err)] for err in _schema_errors(doc.data)]
    if not problems:
        problems = [[doc.where(where), reason] for where, reason in _semantic_problems(doc.data)]
    return {"errors": problems} if problems else {"data": doc.data}


def _from_outcome(outcome: Mapping[str, Any], path: Path) -> tuple[Policy | None, list[ScanError]]:
    if "data" in outcome:
        return _to_policy(outcome["data"], path), []
    return None, [
        ScanError(where=where, reason=reason, stage="policy") for where, reason in outcome["errors"]
    ]


def _schema_errors(document: Any) -> list[Any]:
    from jsonschema.exceptions import best_match

    errors = list(_validator().iter_errors(document))
    if not errors:
        return []
    best = best_match(errors)
    return [best]


def _schema_reason(error: Any) -> str:
    location = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    message = error.message if len(error.message) < 200 else error.message[:197] + "..."
    return f"{location}: {message}"


def _semantic_problems(document: Mapping[str, Any]) -> Iterable[tuple[list[Any], str]]:
    vocabulary = fact_vocabulary()
    parameters = document.get("parameters", {}) or {}
    for section in ("assert", "when"):
        if section in document:
            yield from _check_assertion(document[section], [section], vocabulary, parameters)
    for outcome, examples in (document.get("examples") or {}).items():
        for index, example in enumerate(examples):
            for name in example.get("facts", {}):
                if name not in vocabulary:
                    yield ["examples", outcome, index, "facts", name], f"unknown fact {name!r} in example"


def _check_assertion(
    node: Any, where: list[Any], vocabulary: Mapping[str, Any], parameters: Mapping[str, Any]
) -> Iterable[tuple[list[Any], str]]:
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        for index, child in enumerate(node[key]):
            yield from _check_assertion(child, [*where, key, index], vocabulary, parameters)
        return
    if "not" in node:
        yield from _check_assertion(node["not"], [*where, "not"], vocabulary, parameters)
        return
    key = node["key"]
    if key.startswith("facts.") and key[len("facts.") :] not in vocabulary:
        yield [*where, "key"], f"unknown fact {key[len('facts.') :]!r} (see scanner/data/facts.yaml)"
    value = node.get("value")
    if isinstance(value, Mapping) and "param" in value:
        if not isinstance(value["param"], str):
            yield [*where, "value"], f"param must be a parameter name, not {value['param']!r}"
        elif value["param"] not in parameters:
            yield [*where, "value"], f"parameter {value['param']!r} is not declared under parameters"
    if node["op"] == "matches" and isinstance(value, str):
        problem = pattern_problem(value)
        if problem:
            yield [*where, "value"], problem
    if "assert" in node:
        yield from _check_assertion(node["assert"], [*where, "assert"], vocabulary, parameters)


def _to_policy(document: Mapping[str, Any], path: Path) -> Policy:
    applies = document["applies_to"]
    examples = document["examples"]
    return Policy(
        id=document["id"],
        title=document["title"],
        description=document["description"].strip(),
        category=document["category"],
        severity=Severity(document["severity"]),
        kinds=tuple(applies["kinds"]),
        providers=tuple(applies.get("providers", ())),
        types=tuple(applies.get("types", ())),
        assertion=document["assert"],
        when=document.get("when"),
        remediation=dict(document["remediation"]),
        references=tuple(document.get("references", ())),
        examples={k: tuple(v) for k, v in examples.items()},
        path=str(path),
        version=str(document.get("version", "1")),
        message=document.get("message"),
        parameters=dict(document.get("parameters", {}) or {}),
        fix=dict(document.get("fix", {}) or {}),
        help_uri=document.get("help_uri") or _builtin_doc(document["id"], path),
    )


def _builtin_doc(policy_id: str, path: Path) -> str:
    """A built-in policy is documented in its docs/policies.md section; a team's own policy is not."""
    from scanner import policy_doc_url

    return policy_doc_url(policy_id) if path.resolve().parent == _builtin_dir() else ""


@cache
def _builtin_dir() -> Path:
    return policies_dir().resolve()
