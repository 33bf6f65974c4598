"""The one redactor: what mlscan treats as secret, and how it is hidden. Secrets never reach any output.

Every adapter's ``raw`` (live and Terraform, every cloud), every output format, the
lines on standard output and error and the evidence pack pass through this module, so
one definition of a secret holds everywhere. The definition is data
(``scanner/data/redaction.yaml``): secret words in key names, environment maps,
``{name, value}`` entries, ``--flag=value`` / ``--flag value`` arguments, ``NAME=value``
assignments in text, known token shapes, and base64 scripts decoded and scanned.

Key names are kept (an auditor may need to know a variable exists); values become
:data:`REDACTED`. Empty values, ``None`` and booleans stay as they are: they hold no secret.

Public API: :func:`is_secret_key`, :func:`redact_text`, :func:`redact_value`,
:func:`redact_mapping`, :func:`redact_result`, :func:`secret_names`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from scanner.model import ScanResult
from scanner.paths import data_file

REDACTED = "***REDACTED***"
"""What a hidden value reads as, in every format."""

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{20,}={0,2}")
_FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w.-]*)(=|[ \t]+)(\"[^\"]*\"|'[^']*'|[^\s\"'=-][^\s\"']*)")
_ASSIGNMENT = re.compile(
    r"(?<![\w.-])([\"']?)([A-Za-z_][\w.-]*)\1(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s\"',;&]+)"
)
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_LITERAL = re.compile(r"[^\s'\"$`{(][^\s'\"]{5,}")
"""A value written out (not ``$VAR``, `` `cmd` `` or ``${ref}``) and long enough to be a credential."""


@dataclass(frozen=True)
class Rules:
    """The merged contents of redaction.yaml: every section applies everywhere."""

    secret_words: frozenset[str]
    secret_pairs: frozenset[tuple[str, str]]
    describing_words: frozenset[str]
    env_keys: frozenset[str]
    entry_name_fields: frozenset[str]
    entry_value_fields: frozenset[str]
    assignment_names: frozenset[str]
    token_patterns: tuple[tuple[str, re.Pattern[str]], ...]
    any_token: re.Pattern[str]
    """All token shapes in one pattern: one search tells whether a string needs the per-shape passes."""
    opaque_maps: Mapping[str, tuple[str, ...]]
    """Key → prefixes kept readable: every other value of such a map is hidden (instance metadata)."""


@cache
def rules() -> Rules:
    """The redaction rules, read once from ``scanner/data/redaction.yaml`` (on first use: start-up stays fast)."""
    from scanner.datacache import bundled_yaml

    data = bundled_yaml(data_file("redaction.yaml"))
    sections = list(data.values())

    def union(field: str) -> frozenset[str]:
        return frozenset(str(word).lower() for section in sections for word in section.get(field) or ())

    patterns = tuple(
        (name, re.compile(pattern))
        for section in sections
        for name, pattern in (section.get("token_patterns") or {}).items()
    )
    return Rules(
        secret_words=union("secret_words"),
        secret_pairs=frozenset(
            (str(a).lower(), str(b).lower()) for s in sections for a, b in s.get("secret_pairs") or ()
        ),
        describing_words=union("describing_words"),
        env_keys=union("env_keys"),
        entry_name_fields=union("entry_name_fields"),
        entry_value_fields=union("entry_value_fields"),
        assignment_names=union("assignment_names"),
        token_patterns=patterns,
        any_token=re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', p.pattern)})" for _, p in patterns)),
        opaque_maps={
            str(key): tuple(prefixes)
            for section in sections
            for key, prefixes in (section.get("opaque_maps") or {}).items()
        },
    )


def _words(name: str) -> list[str]:
    """``adminUserPassword`` / ``HF_API_TOKEN`` / ``x-api-key`` → their lower-case words."""
    return [word for word in _NON_WORD.split(_CAMEL.sub("_", name).lower()) if word]


@lru_cache(maxsize=4096)
def is_secret_key(name: str) -> bool:
    """Whether a key, variable, flag or tag name says its value is a secret.

    ``db_password``, ``apiKey``, ``HF-TOKEN``, ``--client-secret``, ``AccountKey`` are;
    ``secret_name``, ``kms_key_id``, ``token_expiry``, ``disable_password_authentication``
    are not: their last word says they only name or describe the secret.
    """
    r = rules()
    words = _words(name)
    last_hit = -1
    for i, word in enumerate(words):
        if word in r.secret_words:
            last_hit = i
        if i + 1 < len(words) and (word, words[i + 1]) in r.secret_pairs:
            last_hit = i + 1
    if last_hit < 0 and "".join(words) in r.secret_words:
        last_hit = len(words) - 1
    if last_hit < 0:
        return False
    return last_hit == len(words) - 1 or words[-1] not in r.describing_words


@lru_cache(maxsize=4096)
def _is_env_key(name: str) -> bool:
    return "".join(_words(name)) in rules().env_keys


def _hide(value: Any) -> Any:
    """A secret scalar's replacement; nothing to hide in None, "" or a boolean."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    return REDACTED


@lru_cache(maxsize=65536)
def redact_text(text: str) -> str:
    """Free text (a command line, a script, a URL, an error message) with secrets replaced.

    Known token shapes anywhere; the value of ``--secret-flag=value`` / ``--secret-flag value``
    and of ``SECRET_NAME=value`` (or ``: value``); a base64 string whose decoded text holds a
    secret is hidden whole.
    """
    if len(text) < 6:
        return text
    out = text
    r = rules()
    if r.any_token.search(text):
        for _, pattern in r.token_patterns:
            out = pattern.sub(_hide_token, out)
    if "-" in out:
        out = _FLAG.sub(
            lambda m: m.group(0) if not is_secret_key(m.group(1)) else m[1] + m[2] + REDACTED, out
        )
    if "=" in out or ":" in out:
        out = _ASSIGNMENT.sub(_assignment, out)
    if out == text and len(text) >= 20 and _BASE64.fullmatch(text) and _decoded_holds_secret(text):
        return REDACTED
    return out


def _hide_token(match: re.Match[str]) -> str:
    """The whole match, or only its ``secret`` group when the pattern names one."""
    if "secret" not in match.re.groupindex:
        return REDACTED
    start, end = match.span("secret")
    return match.string[match.start() : start] + REDACTED + match.string[end : match.end()]


def _assignment(match: re.Match[str]) -> str:
    name = match.group(2)
    if match.group(4) == REDACTED or not (is_secret_key(name) or name.lower() in rules().assignment_names):
        return match.group(0)
    return match.group(0)[: match.start(4) - match.start(0)] + REDACTED


def _decoded_holds_secret(text: str) -> bool:
    try:
        decoded = base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    text_like = all(ch.isprintable() or ch in "\n\r\t" for ch in decoded)
    return text_like and redact_text(decoded) != decoded


def redact_value(value: Any, *, _env: bool = False) -> Any:
    """A JSON-like value (mappings, lists, tuples, strings, numbers) with every secret replaced.

    Mappings keep their keys; lists and tuples become lists. ``_env`` marks the values
    of an environment map (all hidden).
    """
    if isinstance(value, Mapping):
        return _redact_mapping(value, env=_env)
    if isinstance(value, (list, tuple)):
        return _redact_arguments([redact_value(item, _env=_env) for item in value])
    if isinstance(value, str):
        if _env:
            name, sep, rest = value.partition("=")
            return f"{name}={_hide(rest)}" if sep and name.isidentifier() else _hide(value)
        return redact_text(value)
    if _env and isinstance(value, (int, float)):
        return _hide(value)
    return value


class Redacted(dict):  # type: ignore[type-arg]
    """A dict the redactor produced (every level of it is new, nobody else holds it).

    Redaction is idempotent, so passing one through the redactor again returns it as it is:
    the second pass over a whole result (``app.finish``) then does not re-walk every
    resource's raw JSON the adapter already redacted. A copy (``{**raw, ...}``) is a plain
    dict again and is redacted in full.
    """


def redact_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`redact_value` for a mapping (``raw``, tags, facts, evidence): a new dict."""
    if type(mapping) is Redacted:
        return mapping
    return Redacted(_redact_mapping(mapping, env=False))


def _redact_mapping(mapping: Mapping[Any, Any], *, env: bool) -> dict[Any, Any]:
    if not env and type(mapping) is Redacted:
        return mapping
    r = rules()
    entry_name = _entry_name(mapping)
    if entry_name is not None and (env or is_secret_key(entry_name)):
        return {
            k: _hide(v)
            if str(k).lower() in r.entry_value_fields and not isinstance(v, (Mapping, list))
            else v
            for k, v in mapping.items()
        }
    out: dict[Any, Any] = {}
    for key, item in mapping.items():
        name = str(key)
        if env and not isinstance(item, (Mapping, list, tuple)):
            out[key] = _hide(item)
        elif _is_env_key(name):
            out[key] = redact_value(item, _env=True)
        elif name in r.opaque_maps and isinstance(item, Mapping):
            kept = r.opaque_maps[name]
            out[key] = {k: v if str(k).startswith(kept) else REDACTED for k, v in item.items()}
        elif is_secret_key(name) and not isinstance(item, Mapping):
            out[key] = [_hide(v) for v in item] if isinstance(item, (list, tuple)) else _hide(item)
        else:
            out[key] = redact_value(item, _env=env)
    return out


def _entry_name(mapping: Mapping[Any, Any]) -> str | None:
    """The name of a ``{name: X, value: Y}`` entry (env list item, tag), or None when it is not one."""
    if len(mapping) > 4:
        return None
    r = rules()
    lowered = {str(k).lower(): v for k, v in mapping.items()}
    if not any(field in lowered for field in r.entry_value_fields):
        return None
    for field in r.entry_name_fields:
        if isinstance(lowered.get(field), str):
            return lowered[field]
    return None


def _redact_arguments(values: list[Any]) -> list[Any]:
    """An argument list: after a bare secret flag (``--api-key``) the next string is its value."""
    out: list[Any] = []
    hide_next = False
    for item in values:
        if hide_next and isinstance(item, str) and not item.startswith("-"):
            out.append(_hide(item))
            hide_next = False
            continue
        hide_next = isinstance(item, str) and item.startswith("-") and "=" not in item and is_secret_key(item)
        out.append(item)
    return out


def secret_names(text: str) -> list[str]:
    """What in ``text`` looks like a hard-coded secret: assigned names and token-shape names, no values.

    Used for facts such as ``notebook.lifecycle_secrets``; ``PASSWORD=$FROM_ENV`` is not hard-coded.
    """
    found = [
        m.group(2)
        for m in _ASSIGNMENT.finditer(text)
        if is_secret_key(m.group(2)) and _LITERAL.fullmatch(m.group(4).strip("\"'"))
    ]
    found += [name for name, pattern in rules().token_patterns if pattern.search(text)]
    return list(dict.fromkeys(found))


def _redacted_resource(resource: Any) -> Any:
    """The resource itself when nothing in it is secret (so a scan keeps one copy), else a redacted copy."""
    raw, tags, facts = (redact_mapping(m) for m in (resource.raw, resource.tags, resource.facts))
    if raw == resource.raw and tags == resource.tags and facts == resource.facts:
        return resource
    return replace(resource, raw=raw, tags=tags, facts=facts)


def _redacted_finding(finding: Any, clean_facts: Mapping[str, Any] | None) -> Any:
    evidence = finding.evidence
    if clean_facts is None or not _read_from(evidence, clean_facts):
        evidence = redact_mapping(evidence)
    message = redact_text(finding.message)
    if evidence == finding.evidence and message == finding.message:
        return finding
    return replace(finding, evidence=evidence, message=message)


def _read_from(evidence: Mapping[str, Any], clean_facts: Mapping[str, Any]) -> bool:
    """Whether every evidence entry is ``facts.NAME`` holding the very object a fact of a resource the
    redactor left unchanged holds, under names that are neither secret, environment nor opaque maps.

    Then redacting the entry is ``redact_value`` of that object, which the resource's own pass already
    proved changes nothing: the evidence can skip the walk (most of a large plan's redaction time).
    """
    opaque = rules().opaque_maps
    for key, value in evidence.items():
        name = key[6:] if isinstance(key, str) and key.startswith("facts.") else None
        if name is None or name not in clean_facts or clean_facts[name] is not value:
            return False
        for word in (key, name):
            if is_secret_key(word) or _is_env_key(word) or word in opaque:
                return False
    return True


def redact_result(result: ScanResult) -> ScanResult:
    """The result every output is rendered from: raw, tags, facts, evidence, messages and errors redacted.

    Adapters already redact ``raw``; this second pass means one adapter forgetting a
    field, or a secret in an error message, still never reaches a report.
    """
    resources = tuple(_redacted_resource(r) for r in result.resources)
    clean = {
        r.id: r.facts
        for r, redacted in zip(result.resources, resources, strict=True)
        if r is redacted and _entry_name(r.facts) is None
    }  # resources with nothing to hide: their facts are the objects the evidence was read from
    findings = tuple(_redacted_finding(f, clean.get(f.resource_id)) for f in result.findings)
    errors = tuple(
        replace(e, where=redact_text(e.where), reason=redact_text(e.reason)) for e in result.errors
    )
    return replace(
        result,
        resources=resources,
        findings=findings,
        errors=errors,
        command=redact_text(result.command),
        extras=redact_mapping(result.extras),
    )
