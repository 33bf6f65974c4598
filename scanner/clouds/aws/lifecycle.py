"""Hard-coded secrets in notebook lifecycle scripts (on-create / on-start), for both faces.

Lifecycle configurations are base64 shell scripts that run as root on the notebook; credentials
pasted into them are readable by anyone who can describe the configuration (Prowler checks this too).
Only the names of what was found are kept, never the values.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from typing import Any

_ASSIGNMENT = re.compile(
    r"(?i)\b([A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY)[A-Z0-9_]*)\s*[=:]\s*['\"]?"
    r"([^\s'\"$`{(][^\s'\"]{5,})"
)
_PATTERNS = (
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
)


def decode(content: Any) -> str | None:
    """A lifecycle script from its base64 ``Content``; None when it is not readable base64 text."""
    if not isinstance(content, str):
        return None
    try:
        return base64.b64decode(content, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


def secrets_in(scripts: Iterable[str]) -> list[str]:
    """What looks like a hard-coded secret in the scripts: variable names or pattern names."""
    found: list[str] = []
    for script in scripts:
        found.extend(match.group(1) for match in _ASSIGNMENT.finditer(script))
        found.extend(name for name, pattern in _PATTERNS if pattern.search(script))
    return list(dict.fromkeys(found))


def lifecycle_facts(contents: list[Any] | None) -> tuple[dict[str, Any], list[str]]:
    """``notebook.lifecycle_secrets`` from the base64 contents of a notebook's lifecycle scripts.

    ``contents`` is None when the configuration could not be read; an empty list when the notebook
    has none. Returns the facts and the names found (for raw evidence).
    """
    if contents is None:
        return {"notebook.lifecycle_secrets": None}, []
    scripts = [decode(c) for c in contents]
    found = secrets_in(s for s in scripts if s is not None)
    if found:
        return {"notebook.lifecycle_secrets": True}, found
    return {"notebook.lifecycle_secrets": None if any(s is None for s in scripts) else False}, []
