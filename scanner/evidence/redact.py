"""Defence-in-depth redaction for evidence: secrets must never land in a pack an auditor keeps.

Adapters already redact the raw configuration they read; this pass runs again over
everything written to an evidence pack, so that one adapter forgetting a field does
not leak it. Key names are kept (an auditor may need to know a variable exists);
values are replaced with ``***REDACTED***``.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "***REDACTED***"
_ENV_KEYS = {"environment", "environment_variables", "env", "environmentvariables", "env_vars"}
_SECRET_KEY = re.compile(
    r"(password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|connection[_-]?string|"
    r"sas[_-]?key|credential|client[_-]?secret|primary[_-]?key|secondary[_-]?key)",
    re.IGNORECASE,
)
# Inside a list of {name: X, value: Y} variables, the name is kept and only the value hidden.
_ENV_NAME_FIELDS = {"name", "key"}
# Fact names describe settings, not secrets (e.g. "auth.mode" = "key"): never blank them.
_SAFE_PREFIXES = ("encryption.", "auth.", "identity.", "network.", "logging.", "privacy.", "exposure.")


def redact(value: Any, *, under_env: bool = False) -> Any:
    """A copy of ``value`` with environment-variable values and secret-looking keys' values redacted."""
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            name = str(key)
            if under_env and name.lower() in _ENV_NAME_FIELDS:
                out[key] = item
            elif under_env and not isinstance(item, (dict, list)):
                out[key] = REDACTED if item not in (None, "", REDACTED) else item
            elif _is_env(name):
                out[key] = redact(item, under_env=True)
            elif _SECRET_KEY.search(name) and not name.startswith(_SAFE_PREFIXES) and isinstance(item, str):
                out[key] = REDACTED if item else item
            else:
                out[key] = redact(item, under_env=under_env)
        return out
    if isinstance(value, list):
        return [redact(item, under_env=under_env) for item in value]
    if under_env and isinstance(value, str) and value:
        return REDACTED
    return value


def _is_env(name: str) -> bool:
    return name.replace("-", "_").lower() in _ENV_KEYS
