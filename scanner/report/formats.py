"""Every file format mlscan can write, by name: how to render it and the file extension it gets.

``console`` is not here: it prints with rich instead of producing a document.
Renderers are imported lazily so that ``--format json`` never loads Jinja.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

from scanner.report.context import ReportContext


@dataclass(frozen=True)
class FileFormat:
    """One output format: its CLI name, default file name and renderer (``module:function``)."""

    name: str
    filename: str
    renderer: str
    is_json: bool = False
    """The renderer returns data to serialize as JSON (instead of text)."""

    def render(self, ctx: ReportContext) -> str:
        """The document as text, ready to write as UTF-8."""
        module_name, function = self.renderer.split(":")
        output: Any = getattr(importlib.import_module(module_name), function)(ctx)
        if self.is_json:
            output = json.dumps(output, indent=2, default=str, ensure_ascii=False) + "\n"
        return encodable(output)


def encodable(text: str) -> str:
    """``text`` as UTF-8 can carry it: a lone surrogate (JSON input may hold ``"\\ud800"``) is written
    as its visible ``\\ud800`` escape (still a valid escape inside a JSON string) instead of failing."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


FILE_FORMATS: dict[str, FileFormat] = {
    f.name: f
    for f in (
        FileFormat("json", "mlscan.json", "scanner.report.formats:render_json", is_json=True),
        FileFormat("html", "mlscan.html", "scanner.report.human:render_html"),
        FileFormat("markdown", "mlscan.md", "scanner.report.human:render_markdown"),
        FileFormat("sarif", "mlscan.sarif", "scanner.report.sarif:render_sarif", is_json=True),
        FileFormat("junit", "mlscan.junit.xml", "scanner.report.junit:render_junit"),
        FileFormat("csv", "mlscan.csv", "scanner.report.csv_report:render_csv"),
        FileFormat("ocsf", "mlscan.ocsf.json", "scanner.report.ocsf:render_ocsf", is_json=True),
        FileFormat("asff", "mlscan.asff.json", "scanner.report.asff:render_asff", is_json=True),
    )
}
ALL_FORMATS: tuple[str, ...] = ("console", *FILE_FORMATS)


def render_json(ctx: ReportContext) -> dict[str, Any]:
    """The JSON contract (see json_contract.py), plus the compliance roll-up when frameworks were loaded."""
    from scanner.report.json_contract import compliance_to_dict, result_to_dict

    data = result_to_dict(ctx.result)
    if ctx.frameworks:
        data["compliance"] = compliance_to_dict(ctx.frameworks)
    return data
