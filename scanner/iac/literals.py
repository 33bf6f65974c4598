"""Literal text in HCL: numbers and string escapes, read exactly as Terraform reads them.

Kept apart from :mod:`scanner.iac.expressions` because these are pure functions of the source text:
no scope, no references, nothing that could be unknown except a number Terraform would reject.
"""

from __future__ import annotations

import re
from typing import Any

from scanner.iac.values import Unknown

ESCAPES = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)
SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def number(text: str) -> Any:
    """An HCL number literal as int or float; text that is neither stays :class:`Unknown`."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return Unknown(text)


def unescape(text: str) -> str:
    """A quoted string's text as Terraform reads it: backslash escapes, and ``$${``/``%%{`` as literals."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        escape = match.group(1)
        if escape[0] in "uU" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return SIMPLE_ESCAPES.get(escape, token)

    return ESCAPES.sub(replace, text) if "\\" in text or "$${" in text or "%%{" in text else text


def unescape_heredoc(text: str) -> str:
    """A heredoc's text: no backslash escapes there, only the ``$${``/``%%{`` literals."""
    return text.replace("$${", "${").replace("%%{", "%{")
