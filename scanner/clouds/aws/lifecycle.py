"""Hard-coded secrets in notebook lifecycle scripts (on-create / on-start), for both faces.

Lifecycle configurations are base64 shell scripts that run as root on the notebook; credentials
pasted into them are readable by anyone who can describe the configuration (Prowler checks this too).
Only the names of what was found are kept, never the values.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

from scanner.redact import secret_names


def decode(content: Any) -> str | None:
    """A lifecycle script from its base64 ``Content``; None when it is not readable base64 text."""
    if not isinstance(content, str):
        return None
    try:
        return base64.b64decode(content, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


def secrets_in(scripts: Iterable[str]) -> list[str]:
    """What looks like a hard-coded secret in the scripts: variable names or token-shape names (scanner/redact.py)."""
    return list(dict.fromkeys(name for script in scripts for name in secret_names(script)))


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
