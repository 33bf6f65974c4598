"""Data sensitivity from tags and labels: which resources hold PHI, PII or confidential data.

Clouds have no field for "this model was trained on patient records"; teams
say it with a tag. Tag keys and values differ between organizations, so both
are configurable; the defaults cover the common spellings
(``data-classification``, ``data_classification``, ``sensitivity``; GCP labels
are lowercase with dashes or underscores).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

DEFAULT_TAG_KEYS: tuple[str, ...] = (
    "data-classification",
    "data_classification",
    "dataclassification",
    "data-sensitivity",
    "data_sensitivity",
    "sensitivity",
    "classification",
)
"""Tag / label keys read for sensitivity, matched case-insensitively with ``-`` / ``_`` equivalent."""

SENSITIVITY_LEVELS: tuple[str, ...] = ("phi", "pii", "confidential", "internal", "public")
"""Known values, most sensitive first."""

DEFAULT_SENSITIVE_VALUES: tuple[str, ...] = ("phi", "pii", "confidential")
"""Values that make training data sensitive for the privacy policies and the risk score."""


def _key(text: str) -> str:
    return re.sub(r"[-_\s.]+", "-", text.strip().lower())


def sensitivity_from_tags(
    tags: Mapping[str, str] | None,
    *,
    tag_keys: Sequence[str] = DEFAULT_TAG_KEYS,
    levels: Sequence[str] = SENSITIVITY_LEVELS,
) -> str | None:
    """The most sensitive known level named by any sensitivity tag, lowercased; None when untagged.

    An unrecognized value (``data-classification: secret-sauce``) is None, not a guess.
    """
    wanted = {_key(k) for k in tag_keys}
    found = [
        str(value).strip().lower()
        for key, value in (tags or {}).items()
        if _key(str(key)) in wanted and value is not None
    ]
    known = [value for value in found if value in levels]
    if not known:
        return None
    return min(known, key=list(levels).index)


def most_sensitive(values: Sequence[str | None], levels: Sequence[str] = SENSITIVITY_LEVELS) -> str | None:
    """The most sensitive of several levels (unknown levels ignored); None when none is known."""
    known = [v for v in values if v in levels]
    return min(known, key=list(levels).index) if known else None


def is_sensitive(
    value: str | None, sensitive_values: Sequence[str] = DEFAULT_SENSITIVE_VALUES
) -> bool | None:
    """True for a sensitive level, False for a known non-sensitive one, None when unknown."""
    if value is None:
        return None
    return value.lower() in {v.lower() for v in sensitive_values}
