"""The Jinja environment for human-readable reports (``reports/*.j2``).

Templates are looked up first in the user's ``--template-dir`` and then in the
built-in ``reports/`` directory, so a team can restyle one format without copying
the others. HTML templates are autoescaped: a tag value like ``<script>`` renders
as text. Markdown gets an explicit ``md`` filter instead, because Markdown has
its own metacharacters and GitHub renders inline HTML in PR comments.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from scanner.paths import templates_dir

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def environment(template_dir: str | Path | None = None) -> Environment:
    """A Jinja environment over the user's template directory (if any) then the built-in one."""
    loaders = []
    if template_dir is not None:
        loaders.append(FileSystemLoader(str(template_dir)))
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2"), default_for_string=False
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["pretty_json"] = pretty_json
    return env


def render(template_name: str, template_dir: str | Path | None = None, **variables: Any) -> str:
    """Render one template by name with ``variables``."""
    return environment(template_dir).get_template(template_name).render(**variables)


def markdown_escape(value: Any) -> str:
    """Text safe inside a Markdown table cell: metacharacters backslash-escaped, newlines flattened."""
    text = "" if value is None else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def pretty_json(value: Any) -> str:
    """Indented JSON for showing raw configuration (escaped afterwards by autoescape in HTML)."""
    return json.dumps(value, indent=2, sort_keys=True, default=str)
