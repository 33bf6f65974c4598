"""Every file format mlscan can write, by name: how to render it and the file extension it gets.

``console`` is not here: it prints with rich instead of producing a document.
Renderers are imported lazily so that ``--format json`` never loads Jinja.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from typing import Any, BinaryIO

from scanner.report.context import ReportContext


@dataclass(frozen=True)
class FileFormat:
    """One output format: its CLI name, default file name and renderer (``module:function``)."""

    name: str
    filename: str
    renderer: str
    is_json: bool = False
    """The renderer returns data to serialize as JSON (instead of text)."""
    streams: bool = False
    """The renderer writes bytes to a handle itself (``renderer(ctx, handle, pretty=...)``)."""

    def render(self, ctx: ReportContext, *, pretty: bool = False) -> str:
        """The document as text (for standard output)."""
        buffer = io.BytesIO()
        self.write(ctx, buffer, pretty=pretty)
        return buffer.getvalue().decode("utf-8")

    def write(self, ctx: ReportContext, handle: BinaryIO, *, pretty: bool = False) -> None:
        """Render straight into ``handle`` (a file opened in binary mode); JSON is compact unless ``pretty``."""
        module_name, function = self.renderer.split(":")
        renderer = getattr(importlib.import_module(module_name), function)
        if self.streams:
            renderer(ctx, handle, pretty=pretty)
            return
        output: Any = renderer(ctx)
        if self.is_json:
            from scanner.report.json_writer import dumps

            handle.write(dumps(output, pretty=pretty) + b"\n")
        else:
            handle.write(encodable(output).encode("utf-8"))


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
        FileFormat(
            "json", "mlscan.json", "scanner.report.json_writer:write_result", is_json=True, streams=True
        ),
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
